"""What every part of the store shares: its engine, clock and hasher, its transactions and the
look-up of who is acting (course.store.store puts the parts together as one Store)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from course.store import passwords
from course.store.database import WRITE, translated, unavailable
from course.store.errors import (
    NotAllowed,
)
from course.store.records import (
    Account,
    Role,
)
from course.store.schema import (
    accounts,
)

ONLY_TRAINERS = "Only trainers can do that. Sign in with a trainer account."
ONLY_MEMBERS = "Trainers can't join groups or hand in homework. Use a member account for that."


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreCore:
    """The store's shared parts (see course.store.store). Thread-safe: one Store serves every session of a server.
    Made by :func:`open_store`."""

    def __init__(
        self, engine: sa.Engine, *, read_only: bool, clock: Callable[[], datetime], hasher: passwords.BoundedHasher
    ) -> None:
        self._engine = engine
        self.read_only = read_only
        self._clock = clock
        self._hasher = hasher
        self._dummy_hash: str | None = None
        self.backend: Literal["sqlite", "postgresql"] = engine.dialect.name  # type: ignore[assignment]
        self._insert = postgresql.insert if self.backend == "postgresql" else sqlite.insert
        self._atomic = threading.local()  # .connection: this thread's atomic() transaction, if any

    def __repr__(self) -> str:
        where = self._engine.url.render_as_string(hide_password=True)
        return f"<Store {where}{' read-only' if self.read_only else ''}>"

    def close(self) -> None:
        """Close every connection. The store can't be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transactions ------------------------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One write transaction around several calls: every call the block makes on this store,
        from this thread, joins it, and their writes are kept together or, when the block raises
        (a StoreError included), none of them is. A block inside another joins the outer one.

            with store.atomic():
                check = store.save_self_check(member, report)
                store.submit_self_check(member, assignment_id, check.id)
        """
        if getattr(self._atomic, "connection", None) is not None:
            yield
            return
        with self._writing() as connection:
            self._atomic.connection = connection
            try:
                yield
            finally:
                self._atomic.connection = None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """One read transaction (a consistent snapshot on both backends); inside atomic(), its
        transaction."""
        joined = getattr(self._atomic, "connection", None)
        if joined is not None:
            yield joined
            return
        with translated(), self._engine.connect() as connection:
            if self.backend == "postgresql":
                connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.
        On SQLite it takes the write lock at once, so writers queue instead of failing. Inside
        atomic(), its transaction."""
        if self.read_only:
            raise unavailable("read_only", "opened read-only")
        joined = getattr(self._atomic, "connection", None)
        if joined is not None:
            with translated():
                yield joined
            return
        with translated(), self._engine.connect() as connection:
            connection.execution_options(**WRITE)
            with connection.begin():
                yield connection

    def now(self) -> datetime:
        """The store's time (its clock), by which "overdue" is counted: pages use it for "due
        soon" so both agree."""
        return self._now()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the store's clock must return timezone-aware datetimes")
        return now.astimezone(UTC)

    # --- who is acting -----------------------------------------------------------------------

    def _actor(self, connection: sa.Connection, actor: Account, role: Role | None = None) -> Account:
        """The actor as the database has them now. Raises NotAllowed for an unknown account, one
        whose role differs from ``actor.role``, or one without ``role`` when one is needed."""
        if not isinstance(actor, Account):
            raise NotAllowed()
        row = connection.execute(sa.select(accounts.c.role).where(accounts.c.id == record_id(actor.id))).first()
        if row is None or row.role != actor.role:
            raise NotAllowed()
        if role is not None and actor.role != role:
            raise NotAllowed(ONLY_TRAINERS if role == "trainer" else ONLY_MEMBERS)
        return actor


def record_id(value: object) -> int:
    """An id from a page. Anything that is not a whole number an id column can hold (ids are
    INTEGER: 32 bits on PostgreSQL) finds nothing (NotAllowed), where the driver would raise an
    OverflowError (SQLite, past 64 bits) or "integer out of range" (PostgreSQL)."""
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise NotAllowed()
    return value


def account_record(row: Any) -> Account:
    return Account(row.id, row.username, row.display_name, row.role)
