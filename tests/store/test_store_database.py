"""Opening the store: where the database is, what happens when it can't be used, migrations,
and many writers at once."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory

from course.progress import SessionProgress
from course.store import StoreUnavailable, open_store, rules
from course.store import database as database_module
from course.store.database import alembic_config, default_data_dir, head_revision, resolve_url
from course.store.schema import metadata
from course.thresholds import Limit
from tests.store.helpers import (
    FAST_HASHER,
    PASSWORD,
    START,
    attempt,
    build_gym,
    member,
    report,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_database_settings(monkeypatch):
    monkeypatch.delenv(rules.DATABASE_URL_SETTING, raising=False)
    monkeypatch.delenv(rules.DATA_DIR_SETTING, raising=False)


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Give up on a locked SQLite file after 0.2 s instead of 5 s."""
    monkeypatch.setattr(rules, "SQLITE_BUSY_TIMEOUT", Limit(0.2, "s", "tests"))


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def version(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return database_module.current_revision(connection)
    finally:
        engine.dispose()


# --- where the database is -----------------------------------------------------------------------


def test_the_sqlite_file_goes_in_the_folder_hinge_data_dir_names_created_on_first_start(
    no_database_settings, monkeypatch, tmp_path
):
    folder = tmp_path / "data" / "course"
    monkeypatch.setenv(rules.DATA_DIR_SETTING, str(folder))
    with open_store(hasher=FAST_HASHER) as store:
        assert store.backend == "sqlite"
        member(store, "amy")
    assert (folder / "course.sqlite3").is_file()


def test_a_data_dir_argument_beats_the_setting(no_database_settings, monkeypatch, tmp_path):
    monkeypatch.setenv(rules.DATA_DIR_SETTING, str(tmp_path / "from-env"))
    with open_store(data_dir=tmp_path / "given", hasher=FAST_HASHER):
        pass
    assert (tmp_path / "given" / "course.sqlite3").is_file() and not (tmp_path / "from-env").exists()


def test_without_settings_the_folder_is_the_users_data_folder():
    assert default_data_dir({}) == Path(platformdirs.user_data_dir("hip-hinge-course"))
    assert default_data_dir({rules.DATA_DIR_SETTING: "~/hinge"}) == Path.home() / "hinge"


def test_database_url_beats_the_data_folder(no_database_settings, monkeypatch, tmp_path):
    monkeypatch.setenv(rules.DATA_DIR_SETTING, str(tmp_path / "data"))
    monkeypatch.setenv(rules.DATABASE_URL_SETTING, f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    with open_store(hasher=FAST_HASHER):
        pass
    assert (tmp_path / "shared.sqlite3").is_file() and not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    "given",
    [
        "postgres://amy:s3cret@db.example:5432/course",
        "postgresql://amy:s3cret@db.example:5432/course",
        "postgresql+psycopg://amy:s3cret@db.example:5432/course",
    ],
)
def test_postgresql_urls_use_psycopg_3(given):
    url = resolve_url(given, None, {})
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.password) == ("db.example", 5432, "course", "s3cret")


def test_a_url_for_another_kind_of_database_is_refused_without_showing_the_password():
    with pytest.raises(StoreUnavailable) as wrong:
        open_store("mysql://amy:s3cret@db.example/course")
    assert wrong.value.reason == "setup"
    assert "s3cret" not in str(wrong.value) and "s3cret" not in wrong.value.detail


def test_an_unreachable_server_is_reported_without_the_password():
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as unreachable:
        open_store("postgresql://amy:s3cret@127.0.0.1:9/course")  # the discard port: nothing listens
    assert unreachable.value.reason == "unreachable"
    assert "isn't answering" in str(unreachable.value) and "lessons still work" in str(unreachable.value)
    assert "s3cret" not in str(unreachable.value) and "s3cret" not in unreachable.value.detail
    assert time.monotonic() - started < rules.POSTGRES_CONNECT_TIMEOUT.value + 5


def test_an_in_memory_database_keeps_what_was_written_while_open():
    with open_store("sqlite://", hasher=FAST_HASHER) as store:
        amy = member(store, "amy")
        store.progress(amy).mark_read("hinge-basics")
        assert store.progress(store.sign_in("amy", PASSWORD)).lessons_read() == {"hinge-basics"}


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    with (
        open_store(f"sqlite:///{tmp_path / 'course.sqlite3'}", hasher=FAST_HASHER) as store,
        store._engine.connect() as connection,
    ):
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": int(rules.SQLITE_BUSY_TIMEOUT.value * 1000),
        "synchronous": 1,
    }  # 1: NORMAL


