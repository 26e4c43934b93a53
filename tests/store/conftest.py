"""The store's tests run on both backends: each test that takes `store` (or `database_url`) runs
once on a SQLite file and once on a fresh PostgreSQL database. Here `store` is that store, with
a clock the test moves; it replaces, for the tests in this folder only, the pages' SQLite store
of tests/page_harness.py."""

from __future__ import annotations

import pytest

from course.store import open_store
from tests.store.helpers import BACKENDS, FAST_HASHER, Clock


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A URL to an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL database
    (skips, saying why, where no PostgreSQL server can be started)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'course.sqlite3'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def clock() -> Clock:
    """The store's clock, standing at START until the test moves it."""
    return Clock()


@pytest.fixture
def store(database_url: str, clock: Clock):
    """An empty store on `database_url`, with `clock` and a cheap password hasher."""
    opened = open_store(database_url, clock=clock, hasher=FAST_HASHER)
    yield opened
    opened.close()
