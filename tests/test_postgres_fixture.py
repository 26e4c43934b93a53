"""The PostgreSQL fixtures the store's tests rely on: fresh databases, a loopback-only throwaway server."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.postgres import URL_SETTING, PostgresUnavailable, _libpq, fresh_database, throwaway_cluster, unavailable

own_server_only = pytest.mark.skipif(
    bool(os.environ.get(URL_SETTING)), reason=f"{URL_SETTING} names an existing server, not a throwaway one"
)


def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def database_exists(server_url: str, name: str) -> bool:
    with psycopg.connect(_libpq(make_url(server_url))) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_gets_an_empty_database_even_after_another_made_a_table(postgres_database, run):
    url = make_url(postgres_database)
    assert url.drivername == "postgresql+psycopg"
    assert url.database.startswith("hinge_test_")
    assert table_names(postgres_database) == []
    engine = create_engine(postgres_database)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE left_behind (run text)"))
        conn.execute(text("INSERT INTO left_behind VALUES (:run)"), {"run": run})
    # left open on purpose: the fixture's drop must still succeed
    engine.connect()


def test_two_databases_are_distinct_and_a_table_in_one_is_absent_from_the_other(postgres_server):
    with fresh_database(postgres_server) as one, fresh_database(postgres_server) as other:
        assert make_url(one).database != make_url(other).database
        engine = create_engine(one)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE only_here (id integer)"))
        assert table_names(one) == ["only_here"]
        assert table_names(other) == []
        open_connection = engine.connect()  # still open when the database is dropped
    assert not database_exists(postgres_server, make_url(one).database)
    assert not database_exists(postgres_server, make_url(other).database)
    open_connection.invalidate()
    engine.dispose()


@own_server_only
def test_the_throwaway_server_listens_on_loopback_only_with_its_socket_beside_its_data(postgres_server):
    assert make_url(postgres_server).host == "127.0.0.1"
    with psycopg.connect(_libpq(make_url(postgres_server))) as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("listen_addresses", "unix_socket_directories", "data_directory", "fsync")
        }
    assert settings["listen_addresses"] == "127.0.0.1"
    assert Path(settings["unix_socket_directories"]) == Path(settings["data_directory"]).parent
    assert settings["fsync"] == "off"


@own_server_only
def test_a_throwaway_cluster_is_stopped_and_deleted_even_when_the_session_fails():
    class SessionFailed(Exception):
        pass

    try:
        with pytest.raises(SessionFailed), throwaway_cluster() as url:
            with psycopg.connect(_libpq(make_url(url))) as conn:
                folder = Path(conn.execute("SHOW data_directory").fetchone()[0]).parent
            assert folder.is_dir()
            raise SessionFailed
    except PostgresUnavailable as problem:
        unavailable(str(problem))
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(_libpq(make_url(url)), connect_timeout=2)
