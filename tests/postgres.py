"""A real PostgreSQL for the tests: one throwaway cluster per session, an empty database per test.

``postgres_server`` (session) starts a cluster with the server's own ``initdb`` and ``pg_ctl``
in a temporary folder: 127.0.0.1 only, a free port, its unix socket inside that folder, trust
authentication, no fsync. It yields the SQLAlchemy URL of the cluster's ``postgres`` database,
``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``, then stops the cluster and deletes
the folder (also when the session fails or is interrupted with Ctrl+C).

``postgres_database`` (per test) creates an empty database with a unique name on that server,
yields its SQLAlchemy URL, ``postgresql+psycopg://postgres@127.0.0.1:PORT/hinge_test_...``,
and drops it afterwards, closing any connection the test left open.

``HINGE_TEST_POSTGRES_URL=postgresql://USER[:PASSWORD]@HOST:PORT[/DATABASE]`` uses an existing
server instead (PostgreSQL 13 or later; USER must be allowed to create databases).

initdb and postgres refuse to run as root, so as root they run as the ``postgres`` user that
Debian's package creates (or a throwaway ``hinge-postgres`` user where there is none).

Where no server can be started the tests skip, saying what is missing. Under CI (``CI=true``)
they fail instead: there `make test` installs Debian's postgresql, so a skip would hide a fault.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

URL_SETTING = "HINGE_TEST_POSTGRES_URL"
SERVER_USER = "postgres"  # Debian's package creates this system user
THROWAWAY_USER = "hinge-postgres"  # created (and removed) only as root where SERVER_USER is missing
STARTUP_TIMEOUT_S = 30  # pg_ctl start -w; the cluster answers in well under a second here
COMMAND_TIMEOUT_S = 60  # initdb, pg_ctl stop, useradd


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started or reached; the message says why."""


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: the PATH first, then Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path and (Path(on_path).parent / "pg_ctl").exists():
        return Path(on_path).parent
    debian = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if (p.parent / "pg_ctl").exists()]
    if not debian:
        return None
    return max(debian, key=lambda bin_dir: [int(n) for n in re.findall(r"\d+", bin_dir.parent.name)] or [0])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], what: str, cwd: Path, log: Path | None = None) -> None:
    """Run one server command; a failure becomes ``PostgresUnavailable`` with its last output lines."""
    env = {**os.environ, "TZ": "UTC"}  # initdb otherwise probes the zone files for the server's time zone
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
    if result.returncode != 0:
        output = result.stderr.strip() or result.stdout.strip()
        if log is not None and log.exists():
            output += "\n" + log.read_text(errors="replace").strip()
        tail = " | ".join(line.strip() for line in output.splitlines()[-3:] if line.strip())
        raise PostgresUnavailable(f"{what} failed (exit {result.returncode}): {tail}")


def _server_user(cleanup: contextlib.ExitStack) -> tuple[list[str], str | None]:
    """The command prefix that runs the server's programs, and the user they run as (None: us)."""
    if os.geteuid() != 0:
        return [], None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root, and there is no runuser to start PostgreSQL as another user")
    try:
        pwd.getpwnam(SERVER_USER)
        user = SERVER_USER
    except KeyError:
        useradd, userdel = shutil.which("useradd"), shutil.which("userdel")
        if useradd is None or userdel is None:
            raise PostgresUnavailable(
                f"running as root, with no {SERVER_USER!r} user and no useradd to make one"
            ) from None
        user = THROWAWAY_USER
        subprocess.run(
            [
                useradd,
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                user,
            ],
            check=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )
        cleanup.callback(subprocess.run, [userdel, user], capture_output=True, timeout=COMMAND_TIMEOUT_S)
    return [runuser, "-u", user, "--"], user


def _open_to_others(folder: Path) -> bool:
    """Whether any user may pass through the folder and all above it."""
    return all(path.stat().st_mode & 0o001 for path in (folder, *folder.parents))


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary folder; yield its URL; stop it and delete the folder.

    Raises ``PostgresUnavailable`` when there are no server programs or the cluster does not start.
    """
    bin_dir = server_binaries()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no initdb and pg_ctl found in the PATH or /usr/lib/postgresql/*/bin "
            "(make test installs Debian's postgresql when run as root)"
        )
    with contextlib.ExitStack() as cleanup:
        run_as, user = _server_user(cleanup)
        parent = Path(tempfile.gettempdir())
        if user is not None and not _open_to_others(parent):
            parent = Path("/tmp")  # e.g. TMPDIR under /root, which the server's user cannot enter
        folder = Path(tempfile.mkdtemp(prefix="hinge-pg-", dir=parent))  # 0700; the socket lives here too
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        if user is not None:
            shutil.chown(folder, user)
        data, log = folder / "data", folder / "server.log"
        _run(
            [
                *run_as,
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                SERVER_USER,
                "--auth",
                "trust",
                "--no-locale",
                "--encoding",
                "UTF8",
                "--no-sync",
            ],
            "initdb",
            cwd=folder,
        )
        port = free_port()
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# throwaway cluster for the tests (tests/postgres.py)\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {port}\n"
                f"unix_socket_directories = '{str(folder).replace(chr(39), chr(39) * 2)}'\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "shared_buffers = 16MB\n"
            )
        pg_ctl = [*run_as, str(bin_dir / "pg_ctl"), "--pgdata", str(data)]
        # Registered before the start, so an interrupted start still stops whatever came up.
        cleanup.callback(
            subprocess.run,
            [*pg_ctl, "stop", "--mode", "immediate", "--wait"],
            cwd=folder,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )
        _run(
            [*pg_ctl, "start", "--wait", "--timeout", str(STARTUP_TIMEOUT_S), "--log", str(log)],
            "pg_ctl start",
            cwd=folder,
            log=log,
        )
        yield f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{port}/postgres"


def _libpq(url: URL) -> str:
    """psycopg's form of a SQLAlchemy URL (it does not know the ``+psycopg`` driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _existing_server(configured: str) -> str:
    url = make_url(configured).set(drivername="postgresql+psycopg")
    if not url.database:
        url = url.set(database="postgres")
    try:
        psycopg.connect(_libpq(url), connect_timeout=10).close()
    except psycopg.Error as error:
        shown = url.render_as_string(hide_password=True)
        said = " ".join(str(error).split())
        raise PostgresUnavailable(f"{URL_SETTING}={shown} did not answer: {said}") from error
    return url.render_as_string(hide_password=False)


def unavailable(reason: str) -> NoReturn:
    """Skip the test, saying why; under CI, fail it instead (CI installs PostgreSQL, so this is a fault)."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"PostgreSQL must run under CI={os.environ['CI']}, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The SQLAlchemy URL of a running server's maintenance database (see the module docstring)."""
    configured = os.environ.get(URL_SETTING)
    with contextlib.ExitStack() as stack:
        try:
            url = _existing_server(configured) if configured else stack.enter_context(throwaway_cluster())
        except PostgresUnavailable as problem:
            unavailable(str(problem))
        yield url


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database with a unique name on the server; yield its SQLAlchemy URL; drop it.

    The drop closes any connection still open on it (``WITH (FORCE)``, PostgreSQL 13 or later).
    """
    server = make_url(server_url)
    name = f"hinge_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(server), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database, dropped after the test."""
    with fresh_database(postgres_server) as url:
        yield url
