"""Finding, opening and migrating the database; turning driver failures into StoreUnavailable.

    SQLite (default)  ``<data folder>/course.sqlite3``; WAL journal, foreign keys on, a busy
                      timeout, and BEGIN issued by us (IMMEDIATE for writes, so two writers
                      queue instead of failing halfway).
    PostgreSQL        when ``DATABASE_URL`` names one; ``postgres://`` and ``postgresql://``
                      URLs use the psycopg 3 driver.

:func:`connect` opens the engine and runs the migrations (Alembic, on our own connection and
transaction). On PostgreSQL the upgrade holds an advisory lock; on SQLite it runs in a
``BEGIN IMMEDIATE`` transaction; either way servers starting together take turns.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from course.store import rules
from course.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
WRITE = {"course_store_write": True}  # execution option: this transaction will write

_UNAVAILABLE_MESSAGES = {
    "busy": "The course's database is busy with another program, so your progress can't be "
    "saved right now. The lessons still work; try again in a minute.",
    "read_only": "The course's database can't be written to, so nothing new is saved. "
    "The lessons still work; tell the person who runs the course.",
    "damaged": "The course's database file is damaged or isn't a database, so progress can't be "
    "saved or shown. The lessons still work; tell the person who runs the course.",
    "unreachable": "The course's database server isn't answering, so progress can't be saved "
    "or shown right now. The lessons still work; try again in a few minutes.",
    "newer": "The course's database was set up by a newer version of the course, so this one "
    "can't use it. The lessons still work; tell the person who runs the course.",
    "setup": "The course's database isn't set up correctly, so progress can't be saved. "
    "The lessons still work; tell the person who runs the course.",
    "missing": "The course's database file is gone from its folder, so progress can't be saved or "
    "shown (the course doesn't start an empty one in its place). The lessons still work; "
    "tell the person who runs the course.",
    "replaced": "The course's database file was replaced or deleted while the course was running, so "
    "nothing more is saved until the course is restarted. The lessons still work; tell the "
    "person who runs the course.",
}
MADE_MARK_SUFFIX = ".made"  # beside course.sqlite3: "this folder's database was made, so it must be there"
MADE_MARK_TEXT = (
    "The Hip Hinge course made course.sqlite3 in this folder. While this file is here, the course "
    "refuses to start with that database missing or emptied instead of silently starting an empty "
    "one. To start again from nothing on purpose, delete both files.\n"
)

_UNREADABLE = (
    "The course's database can't be opened: neither its file nor its folder can be "
    "written, so it can't be read safely either. The lessons still work; tell the "
    "person who runs the course."
)

WAL_RETRY_S = 0.05  # seconds between tries of the switch to WAL while another server holds the file
_migrate_lock = threading.Lock()  # alembic's `context` is process-global: one upgrade at a time


def unavailable(reason: str, detail: str = "") -> StoreUnavailable:
    return StoreUnavailable(reason, _UNAVAILABLE_MESSAGES[reason], detail)  # type: ignore[arg-type]


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``HINGE_DATA_DIR`` when set, otherwise the user's data folder for the course."""
    environ = os.environ if environ is None else environ
    named = environ.get(rules.DATA_DIR_SETTING, "").strip()
    return Path(named).expanduser() if named else Path(platformdirs.user_data_dir(rules.APP_NAME))


