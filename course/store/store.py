"""The store: accounts, progress, self-checks, groups and homework, behind methods that know who
is asking.

Every method takes the acting :class:`Account` and enforces the rules:

- a member sees and changes only their own records, and the groups they joined;
- a trainer sees only their own groups, the members of those groups and what those members
  handed in; a trainer may also take the course, so progress and self-checks work for any
  account, always as its own records;
- a record that does not exist and a record that is not the actor's raise the same
  :class:`NotAllowed`, so a made-up id reveals nothing.

The actor is looked up again on every call (a deleted account, or one whose role differs from
the record the page holds, is refused). Every write is one transaction: it is all there or
none of it is. Methods return frozen records (``course.store.records``), never rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher

from course.settings import Settings
from course.store import passwords
from course.store.accounts import AccountsPart
from course.store.core import utc_now
from course.store.database import connect, resolve_url
from course.store.homework import HomeworkPart
from course.store.learning import LearningPart


def open_store(
    url: str | None = None,
    *,
    data_dir: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
    hasher: PasswordHasher | None = None,
    hashes_at_once: int | None = None,
) -> Store:
    """Open (creating and migrating as needed) the course's database.

    url       a SQLAlchemy URL. None: the environment's ``DATABASE_URL``; unset, the SQLite
              file ``course.sqlite3`` in ``data_dir`` (default: ``HINGE_DATA_DIR``, else the
              user's data folder), created on first start. ``postgres://`` and
              ``postgresql://`` URLs use psycopg 3.
    clock     returns the current time, timezone-aware (tests pass a fake one): sessions,
              sign-in throttling, "overdue" and the times records are made all use it.
    hasher    the Argon2id password hasher; default argon2-cffi's defaults. Tests pass a
              cheap one. Hashes made with other settings are upgraded at the next sign-in.
    hashes_at_once  the most password hashes (sign-ins, sign-ups, changes) running at once;
              default Settings.password_hashes_at_once (HINGE_PASSWORD_HASHES_AT_ONCE).

    Raises StoreUnavailable when the database can't be used: busy (locked by another program),
    damaged (not a database), unreachable, set up by a newer version, or a data folder or URL
    that is wrong. A SQLite file that can be read but not written opens with
    ``read_only=True``: reads work and every write raises StoreUnavailable("read_only").
    """
    opened = connect(resolve_url(url, data_dir))
    if hashes_at_once is None:
        hashes_at_once = Settings.from_env().password_hashes_at_once
    bounded = passwords.BoundedHasher(hasher or PasswordHasher(), hashes_at_once)
    return Store(opened.engine, read_only=opened.read_only, clock=clock, hasher=bounded)


class Store(AccountsPart, LearningPart, HomeworkPart):
    """See the module docstring. Thread-safe: one Store serves every session of a server.
    Made by :func:`open_store`."""