# --- when the database can't be used ---------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "course.sqlite3"
    junk = b"These are my notes, not a database.\n" * 200
    path.write_bytes(junk)
    with pytest.raises(StoreUnavailable) as damaged:
        open_store(data_dir=tmp_path)
    assert damaged.value.reason == "damaged"
    assert "damaged or isn't a database" in str(damaged.value)
    assert path.read_bytes() == junk


def hold_exclusive_lock(path: Path) -> sqlite3.Connection:
    """Another program takes the whole file for itself and keeps it."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("CREATE TABLE IF NOT EXISTS other_programs_table (x)")
    return other


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "course database"])
def test_a_file_another_program_has_locked_is_reported_busy(tmp_path, short_busy_timeout, existing):
    path = tmp_path / "course.sqlite3"
    if existing:
        open_store(data_dir=tmp_path, hasher=FAST_HASHER).close()
    other = hold_exclusive_lock(path)
    try:
        with pytest.raises(StoreUnavailable) as busy:
            open_store(data_dir=tmp_path, hasher=FAST_HASHER)
        assert busy.value.reason == "busy" and "busy" in str(busy.value)
    finally:
        other.close()
    with open_store(data_dir=tmp_path, hasher=FAST_HASHER) as store:  # once let go, all is well
        assert member(store, "amy").username == "amy"


def test_a_write_while_another_program_holds_the_file_fails_whole_and_can_be_retried(tmp_path, short_busy_timeout):
    with open_store(data_dir=tmp_path, hasher=FAST_HASHER) as store:
        amy = member(store, "amy")
        other = sqlite3.connect(tmp_path / "course.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program writing, and taking its time
        try:
            with pytest.raises(StoreUnavailable) as busy:
                store.keep_progress(amy, progress_with_attempts(3), ["hinge-basics"])
            assert busy.value.reason == "busy"
        finally:
            other.rollback()
            other.close()
        store.keep_progress(amy, progress_with_attempts(3), ["hinge-basics"])
        assert len(store.progress(amy).quiz_attempts("hinge-basics")) == 3


def progress_with_attempts(count: int) -> SessionProgress:
    progress = SessionProgress()
    progress.mark_read("hinge-basics")
    for n in range(count):
        progress.record_quiz_attempt(attempt("hinge-basics", n % 5, at=minutes_in(n)))
    return progress


def minutes_in(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def populated(path: Path):
    """A course database with a trainer's group, homework and a submission; the handles to use it."""
    with open_store(f"sqlite:///{path}", hasher=FAST_HASHER) as store:
        gym = build_gym(store)
        gym.week1 = store.create_assignment(
            gym.tess, gym.tuesday.id, title="Week 1", due=date(2025, 3, 11), lesson_ids=["hinge-basics"]
        )
        gym.check = store.save_self_check(gym.amy, report())
        gym.submission = store.submit_self_check(gym.amy, gym.week1.id, gym.check.id)
        store.progress(gym.amy).mark_read("hinge-basics")
        gym.token = store.start_session(gym.amy)
    return gym


def writes(store, gym):
    """Every kind of write the store has, by name."""
    return {
        "sign_up": lambda: store.sign_up("newbie", PASSWORD, display_name="New", role="member"),
        "sign_in": lambda: store.sign_in("amy", PASSWORD),
        "start_session": lambda: store.start_session(gym.amy),
        "end_session": lambda: store.end_session(gym.token),
        "mark_read": lambda: store.progress(gym.amy).mark_read("soft-knees"),
        "record_quiz_attempt": lambda: store.progress(gym.amy).record_quiz_attempt(attempt("soft-knees", 3)),
        "keep_progress": lambda: store.keep_progress(gym.amy, progress_with_attempts(2), ["hinge-basics"]),
        "save_self_check": lambda: store.save_self_check(gym.amy, report()),
        "create_group": lambda: store.create_group(gym.tess, "Another"),
        "join_group": lambda: store.join_group(gym.dee, gym.tuesday.join_code),
        "create_assignment": lambda: store.create_assignment(
            gym.tess, gym.tuesday.id, title="W2", due=date(2025, 3, 18), lesson_ids=["a"]
        ),
        "submit_self_check": lambda: store.submit_self_check(gym.amy, gym.week1.id, gym.check.id),
        "leave_feedback": lambda: store.leave_feedback(gym.tess, gym.submission.id, "Good"),
    }