def resolve_url(url: str | None, data_dir: Path | None, environ: Mapping[str, str] | None = None) -> sa.URL:
    """The database to open: ``url``, else ``DATABASE_URL``, else the SQLite file in the data
    folder (``data_dir``, else ``HINGE_DATA_DIR``, else the platform's data folder), which is
    created when missing. Raises StoreUnavailable("setup") for a URL that is not SQLite or
    PostgreSQL, or a data folder that can't be created."""
    environ = os.environ if environ is None else environ
    text = url or environ.get(rules.DATABASE_URL_SETTING, "").strip() or None
    if text is None:
        folder = data_dir if data_dir is not None else default_data_dir(environ)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unavailable("setup", f"can't create the data folder {folder}: {error.strerror}") from error
        return sa.URL.create("sqlite+pysqlite", database=str(folder / rules.SQLITE_FILE_NAME))
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix) :]
    try:
        parsed = sa.make_url(text)
    except sa.exc.ArgumentError as error:
        raise unavailable("setup", "the database URL can't be read") from error
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise unavailable(
            "setup", f"the database URL names {parsed.get_backend_name()}; the course works with PostgreSQL or SQLite"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: sa.URL) -> sa.Engine:
    """An engine with the store's connection settings (see the module docstring)."""
    if url.get_backend_name() == "sqlite":
        timeout = float(rules.SQLITE_BUSY_TIMEOUT.value)
        in_memory = url.database in (None, "", ":memory:")
        # An in-memory database lives in its one connection, so every use shares that one: for
        # trying things out from one thread, not for serving pages.
        engine = sa.create_engine(
            url,
            connect_args={"timeout": timeout, "check_same_thread": False},
            **({"poolclass": sa.pool.StaticPool} if in_memory else {}),
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            cursor.execute(f"PRAGMA synchronous = {rules.SQLITE_SYNCHRONOUS}")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(connection: sa.Connection) -> None:
            # The sqlite3 module would BEGIN only before INSERT/UPDATE/DELETE, leaving reads and
            # DDL outside the transaction. A write takes the write lock at once (IMMEDIATE), so
            # it waits its turn (busy_timeout) instead of failing when it later tries to write.
            write = connection.get_execution_options().get("course_store_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": int(rules.POSTGRES_CONNECT_TIMEOUT.value), "application_name": rules.APP_NAME},
    )


def translate(error: BaseException) -> StoreUnavailable | None:
    """The StoreUnavailable a driver error means, or None when it is not about the database
    being usable (a bug, a constraint)."""
    if isinstance(error, sa.exc.IntegrityError):
        return None
    original = getattr(error, "orig", error)
    text = str(original).lower()
    if isinstance(original, sqlite3.Error):
        if "readonly" in text or "read-only" in text:
            return unavailable("read_only", str(original))
        if "locked" in text or "busy" in text:
            return unavailable("busy", str(original))
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return unavailable("damaged", str(original))
        if "unable to open" in text or "disk i/o" in text or "no such table" in text:
            return unavailable("setup", str(original))
        return None
    first_line = str(original).strip().splitlines()[0] if text else type(original).__name__
    state = getattr(original, "sqlstate", None) or ""  # PostgreSQL's error code
    if state.startswith("40") or state in ("55P03", "57014"):  # deadlock, lock timeout, cancelled
        return unavailable("busy", first_line)
    if state == "25006":  # read-only transaction (e.g. a hot standby)
        return unavailable("read_only", first_line)
    if state.startswith(("08", "57P", "53")):  # connection lost, server shutting down, out of room
        return unavailable("unreachable", first_line)
    if not state and isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return unavailable("unreachable", first_line)  # no answer at all: refused, timed out
    return None


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Raise driver errors that mean "the database can't be used" as StoreUnavailable."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        problem = translate(error)
        if problem is None:
            raise
        raise problem from error


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration's revision id (read from the files once)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "course/store/migrations/versions holds no revision"
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


@dataclass(frozen=True)
class Opened:
    engine: sa.Engine
    read_only: bool


def connect(url: sa.URL) -> Opened:
    """Open the database at ``url``, bring its schema up to date and say whether it can be
    written. Raises StoreUnavailable when it can't be used at all.

    A SQLite file is guarded: the course marks the folder when it makes the file, and then
    refuses to open it missing or emptied ("missing") rather than start an empty one; each
    transaction first checks that the file at the path is still the one opened ("replaced"
    once it was deleted or swapped for another under the running server)."""
    sqlite_file = _sqlite_path(url)
    if sqlite_file is not None and _made_mark(sqlite_file).exists():
        if not sqlite_file.exists():
            raise unavailable(
                "missing", f"{sqlite_file} is missing but {_made_mark(sqlite_file).name} says it was made"
            )
        if sqlite_file.stat().st_size == 0:
            raise unavailable("missing", f"{sqlite_file} is empty but {_made_mark(sqlite_file).name} says it was made")
    if url.get_backend_name() == "sqlite":
        engine, read_only = _open_sqlite(url)
    else:
        engine, read_only = make_engine(url), False
    try:
        with translated():
            if sqlite_file is not None:
                _refuse_emptied(engine, sqlite_file)
            if read_only:
                _check_at_head(engine)
            else:
                migrate(engine)
        if sqlite_file is not None:
            _guard_file(engine, sqlite_file)
            if not read_only and not _made_mark(sqlite_file).exists():
                _made_mark(sqlite_file).write_text(MADE_MARK_TEXT, encoding="utf-8")
    except BaseException:
        engine.dispose()
        raise
    return Opened(engine, read_only)


