"""The SQLite file stays the one the course opened: deleted or swapped under a running server it
stops saving and says so; missing or emptied at a restart it is refused instead of replaced by
an empty course; damaged mid-file it is found at open, not 50 writes later."""

from __future__ import annotations

import os
import sqlite3

import pytest

from course.store import StoreUnavailable, open_store, rules
from course.store.database import MADE_MARK_SUFFIX
from tests.page_harness import CHEAP_HASHER

PASSWORD = "correct horse battery"


def opened(data_dir):
    return open_store(data_dir=data_dir, hasher=CHEAP_HASHER, hashes_at_once=2)


def sign_up(store, name: str):
    return store.sign_up(name, PASSWORD, display_name=name.title(), role="member")


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    with opened(folder) as store:  # the course's first start in this folder
        sign_up(store, "amy")
    return folder


def database(data_dir):
    return data_dir / rules.SQLITE_FILE_NAME


def test_the_first_start_marks_the_folder_and_later_starts_open_as_usual(data_dir):
    mark = data_dir / (rules.SQLITE_FILE_NAME + MADE_MARK_SUFFIX)
    assert "delete both files" in mark.read_text()
    with opened(data_dir) as store:
        assert store.sign_in("amy", PASSWORD)


def test_a_database_deleted_under_a_running_server_stops_saving_and_no_empty_one_appears(data_dir):
    with opened(data_dir) as store:
        database(data_dir).unlink()
        for path in data_dir.glob(rules.SQLITE_FILE_NAME + "-*"):
            path.unlink()  # the WAL and shared-memory files go with it, as with `rm course.sqlite3*`
        with pytest.raises(StoreUnavailable) as gone:
            sign_up(store, "ben")
        assert gone.value.reason == "replaced"
        assert "replaced or deleted while the course was running" in str(gone.value)
        with pytest.raises(StoreUnavailable):
            store.sign_in("amy", PASSWORD)  # reads too: they would read an empty new file
    assert not database(data_dir).exists(), "SQLite was never let to make an empty file in its place"


def test_a_database_swapped_for_another_file_stops_saving_and_the_other_file_is_untouched(data_dir, tmp_path):
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE notes (text TEXT)").connection.commit()
    with opened(data_dir) as store:
        os.replace(other, database(data_dir))
        with pytest.raises(StoreUnavailable) as swapped:
            sign_up(store, "ben")
        assert swapped.value.reason == "replaced"
    tables = sqlite3.connect(database(data_dir)).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("notes",)]


def test_a_restart_with_the_database_gone_is_refused_instead_of_starting_empty(data_dir):
    database(data_dir).unlink()
    with pytest.raises(StoreUnavailable) as missing:
        opened(data_dir)
    assert missing.value.reason == "missing"
    assert "doesn't start an empty one" in str(missing.value)
    assert not database(data_dir).exists()


def test_a_restart_with_the_database_emptied_is_refused(data_dir):
    database(data_dir).write_bytes(b"")
    for path in data_dir.glob(rules.SQLITE_FILE_NAME + "-*"):
        path.unlink()
    with pytest.raises(StoreUnavailable) as emptied:
        opened(data_dir)
    assert emptied.value.reason == "missing"
    assert database(data_dir).stat().st_size == 0, "nothing was written into it"


def test_deleting_the_database_and_its_mark_starts_again_from_nothing(data_dir):
    database(data_dir).unlink()
    (data_dir / (rules.SQLITE_FILE_NAME + MADE_MARK_SUFFIX)).unlink()
    with opened(data_dir) as store:
        sign_up(store, "amy")  # the course starts from nothing: amy's name is free again


def test_noise_in_the_middle_of_the_file_is_found_when_the_database_opens(data_dir):
    with opened(data_dir) as store:
        for number in range(300):
            sign_up(store, f"member{number:03d}")
    size = database(data_dir).stat().st_size
    assert size > 64 * 1024, "big enough for the noise to land on pages in use"
    with database(data_dir).open("r+b") as file:
        file.seek(size // 2 // 4096 * 4096)
        file.write(os.urandom(8 * 1024))
    with pytest.raises(StoreUnavailable) as damaged:
        opened(data_dir)
    assert damaged.value.reason == "damaged"