def reads(store, gym) -> dict:
    """What the pages show, read from a store."""
    return {
        "session": store.account_for_session(gym.token),
        "read": store.progress(gym.amy).lessons_read(),
        "checks": [c.id for c in store.self_checks(gym.amy)],
        "groups": [g.id for g in store.groups(gym.tess)],
        "homework": [(s.assignment.id, s.done) for s in store.assignments(gym.amy)],
        "dashboard": len(store.dashboard(gym.tess, gym.tuesday.id).rows),
        "detail": len(store.member_detail(gym.tess, gym.tuesday.id, gym.amy.id).submissions),
        "feedback": store.feedback_for(gym.amy),
    }


def test_a_read_only_database_shows_everything_and_refuses_every_write(tmp_path):
    path = tmp_path / "course.sqlite3"
    gym = populated(path)
    with open_store(f"sqlite:///{path}", hasher=FAST_HASHER) as writable:
        expected = reads(writable, gym)
    # SQLite's read-only open: what the store does itself for a file it can't write.
    with open_store(f"sqlite:///file:{path}?mode=ro&uri=true", hasher=FAST_HASHER) as store:
        assert store.read_only
        assert reads(store, gym) == expected and expected["session"] == gym.amy
        for name, write in writes(store, gym).items():
            with pytest.raises(StoreUnavailable) as refused:
                write()
            assert refused.value.reason == "read_only", name
            assert "can't be written" in str(refused.value)
        assert reads(store, gym) == expected


NOBODY = 65534


def as_another_user(work):
    """Run ``work()`` where file permissions hold. As root (CI), which ignores them, it runs in a
    forked child that has dropped to the unprivileged ``nobody`` user; its result comes back
    pickled. ``work`` must return plain data."""
    if os.geteuid() != 0:
        return work()
    try:
        uid = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        uid = NOBODY
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: everything it needs is imported already
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            outcome = ("returned", work())
        except BaseException as error:  # reported to the parent, which fails the test with it
            outcome = ("raised", f"{type(error).__name__}: {error}")
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(pickle.dumps(outcome))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "raised":
        raise AssertionError(f"as user {uid}: {value}")
    return value


@pytest.fixture
def shared_folder():
    """A folder outside tmp_path (which only root may enter), so that ``nobody`` can reach it."""
    parent = Path(tempfile.gettempdir())
    if not all(p.stat().st_mode & 0o001 for p in (parent, *parent.parents)):
        pytest.skip(f"{parent} can't be entered by other users, so permissions can't be tested there")
    folder = Path(tempfile.mkdtemp(prefix="hinge-store-", dir=parent))
    yield folder
    folder.chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_file_that_cannot_be_written_opens_read_only(shared_folder):
    path = shared_folder / "course.sqlite3"
    gym = populated(path)
    with open_store(f"sqlite:///{path}", hasher=FAST_HASHER) as writable:
        expected = reads(writable, gym)
    head_revision()  # read the migration files now, while they can be
    path.chmod(0o444)
    shared_folder.chmod(0o777 if os.geteuid() == 0 else 0o755)  # the folder can take SQLite's -shm file

    def open_and_try() -> dict:
        with open_store(data_dir=shared_folder, hasher=FAST_HASHER) as store:
            seen = reads(store, gym)
            try:
                store.save_self_check(gym.amy, report())
                wrote = "wrote"
            except StoreUnavailable as problem:
                wrote = problem.reason
            return {"read_only": store.read_only, "same": seen == expected, "write": wrote}

    assert as_another_user(open_and_try) == {"read_only": True, "same": True, "write": "read_only"}


def test_a_file_and_folder_that_cannot_be_written_are_reported_not_guessed_at(shared_folder):
    path = shared_folder / "course.sqlite3"
    populated(path)
    head_revision()
    path.chmod(0o444)
    shared_folder.chmod(0o555)

    def open_it() -> tuple:
        try:
            with open_store(data_dir=shared_folder, hasher=FAST_HASHER) as store:
                return ("opened", store.read_only)
        except StoreUnavailable as problem:
            return ("unavailable", problem.reason, str(problem))

    outcome = as_another_user(open_it)
    # SQLite needs a -shm file beside a WAL database to read it; where none can be made, the
    # store says so instead of reading without it.
    assert outcome == ("opened", True) or outcome[:2] == ("unavailable", "read_only")
    if outcome[0] == "unavailable":
        assert "tell the person who runs the course" in outcome[2]