def _sqlite_path(url: sa.URL) -> Path | None:
    """The file of a SQLite database (None for PostgreSQL or an in-memory one)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):  # a SQLite URI filename (uri=true): file:/path?mode=ro
        named = urllib.parse.urlparse(url.database)
        return None if named.path in ("", ":memory:") or "memory" in named.query else Path(named.path)
    return Path(url.database)


def _made_mark(sqlite_file: Path) -> Path:
    return sqlite_file.with_name(sqlite_file.name + MADE_MARK_SUFFIX)


def _refuse_emptied(engine: sa.Engine, sqlite_file: Path) -> None:
    """A marked folder's database with no schema at all was emptied (or replaced by an empty
    file): refuse it as missing instead of migrating it into an empty course."""
    if not _made_mark(sqlite_file).exists():
        return
    with engine.connect() as connection:
        emptied = current_revision(connection) is None
    if emptied:
        raise unavailable(
            "missing", f"{sqlite_file} holds no course data but {_made_mark(sqlite_file).name} says it was made"
        )


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path named when the database was opened: its device and inode."""

    path: Path
    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        found = path.stat()
        return cls(path, found.st_dev, found.st_ino)

    def check(self) -> None:
        """Raise StoreUnavailable("replaced") when the path is gone or names another file now."""
        try:
            found = self.path.stat()
        except FileNotFoundError:
            raise unavailable("replaced", f"{self.path} was deleted while the course was running") from None
        if (found.st_dev, found.st_ino) != (self.device, self.inode):
            raise unavailable("replaced", f"{self.path} is another file than the one opened")


def _guard_file(engine: sa.Engine, sqlite_file: Path) -> None:
    """Check the file before each new connection (so SQLite never makes an empty file where the
    database was) and each transaction (a stat: a few microseconds)."""
    identity = FileIdentity.of(sqlite_file)

    def before_connect(*_args: Any) -> None:
        identity.check()  # returning None lets SQLAlchemy connect as usual

    def before_begin(_connection: sa.Connection) -> None:
        identity.check()

    sa.event.listen(engine, "do_connect", before_connect)
    sa.event.listen(engine, "begin", before_begin, insert=True)


def _open_sqlite(url: sa.URL) -> tuple[sa.Engine, bool]:
    """An engine on the SQLite file, and whether it is read-only.

    Reading the file first finds a damaged one or one locked by another program. A file that
    can be read but not written (permissions, a read-only disk) opens read-only. A WAL database
    can't be read at all where its ``-shm`` file neither exists nor can be made (file and folder
    both unwritable); SQLite could only read it as "immutable", which is wrong the moment
    anyone else writes, so that is reported instead.
    """
    engine = make_engine(url)
    try:
        with translated():
            return engine, not _writable(engine)
    except StoreUnavailable as problem:
        engine.dispose()
        if problem.reason == "read_only":
            raise StoreUnavailable("read_only", _UNREADABLE, problem.detail) from problem
        raise
    except BaseException:
        engine.dispose()
        raise