def test_a_data_folder_that_cannot_be_made_is_reported(shared_folder):
    shared_folder.chmod(0o555)

    def open_it() -> tuple:
        try:
            open_store(data_dir=shared_folder / "course", hasher=FAST_HASHER)
        except StoreUnavailable as problem:
            return (problem.reason, problem.detail)
        return ("opened", "")

    reason, detail = as_another_user(open_it)
    assert reason == "setup" and "can't create the data folder" in detail


# --- migrations ------------------------------------------------------------------------------------


def test_the_migrations_are_one_numbered_line_from_0001_to_the_head():
    scripts = ScriptDirectory.from_config(alembic_config())
    chain = [(r.revision, r.down_revision) for r in scripts.walk_revisions()][::-1]  # oldest first
    numbers = [f"{n:04d}" for n in range(1, len(chain) + 1)]
    assert chain == list(zip(numbers, [None, *numbers[:-1]], strict=True))
    assert scripts.get_heads() == [numbers[-1]] == [head_revision()]


def test_a_fresh_database_is_migrated_to_the_head_and_matches_the_schema(database_url):
    assert tables(database_url) == set()
    open_store(database_url, hasher=FAST_HASHER).close()
    assert version(database_url) == head_revision()
    assert tables(database_url) == set(metadata.tables) | {"alembic_version"}
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), metadata
            )
    finally:
        engine.dispose()
    assert differences == []


def test_opening_a_migrated_database_again_changes_nothing(database_url, monkeypatch):
    with open_store(database_url, hasher=FAST_HASHER) as first:
        amy = member(first, "amy")
    upgrades = []
    monkeypatch.setattr(command, "upgrade", lambda *args, **kw: upgrades.append(args))
    with open_store(database_url, hasher=FAST_HASHER) as again:
        assert again.sign_in("amy", PASSWORD) == amy
    assert upgrades == [] and version(database_url) == head_revision()


def test_a_migration_that_fails_halfway_leaves_no_tables_behind(database_url, monkeypatch):
    made = []
    real_create_table = Operations.create_table

    def create_then_fail(self, name, *columns, **kw):
        if len(made) == 4:
            raise RuntimeError("the fifth table fails")
        made.append(name)
        return real_create_table(self, name, *columns, **kw)

    monkeypatch.setattr(Operations, "create_table", create_then_fail)
    with pytest.raises(StoreUnavailable) as failed:
        open_store(database_url, hasher=FAST_HASHER)
    assert failed.value.reason == "setup" and "fifth table" in failed.value.detail
    assert len(made) == 4 and tables(database_url) == set() and version(database_url) is None
    monkeypatch.undo()
    open_store(database_url, hasher=FAST_HASHER).close()
    assert version(database_url) == head_revision()


def test_a_database_from_a_newer_version_of_the_course_is_not_touched(database_url):
    open_store(database_url, hasher=FAST_HASHER).close()
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    with pytest.raises(StoreUnavailable) as newer:
        open_store(database_url, hasher=FAST_HASHER)
    assert newer.value.reason == "newer" and "newer version" in str(newer.value)
    assert version(database_url) == "0099"


SECOND_REVISION = textwrap.dedent('''
    """Members may give a pronoun."""
    import sqlalchemy as sa
    from alembic import op

    revision = "9999"
    down_revision = "HEAD"
    branch_labels = None
    depends_on = None


    def upgrade():
        # On SQLite, rebuild the table the way batch mode does for most changes.
        rebuild = "always" if op.get_context().dialect.name == "sqlite" else "auto"
        with op.batch_alter_table("accounts", recreate=rebuild) as batch:
            batch.add_column(sa.Column("pronoun", sa.String(20), nullable=True))
''')


def test_an_upgrade_that_rebuilds_a_table_keeps_every_row_pointing_at_it(database_url, monkeypatch, tmp_path):
    with open_store(database_url, hasher=FAST_HASHER) as store:
        gym = build_gym(store)
        store.progress(gym.amy).record_quiz_attempt(attempt("hinge-basics", 3))
        store.save_self_check(gym.amy, report())
    migrations = tmp_path / "migrations"
    shutil.copytree(database_module.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9999_pronoun.py").write_text(SECOND_REVISION.replace("HEAD", head_revision()))
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", migrations)
    database_module.head_revision.cache_clear()
    monkeypatch.setattr(database_module, "head_revision", functools.cache(database_module.head_revision.__wrapped__))
    with open_store(database_url, hasher=FAST_HASHER) as store:  # rebuilds accounts, which 8 tables point at
        assert version(database_url) == "9999"
        assert store.sign_in("amy", PASSWORD) == gym.amy
        assert len(store.progress(gym.amy).quiz_attempts("hinge-basics")) == 1
        assert len(store.self_checks(gym.amy)) == 1
        assert {g.id for g in store.groups(gym.tess)} == {gym.tuesday.id}
        assert len(store.dashboard(gym.tess, gym.tuesday.id).rows) == 2


def migrated_to(url: str, revision: str) -> None:
    """An empty database at an older revision: what an older version of the course left behind."""
    engine = database_module.make_engine(sa.make_url(url))
    try:
        with engine.connect() as connection:
            connection.execution_options(**database_module.WRITE)
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def test_a_database_from_the_first_version_upgrades_keeping_its_sessions_counted_from_their_start(database_url, clock):
    migrated_to(database_url, "0001")
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO accounts (id, username, username_key, display_name, role, password_hash, created_at) "
                "VALUES (1, 'amy', 'amy', 'Amy', 'member', 'x', :at)"
            ),
            {"at": START.replace(tzinfo=None)},
        )
        connection.execute(
            sa.text("INSERT INTO sign_in_failures (username_key, at) VALUES ('amy', :at)"),
            {"at": START.replace(tzinfo=None)},
        )  # 0003 makes this table anew
        for token, started in (("fresh", clock.now - timedelta(minutes=5)), ("idle", clock.now - timedelta(hours=2))):
            connection.execute(
                sa.text(
                    "INSERT INTO sessions (token_sha256, account_id, created_at, expires_at) VALUES (:t, 1, :c, :e)"
                ),
                {
                    "t": hashlib.sha256(token.encode()).hexdigest(),
                    "c": started.replace(tzinfo=None),
                    "e": (started + timedelta(hours=12)).replace(tzinfo=None),
                },
            )
    engine.dispose()
    with open_store(database_url, clock=clock, hasher=FAST_HASHER) as store:
        assert version(database_url) == head_revision()
        assert store.account_for_session("fresh").username == "amy"
        assert store.account_for_session("idle") is None


OPEN_AND_SIGN_UP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from argon2 import PasswordHasher
    from course.store import open_store
    url, name, folder, servers = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    (folder / name).touch()  # ready: everything is imported
    deadline = time.monotonic() + 60
    while len(list(folder.iterdir())) < servers and time.monotonic() < deadline:
        time.sleep(0.002)
    store = open_store(url, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    store.sign_up(name, "correct horse battery", display_name=name, role="member")
    store.close()
""")


@pytest.mark.slow
def test_servers_starting_together_on_a_new_database_all_start(database_url, tmp_path):
    ready = tmp_path / "ready"
    ready.mkdir()
    servers = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AND_SIGN_UP, database_url, f"server{n}", str(ready), "4"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(4)
    ]
    results = [(server.wait(timeout=120), server.stdout.read()) for server in servers]
    assert [code for code, _ in results] == [0, 0, 0, 0], "\n".join(output for _, output in results)
    assert version(database_url) == head_revision()
    with open_store(database_url, hasher=FAST_HASHER) as store:
        for n in range(4):
            assert store.sign_in(f"server{n}", PASSWORD).username == f"server{n}"


# --- many writers ----------------------------------------------------------------------------------


def test_twenty_threads_writing_progress_at_once_lose_nothing(store):
    people = [member(store, f"member{n:02d}") for n in range(20)]
    shared = member(store, "shared")
    rounds = 10
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def work(person) -> None:
        try:
            start.wait()
            mine, everyone = store.progress(person), store.progress(shared)
            for n in range(rounds):
                mine.mark_read(f"lesson-{n}")
                mine.record_quiz_attempt(attempt(f"lesson-{n}", n % 5, at=minutes_in(n)))
                everyone.record_quiz_attempt(attempt("shared", 1, at=minutes_in(n)))
                everyone.mark_read("shared")
        except BaseException as error:  # collected and reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with store._engine.connect() as connection:
        count = {
            table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            for table in ("lessons_read", "quiz_attempts")
        }
    assert count == {"lessons_read": 20 * rounds + 1, "quiz_attempts": 2 * 20 * rounds}
    assert len(store.progress(shared).quiz_attempts("shared")) == 20 * rounds
    assert all(len(store.progress(p).lessons_read()) == rounds for p in people)