def _writable(engine: sa.Engine) -> bool:
    """Read the schema, then try to take the write lock and rewrite one header field with its own
    value (rolled back). Switches a writable file to WAL. Raises the driver's error for a file
    that can't be read (damaged, locked)."""
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        # A damaged page deep in the file would otherwise go unnoticed until a page reads it
        # (8 KiB of noise mid-file went unseen for 50 writes): quick_check reads every page
        # once, about 1 s per 100 MB.
        verdict = connection.exec_driver_sql("PRAGMA quick_check").scalar()
        if verdict != "ok":
            raise unavailable("damaged", f"quick_check: {verdict}")
        connection.rollback()
        try:
            writer = connection.execution_options(**WRITE)
            with writer.begin() as transaction:
                version = writer.exec_driver_sql("PRAGMA user_version").scalar()
                writer.exec_driver_sql(f"PRAGMA user_version = {int(version or 0)}")
                transaction.rollback()
            writer.execution_options(course_store_write=False)
        except sa.exc.OperationalError as error:
            problem = translate(error)
            if problem is not None and problem.reason == "read_only":
                log.warning("course store opened read-only: %s", problem.detail)
                return False
            raise
        # Outside any transaction (SQLite refuses to change journal mode inside one), so on the
        # driver's own connection, which we keep in autocommit.
        mode = _switch_to_wal(_driver(connection))
    if str(mode).lower() != "wal" and engine.url.database not in (None, "", ":memory:"):
        log.warning("SQLite kept journal mode %s instead of WAL", mode)
    return True


def _switch_to_wal(driver: sqlite3.Connection) -> str:
    """Put the file in WAL mode (once per file: it stays so) and return the mode it is in. Servers
    starting together on a new file race for the switch, which needs the file to themselves and
    is refused at once ("database is locked") rather than waited for: a server that loses finds
    the file switched by the winner, or tries again, for up to SQLITE_BUSY_TIMEOUT."""
    deadline = time.monotonic() + float(rules.SQLITE_BUSY_TIMEOUT.value)
    while True:
        mode = str(driver.execute("PRAGMA journal_mode").fetchone()[0])
        if mode.lower() == "wal":
            return mode
        try:
            return str(driver.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            if "locked" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)


def _check_at_head(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        current = current_revision(connection)
    if current != head_revision():
        raise unavailable(
            "read_only",
            f"the database is at revision {current}, needs {head_revision()} and can't be written to upgrade it",
        )


def migrate(engine: sa.Engine) -> None:
    """Upgrade the schema to the newest revision, in one transaction, taking turns with any other
    server doing the same. A no-op when it is already there. Raises StoreUnavailable("newer")
    when the database is at a revision this code does not know, StoreUnavailable("setup") when
    a revision fails (and then nothing of it stays)."""
    with _migrate_lock, engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        if is_sqlite:
            # SQLite's own procedure for schema changes (lang_altertable.html): foreign keys off
            # outside the transaction, so rebuilding a table (Alembic's batch mode copies it and
            # drops the old one) can't cascade-delete the rows that point at it; checked again
            # before committing.
            _driver_pragma(connection, "foreign_keys = OFF")
        try:
            connection.execution_options(**WRITE)
            with connection.begin():
                if not is_sqlite:
                    # Held until this transaction ends; a second server waits here, then finds the
                    # schema already at head.
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": rules.MIGRATION_LOCK_ID})
                current = current_revision(connection)
                if current == head_revision():
                    return
                _upgrade(connection, current)
                if is_sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise unavailable(
                        "setup",
                        f"upgrading from {current} to {head_revision()} left rows pointing at rows that are gone",
                    )
        finally:
            if is_sqlite:
                _driver_pragma(connection, "foreign_keys = ON")


def _upgrade(connection: sa.Connection, current: str | None) -> None:
    try:
        command.upgrade(alembic_config(connection), "head")
    except CommandError as error:
        raise unavailable("newer", f"database at revision {current}: {error}") from error
    except sa.exc.DBAPIError as error:  # the database gone or busy, or a revision it refused
        raise translate(error) or unavailable(
            "setup", f"upgrading from {current} to {head_revision()} failed: {error.orig!r}"
        ) from error
    except Exception as error:  # a revision that fails: the transaction rolls it all back
        raise unavailable("setup", f"upgrading from {current} to {head_revision()} failed: {error!r}") from error


def _driver_pragma(connection: sa.Connection, pragma: str) -> None:
    """A PRAGMA outside any transaction (the driver connection is in autocommit)."""
    _driver(connection).execute(f"PRAGMA {pragma}")


def _driver(connection: sa.Connection) -> Any:
    """The database driver's own connection under SQLAlchemy's (sqlite3's, for SQLite)."""
    driver = connection.connection.driver_connection
    if driver is None:  # only once SQLAlchemy has invalidated the connection
        raise unavailable("setup", "the database connection was closed while the store was being set up")
    return driver
