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

import contextlib
import hashlib
import json
import logging
import math
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.dialects import postgresql, sqlite

from course.progress import QUIZ_PASS_FRACTION, Progress, QuizAttempt
from course.settings import Settings
from course.store import access_codes, account_data, passwords, rules, throttle, validate
from course.store.database import WRITE, connect, resolve_url, translated, unavailable
from course.store.errors import (
    InvalidInput,
    NotAllowed,
    SignInThrottled,
    StoreError,
    UsernameTaken,
    WrongCredentials,
)
from course.store.records import (
    Account,
    Assignment,
    AssignmentStatus,
    DashboardRow,
    Feedback,
    Group,
    GroupDashboard,
    Member,
    MemberDetail,
    NewHandIn,
    Part,
    QuizBest,
    ResetCode,
    Reply,
    Role,
    SelfCheckRecord,
    SelfCheckSummary,
    Submission,
    SubmittedSelfCheck,
)
from course.store.schema import access_codes as access_codes_table
from course.store.schema import (
    accounts,
    assignment_lessons,
    assignments,
    feedback,
    feedback_replies,
    groups,
    known_devices,
    lessons_read,
    memberships,
    quiz_attempts,
    self_checks,
    sessions,
    sign_in_failures,
    submissions,
)

ONLY_TRAINERS = "Only trainers can do that. Sign in with a trainer account."
ONLY_MEMBERS = "Trainers can't join groups or hand in homework. Use a member account for that."
NO_SELF_CHECK_ASKED = "This homework doesn't ask for a self-check, so there is nothing to hand in."
GROUP_CLOSED = "This group is closed: it takes no new members or homework. Ask your trainer for a new one."
THREAD_FULL = ("This conversation has reached its {limit} replies. Talk it over at the gym, or your trainer "
               "can leave new feedback.")
CODE_DOESNT_WORK = ("That code doesn't work for this username: check both, or the code may be used up or "
                    "expired. Your trainer can make you a new one.")

log = logging.getLogger(__name__)
_JOIN_CODE_TRIES = 5  # a clash among 850 billion codes is rare; five in a row means a bug
_EPS = 1e-9  # the same slack as course.progress.questions_to_pass


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


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


class Store:
    """See the module docstring. Thread-safe: one Store serves every session of a server.
    Made by :func:`open_store`."""

    def __init__(self, engine: sa.Engine, *, read_only: bool, clock: Callable[[], datetime],
                 hasher: passwords.BoundedHasher) -> None:
        self._engine = engine
        self.read_only = read_only
        self._clock = clock
        self._hasher = hasher
        self._dummy_hash: str | None = None
        self.backend: Literal["sqlite", "postgresql"] = engine.dialect.name  # type: ignore[assignment]
        self._insert = postgresql.insert if self.backend == "postgresql" else sqlite.insert

    def __repr__(self) -> str:
        where = self._engine.url.render_as_string(hide_password=True)
        return f"<Store {where}{' read-only' if self.read_only else ''}>"

    def close(self) -> None:
        """Close every connection. The store can't be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transactions ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """One read transaction (a consistent snapshot on both backends)."""
        with translated(), self._engine.connect() as connection:
            if self.backend == "postgresql":
                connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.
        On SQLite it takes the write lock at once, so writers queue instead of failing."""
        if self.read_only:
            raise unavailable("read_only", "opened read-only")
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
        return now.astimezone(timezone.utc)

    # --- who is acting -----------------------------------------------------------------------

    def _actor(self, connection: sa.Connection, actor: Account, role: Role | None = None) -> Account:
        """The actor as the database has them now. Raises NotAllowed for an unknown account, one
        whose role differs from ``actor.role``, or one without ``role`` when one is needed."""
        if not isinstance(actor, Account):
            raise NotAllowed()
        row = connection.execute(sa.select(accounts.c.role).where(accounts.c.id == _int(actor.id))).first()
        if row is None or row.role != actor.role:
            raise NotAllowed()
        if role is not None and actor.role != role:
            raise NotAllowed(ONLY_TRAINERS if role == "trainer" else ONLY_MEMBERS)
        return actor

    # --- accounts ----------------------------------------------------------------------------

    def sign_up(self, username: str, password: str, *, display_name: str,
                role: Literal["member", "trainer"]) -> Account:
        """Make an account. Raises InvalidInput (naming the field) or UsernameTaken."""
        username = validate.username(username)
        display_name = validate.text(display_name, field="display_name", label="Your name",
                                     rule=rules.DISPLAY_NAME, strip=False)
        password = passwords.checked_new(password, username=username, display_name=display_name)
        role = validate.role(role)
        password_hash = self._hasher.hash(password)  # slow on purpose: outside the transaction
        try:
            with self._writing() as connection:
                account_id = connection.execute(
                    accounts.insert().returning(accounts.c.id),
                    {"username": username, "username_key": validate.username_key(username),
                     "display_name": display_name, "role": role, "password_hash": password_hash,
                     "created_at": self._now()},
                ).scalar_one()
        except sa.exc.IntegrityError:
            raise UsernameTaken() from None
        return Account(account_id, username, display_name, role)

    def sign_in(self, username: str, password: str, *, client: str | None = None,
                device: str | None = None) -> Account:
        """The account whose username (any case) and password these are.

        Raises WrongCredentials for an unknown username or a wrong password alike, and
        SignInThrottled, without looking at the password, while a growing wait after recent
        failures for that username, or from that client, is running (``course.store.rules``).
        ``client`` names where the try comes from (a network address; None: unknown), ``device``
        is the browser's known-device token (``remember_device``): a device that signed in to
        this account before waits only for its own failures. The counts are in the database, so
        they hold across servers.
        """
        key = validate.username_key(username)[:256] if isinstance(username, str) else ""
        return _account(self._authenticate(key, password, client=client, device=device))

    def remember_device(self, account: Account, device: str | None = None) -> str:
        """Make this browser a known device of ``account`` after it signed in: its token
        (``device`` when it already has a well-formed one, else a new one) for a cookie that
        lasts KNOWN_DEVICE_LIFETIME. Only the token's SHA-256 is stored."""
        if not (isinstance(device, str) and re.fullmatch(r"[A-Za-z0-9_-]{43}", device)):
            device = secrets.token_urlsafe(int(rules.SESSION_TOKEN_BYTES.value))
        now = self._now()
        values = {"token_sha256": _token_hash(device), "account_id": account.id,
                  "expires_at": now + timedelta(days=rules.KNOWN_DEVICE_LIFETIME.value)}
        with self._writing() as connection:
            self._actor(connection, account)
            connection.execute(known_devices.delete().where(known_devices.c.expires_at <= now))
            statement = self._insert(known_devices).values(**values)
            connection.execute(statement.on_conflict_do_update(
                index_elements=[known_devices.c.token_sha256, known_devices.c.account_id],
                set_={"expires_at": statement.excluded.expires_at}))
        return device

    def _authenticate(self, key: str, password: object, *, client: str | None, device: str | None) -> Any:
        """The account row whose lower-cased username is ``key``, when ``password`` is its
        password; the throttle first (see ``sign_in``)."""
        row = self._counted_try(key, client=client, device=device)
        if row is None:
            self._verify(self._dummy(), password)  # the same work as for a real account
            raise WrongCredentials()
        matched = self._verify(row.password_hash, password)
        if matched is None:
            raise WrongCredentials()
        with self._writing() as connection:
            _forgive(connection, key)
            if matched != "normalised" or self._hasher.check_needs_rehash(row.password_hash):
                connection.execute(accounts.update().where(accounts.c.id == row.id),
                                   {"password_hash": self._hasher.hash(passwords.normalised(password))})
        return row

    def _counted_try(self, key: str, *, client: str | None, device: str | None) -> Any:
        """A try at the username ``key`` (a password, a reset code) past the throttle: raises
        SignInThrottled while a wait is running, else counts the try as a failure, before it is
        checked, and returns the account row (None for an unknown username). The caller checks
        the try and, when it is right, takes the failures back (``_forgive``): so tries at the
        same moment on several servers can't slip past the waits."""
        user = account_data.username_hash(key)
        now = self._now()
        wait = 0.0
        with self._writing() as connection:
            if self.backend == "postgresql":  # one try per username at a time, across servers
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(key))))
            connection.execute(sign_in_failures.delete().where(
                sign_in_failures.c.at <= now - timedelta(hours=rules.FAILURE_MEMORY.value)))
            row = connection.execute(sa.select(accounts).where(accounts.c.username_key == key)).first()
            known = row is not None and _is_known_device(connection, row.id, device, now)
            if known:
                source, free_from_source = _token_hash(f"device:{device}"), rules.SIGN_IN_FREE_TRIES_PER_USERNAME
            else:
                source = _token_hash(f"client:{client}") if isinstance(client, str) and client else None
                free_from_source = rules.SIGN_IN_FREE_TRIES_PER_CLIENT
                wait = _wait(connection, sign_in_failures.c.username_sha256 == user,
                             rules.SIGN_IN_FREE_TRIES_PER_USERNAME, now)
            if source is not None:
                wait = max(wait, _wait(connection, sign_in_failures.c.client_sha256 == source, free_from_source, now))
            if wait <= 0:
                connection.execute(sign_in_failures.insert(),
                                   {"username_sha256": user, "client_sha256": source, "at": now})
        if wait > 0:
            raise SignInThrottled(wait)
        return row

    def _verify(self, password_hash: str, password: object) -> Literal["normalised", "as typed"] | None:
        """Whether ``password`` is the one hashed: normalised (NFKC, as every password is hashed
        now), or as typed (an account made before passwords were normalised: its hash is
        replaced by the normalised one at this sign-in). None when it is neither."""
        if not isinstance(password, str):
            return None
        chosen = passwords.normalised(password)
        for candidate, how in ((chosen, "normalised"), (password, "as typed")):
            try:
                if self._hasher.verify(password_hash, candidate):
                    return how  # type: ignore[return-value]
            except (VerificationError, InvalidHashError):
                pass
            if candidate == password:
                return None  # nothing else to try: NFKC left it as it was
        return None

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def start_session(self, account: Account, *, replacing: str | None = None) -> str:
        """A new session token for ``account`` (URL-safe text). Only its SHA-256 is stored; it
        lasts SESSION_LIFETIME from now, or until unused for SESSION_IDLE_TIMEOUT. ``replacing``
        is the token this browser held before, ended here (a sign-in always gets a fresh token,
        so one planted in the browser beforehand is worth nothing). Sessions of everyone that
        have expired or idled out are cleared here."""
        token = secrets.token_urlsafe(int(rules.SESSION_TOKEN_BYTES.value))
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, account)
            connection.execute(sessions.delete().where(sa.or_(
                sessions.c.expires_at <= now, sessions.c.last_seen_at <= now - _idle_timeout())))
            if isinstance(replacing, str) and replacing:
                connection.execute(sessions.delete().where(sessions.c.token_sha256 == _token_hash(replacing)))
            connection.execute(sessions.insert(), {
                "token_sha256": _token_hash(token), "account_id": account.id, "created_at": now,
                "expires_at": now + timedelta(hours=rules.SESSION_LIFETIME.value), "last_seen_at": now})
        return token

    def account_for_session(self, token: str) -> Account | None:
        """The account signed in with ``token``, or None when it is unknown, ended, expired or
        unused for longer than SESSION_IDLE_TIMEOUT. Each call counts as a use (written at most
        once every SESSION_TOUCH_INTERVAL; not at all when the store is read-only)."""
        if not isinstance(token, str) or not token:
            return None
        now = self._now()
        live = sa.and_(sessions.c.token_sha256 == _token_hash(token), sessions.c.expires_at > now,
                       sessions.c.last_seen_at > now - _idle_timeout())
        with self._reading() as connection:
            row = connection.execute(
                sa.select(accounts, sessions.c.last_seen_at)
                .join(sessions, sessions.c.account_id == accounts.c.id).where(live)).first()
        if row is None:
            return None
        if not self.read_only and now - row.last_seen_at >= timedelta(seconds=rules.SESSION_TOUCH_INTERVAL.value):
            with self._writing() as connection:
                touched = connection.execute(sessions.update().where(live).values(last_seen_at=now)).rowcount
            if not touched:  # ended by another tab in between
                return None
        return _account(row)

    def end_session(self, token: str) -> None:
        """Sign out: the token no longer works. Unknown tokens are ignored."""
        if not isinstance(token, str) or not token:
            return
        with self._writing() as connection:
            connection.execute(sessions.delete().where(sessions.c.token_sha256 == _token_hash(token)))

    def end_every_session(self, actor: Account) -> int:
        """Sign out everywhere: every session of the actor's ends, on every device and in every
        tab (each finds out at its next click). Returns how many ended."""
        with self._writing() as connection:
            self._actor(connection, actor)
            return connection.execute(sessions.delete().where(sessions.c.account_id == actor.id)).rowcount

    # --- the account's owner ---------------------------------------------------------------

    def change_password(self, actor: Account, current: str, new: str, *, keep_session: str | None = None,
                        client: str | None = None, device: str | None = None) -> None:
        """Replace the actor's password, once ``current`` proves it is them (throttled like a
        sign-in; ``client`` and ``device`` as for ``sign_in``). Every other session ends, and
        every other known device is forgotten: whoever knew the old password is out. The
        session ``keep_session`` (this tab's) and the browser ``device`` stay. Raises
        InvalidInput("current_password") for a wrong current password, InvalidInput("password")
        for a new one that may not be chosen, SignInThrottled while a wait is running."""
        row = self._owner(actor, current, client=client, device=device, field="current_password")
        chosen = passwords.checked_new(new, username=row.username, display_name=row.display_name)
        password_hash = self._hasher.hash(chosen)  # slow on purpose: outside the transaction
        kept_session = _token_hash(keep_session) if isinstance(keep_session, str) else ""
        kept_device = _token_hash(device) if isinstance(device, str) else ""
        with self._writing() as connection:
            self._actor(connection, actor)
            connection.execute(accounts.update().where(accounts.c.id == actor.id), {"password_hash": password_hash})
            connection.execute(sessions.delete().where(sessions.c.account_id == actor.id,
                                                       sessions.c.token_sha256 != kept_session))
            connection.execute(known_devices.delete().where(known_devices.c.account_id == actor.id,
                                                            known_devices.c.token_sha256 != kept_device))
            connection.execute(access_codes_table.delete().where(access_codes_table.c.account_id == actor.id,
                                                                 access_codes_table.c.kind == "reset"))

    def delete_account(self, actor: Account, password: str, *, client: str | None = None,
                       device: str | None = None) -> None:
        """Delete the actor's account and everything stored about it, in one transaction: then
        it is gone, from every table (``account_data.delete_everything``). ``password`` proves
        it is them (throttled like a sign-in). A trainer's groups go too, with their homework
        and what was handed in to it; their members' own records stay theirs. Raises
        InvalidInput("password") for a wrong password, SignInThrottled while a wait is running."""
        row = self._owner(actor, password, client=client, device=device, field="password")
        with self._writing() as connection:
            self._actor(connection, actor)
            account_data.delete_everything(connection, actor.id, row.username_key)

    def export_data(self, actor: Account) -> dict[str, Any]:
        """Everything stored about the actor, as a JSON-ready document (``account_data``): what
        "Download my data" saves. Password hashes and tokens are not in it."""
        with self._reading() as connection:
            self._actor(connection, actor)
            return account_data.everything_about(connection, actor.id, now=self._now())

    # --- getting back in without the password ----------------------------------------------

    def issue_reset_code(self, trainer: Account, group_id: int, member_id: int) -> ResetCode:
        """A one-time code with which a member of the trainer's group who forgot their password
        sets a new one (``reset_password``), good for RESET_CODE_LIFETIME. It replaces any
        earlier reset code for that member; only its hash is stored, so it is shown once.
        Raises NotAllowed for a group not the trainer's or a person not in it."""
        now = self._now()
        code = access_codes.new_code()
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            member = next(iter(_load_members(connection, group.id, _int(member_id))), None)
            if member is None:
                raise NotAllowed()
            connection.execute(access_codes_table.delete().where(
                access_codes_table.c.kind == "reset", sa.or_(access_codes_table.c.account_id == member.id,
                                                             access_codes_table.c.expires_at <= now)))
            expires = now + timedelta(hours=rules.RESET_CODE_LIFETIME.value)
            connection.execute(access_codes_table.insert(), {
                "account_id": member.id, "kind": "reset", "created_at": now, "expires_at": expires,
                "code_sha256": access_codes.code_hash(access_codes.typed_code(code))})
        return ResetCode(code, member.id, member.display_name, expires)

    def new_recovery_codes(self, actor: Account) -> tuple[str, ...]:
        """RECOVERY_CODE_COUNT fresh recovery codes for the actor, each good for one password reset
        (``reset_password``); the earlier ones stop working. Only their hashes are stored, so
        they are shown once: to print or keep somewhere safe."""
        now = self._now()
        codes = tuple(access_codes.new_code() for _ in range(int(rules.RECOVERY_CODE_COUNT.value)))
        with self._writing() as connection:
            self._actor(connection, actor)
            connection.execute(access_codes_table.delete().where(
                access_codes_table.c.account_id == actor.id, access_codes_table.c.kind == "recovery"))
            connection.execute(access_codes_table.insert(), [
                {"account_id": actor.id, "kind": "recovery", "created_at": now, "expires_at": None,
                 "code_sha256": access_codes.code_hash(access_codes.typed_code(code))} for code in codes])
        return codes

    def recovery_codes_left(self, actor: Account) -> int:
        """How many of the actor's recovery codes are still unused."""
        with self._reading() as connection:
            self._actor(connection, actor)
            return connection.execute(sa.select(sa.func.count()).select_from(access_codes_table).where(
                access_codes_table.c.account_id == actor.id, access_codes_table.c.kind == "recovery")).scalar_one()

    def reset_password(self, username: str, code: str, new_password: str, *, client: str | None = None,
                       device: str | None = None) -> Account:
        """Set a new password with a one-time code instead of the old password: a reset code from
        the member's trainer (until it expires) or one of the account's recovery codes. The code
        is used up, every session of the account ends and its known devices are forgotten.
        Throttled like a sign-in (each wrong code counts). Raises InvalidInput("code") for a
        code that is wrong, used or expired (one message for all, and for an unknown username),
        InvalidInput("password") for a new password that may not be chosen, SignInThrottled."""
        key = validate.username_key(username)[:256] if isinstance(username, str) else ""
        typed = access_codes.typed_code(code)
        if typed is None:
            raise InvalidInput("code", CODE_DOESNT_WORK)
        row = self._counted_try(key, client=client, device=device)
        now = self._now()
        usable = sa.and_(
            access_codes_table.c.account_id == (row.id if row is not None else -1),
            access_codes_table.c.code_sha256 == access_codes.code_hash(typed),
            sa.or_(access_codes_table.c.expires_at.is_(None), access_codes_table.c.expires_at > now))
        with self._reading() as connection:
            found = connection.execute(sa.select(access_codes_table.c.id).where(usable)).first()
        if row is None or found is None:
            raise InvalidInput("code", CODE_DOESNT_WORK)
        chosen = passwords.checked_new(new_password, username=row.username, display_name=row.display_name)
        password_hash = self._hasher.hash(chosen)  # slow on purpose: outside the transaction
        with self._writing() as connection:
            if not connection.execute(access_codes_table.delete().where(
                    access_codes_table.c.id == found.id, usable)).rowcount:
                raise InvalidInput("code", CODE_DOESNT_WORK)  # used a moment ago, in another tab
            connection.execute(access_codes_table.delete().where(
                access_codes_table.c.account_id == row.id, access_codes_table.c.kind == "reset"))
            connection.execute(accounts.update().where(accounts.c.id == row.id), {"password_hash": password_hash})
            connection.execute(sessions.delete().where(sessions.c.account_id == row.id))
            connection.execute(known_devices.delete().where(known_devices.c.account_id == row.id))
            _forgive(connection, key)
        return _account(row)

    def _owner(self, actor: Account, password: str, *, client: str | None, device: str | None, field: str) -> Any:
        """The actor's account row, once ``password`` proves it is theirs."""
        with self._reading() as connection:
            self._actor(connection, actor)
            key = connection.execute(sa.select(accounts.c.username_key).where(accounts.c.id == actor.id)).scalar_one()
        try:
            return self._authenticate(key, password, client=client, device=device)
        except WrongCredentials:
            raise InvalidInput(field, "That isn't your password. Type the one you sign in with.") from None

    # --- progress ----------------------------------------------------------------------------

    def progress(self, actor: Account) -> Progress:
        """The actor's own progress, as a ``course.progress.Progress``: every call reads or
        writes the database. Raises NotAllowed for an unknown account."""
        with self._reading() as connection:
            self._actor(connection, actor)
        return StoredProgress(self, actor)

    def _mark_read(self, actor: Account, lesson_id: str) -> None:
        lesson_id = validate.lesson_id(lesson_id)
        with self._writing() as connection:
            self._actor(connection, actor)
            connection.execute(
                self._insert(lessons_read).on_conflict_do_nothing(),
                {"account_id": actor.id, "lesson_id": lesson_id, "at": self._now()})

    def _lessons_read(self, actor: Account) -> frozenset[str]:
        with self._reading() as connection:
            self._actor(connection, actor)
            return frozenset(connection.execute(
                sa.select(lessons_read.c.lesson_id).where(lessons_read.c.account_id == actor.id)).scalars())

    def _record_attempt(self, actor: Account, attempt: QuizAttempt) -> None:
        values = validate.attempt(attempt)
        with self._writing() as connection:
            self._actor(connection, actor)
            _insert_attempt(connection, actor.id, values)

    def _quiz_attempts(self, actor: Account, lesson_id: str) -> tuple[QuizAttempt, ...]:
        with self._reading() as connection:
            self._actor(connection, actor)
            rows = connection.execute(
                sa.select(quiz_attempts)
                .where(quiz_attempts.c.account_id == actor.id, quiz_attempts.c.lesson_id == lesson_id)
                .order_by(quiz_attempts.c.at, quiz_attempts.c.id))
            return tuple(_attempt(row) for row in rows)

    def keep_progress(self, actor: Account, earlier: Progress, lesson_ids: Iterable[str]) -> None:
        """Copy progress made before signing in (e.g. a ``SessionProgress``) into the actor's
        records, in one transaction: the lessons read and every quiz attempt at ``lesson_ids``
        (and at the lessons read), with their times. Attempts already kept are not copied
        twice, so calling it again changes nothing. Raises InvalidInput for a malformed
        attempt, and then nothing is copied."""
        read = earlier.lessons_read()
        wanted = dict.fromkeys([*lesson_ids, *sorted(read)])
        attempts = [attempt for lesson_id in wanted for attempt in earlier.quiz_attempts(lesson_id)]
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, actor)
            kept = {(row.lesson_id, row.at, row.answers, row.correct, row.total) for row in connection.execute(
                sa.select(quiz_attempts).where(quiz_attempts.c.account_id == actor.id))}
            for lesson_id in sorted(read):
                connection.execute(
                    self._insert(lessons_read).on_conflict_do_nothing(),
                    {"account_id": actor.id, "lesson_id": validate.lesson_id(lesson_id), "at": now})
            for attempt in attempts:
                values = validate.attempt(attempt)
                key = (values["lesson_id"], values["at"], values["answers"], values["correct"], values["total"])
                if key not in kept:
                    _insert_attempt(connection, actor.id, values)
                    kept.add(key)

    # --- self-checks -------------------------------------------------------------------------

    def save_self_check(self, actor: Account, report: Mapping[str, Any]) -> SelfCheckRecord:
        """Keep a self-check's report (``Report.to_json()``): its outcome and verdict as columns,
        the whole report as JSON text. Never the clip. Raises InvalidInput for something that is
        not a report."""
        outcome, verdict, encoded = validate.report(report)
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, actor)
            check_id = connection.execute(
                self_checks.insert().returning(self_checks.c.id),
                {"account_id": actor.id, "at": now, "outcome": outcome, "verdict": verdict,
                 "report": encoded}).scalar_one()
        return SelfCheckRecord(check_id, actor.id, now, outcome, verdict, json.loads(encoded))

    def self_checks(self, actor: Account) -> list[SelfCheckRecord]:
        """The actor's own self-checks, newest first."""
        with self._reading() as connection:
            self._actor(connection, actor)
            rows = connection.execute(
                sa.select(self_checks).where(self_checks.c.account_id == actor.id)
                .order_by(self_checks.c.at.desc(), self_checks.c.id.desc()))
            return [SelfCheckRecord(row.id, row.account_id, row.at, row.outcome, row.verdict,
                                    json.loads(row.report)) for row in rows]

    # --- groups ------------------------------------------------------------------------------

    def create_group(self, trainer: Account, title: str) -> Group:
        """A new group of ``trainer``'s with a fresh join code. Raises NotAllowed for a member,
        InvalidInput for a title that is empty or too long, StoreError when _JOIN_CODE_TRIES
        codes in a row are taken (a bug: logged)."""
        title = validate.text(title, field="title", label="The group's name", rule=rules.GROUP_TITLE)
        now = self._now()
        for _ in range(_JOIN_CODE_TRIES):
            code = "".join(secrets.choice(rules.JOIN_CODE_ALPHABET)
                           for _ in range(int(rules.JOIN_CODE_LENGTH.value)))
            try:
                with self._writing() as connection:
                    self._actor(connection, trainer, "trainer")
                    group_id = connection.execute(
                        groups.insert().returning(groups.c.id),
                        {"trainer_id": trainer.id, "title": title, "join_code": code, "created_at": now},
                    ).scalar_one()
            except sa.exc.IntegrityError:
                continue  # the code was taken: draw another
            return Group(group_id, title, code, trainer.id, trainer.display_name, now, member_count=0)
        log.error("%d join codes in a row were taken: the code alphabet or length is too small", _JOIN_CODE_TRIES)
        raise StoreError("The group could not be given a join code just now. Try again in a moment.")

    def group_to_join(self, member: Account, join_code: str) -> Group:
        """The group this code would join, without joining it: what a member is shown before
        saying yes (its title and its trainer's name). Raises InvalidInput for a code no group
        has or a closed group's (so a closed group is never offered), NotAllowed for a trainer."""
        code = validate.join_code(join_code)
        with self._reading() as connection:
            self._actor(connection, member, "member")
            return _group(_open_group_by_code(connection, code))

    def join_group(self, member: Account, join_code: str) -> Group:
        """Join the group with this code (spaces, dashes and case ignored): from now on its
        trainer sees the member's progress. Call it only once the member has said yes to that
        (``group_to_join`` names the group). Joining again changes nothing. Raises InvalidInput
        for a code no group has, NotAllowed for a trainer."""
        code = validate.join_code(join_code)
        with self._writing() as connection:
            self._actor(connection, member, "member")
            row = _open_group_by_code(connection, code)
            connection.execute(self._insert(memberships).on_conflict_do_nothing(),
                               {"group_id": row.id, "member_id": member.id, "joined_at": self._now()})
        return _group(row)

    def leave_group(self, member: Account, group_id: int) -> Group:
        """Leave a group: its trainer sees nothing more of the member, neither progress nor the
        self-checks handed in to its homework (those hand-ins and the feedback on them go; the
        self-checks stay in the member's own record). Raises NotAllowed for a group the member
        is not in."""
        with self._writing() as connection:
            self._actor(connection, member, "member")
            row = connection.execute(
                _group_query().join(memberships, memberships.c.group_id == groups.c.id)
                .where(groups.c.id == _int(group_id), memberships.c.member_id == member.id)).first()
            if row is None:
                raise NotAllowed()
            _drop_membership(connection, row.id, member.id)
        return _group(row)

    def remove_member(self, trainer: Account, group_id: int, member_id: int) -> Member:
        """Take a member out of the trainer's group, exactly as if they had left it: the trainer
        sees nothing more of them (their hand-ins to this group's homework and the feedback on
        them go; the member keeps their own progress and self-checks). Raises NotAllowed for a
        group not the trainer's or a person not in it."""
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            member = next(iter(_load_members(connection, group.id, _int(member_id))), None)
            if member is None:
                raise NotAllowed()
            _drop_membership(connection, group.id, member.id)
        return member

    def close_group(self, trainer: Account, group_id: int) -> Group:
        """Close one of the trainer's groups: it takes no new members and no new homework, its
        join code stops working, and it stays in the trainer's list marked closed so they can
        still read what was handed in. Members keep their progress. Closing again changes
        nothing. Raises NotAllowed for a group not the trainer's."""
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            if group.closed:
                return group
            now = self._now()
            connection.execute(groups.update().where(groups.c.id == group.id).values(closed_at=now))
        return Group(group.id, group.title, group.join_code, group.trainer_id, group.trainer_name,
                     group.created_at, group.member_count, now)

    def groups(self, actor: Account) -> list[Group]:
        """A trainer's own groups (with member counts), or the groups a member joined; by title."""
        with self._reading() as connection:
            self._actor(connection, actor)
            if actor.is_trainer:
                counts = _member_counts()
                rows = connection.execute(
                    _group_query(counts.c.members).outerjoin(counts, counts.c.group_id == groups.c.id)
                    .where(groups.c.trainer_id == actor.id))
                found = [_group(row, row.members or 0) for row in rows]
            else:
                rows = connection.execute(
                    _group_query().join(memberships, memberships.c.group_id == groups.c.id)
                    .where(memberships.c.member_id == actor.id))
                found = [_group(row) for row in rows]
        return sorted(found, key=lambda group: (group.title.casefold(), group.id))

    def _own_group(self, connection: sa.Connection, trainer: Account, group_id: int) -> Group:
        self._actor(connection, trainer, "trainer")
        counts = _member_counts()
        row = connection.execute(
            _group_query(counts.c.members).outerjoin(counts, counts.c.group_id == groups.c.id)
            .where(groups.c.id == _int(group_id), groups.c.trainer_id == trainer.id)).first()
        if row is None:
            raise NotAllowed()
        return _group(row, row.members or 0)

    # --- homework ----------------------------------------------------------------------------

    def create_assignment(self, trainer: Account, group_id: int, *, title: str, due: date,
                          lesson_ids: Sequence[str] = (), quiz_lesson_ids: Sequence[str] = (),
                          pass_fraction: float = QUIZ_PASS_FRACTION, self_check: bool = True,
                          note: str = "") -> Assignment:
        """Homework for one of the trainer's groups: lessons to read, lessons whose quiz to pass
        (at ``pass_fraction`` of the questions, by the best attempt), and a self-check to hand
        in. Lesson ids are not checked against the content (the store does not read it).
        Raises NotAllowed for a group that is not the trainer's, InvalidInput for a bad field,
        homework that asks for nothing, or a closed group."""
        fields = _homework_fields(title, due, lesson_ids, quiz_lesson_ids, pass_fraction, self_check, note)
        now = self._now()
        with self._writing() as connection:
            group = self._own_group(connection, trainer, group_id)
            if group.closed:
                raise InvalidInput("group_id", "This group is closed: it takes no new homework.")
            assignment_id = connection.execute(
                assignments.insert().returning(assignments.c.id),
                {"group_id": group.id, "created_at": now, **_columns(fields)}).scalar_one()
            _write_parts(connection, assignment_id, fields)
        return Assignment(assignment_id, group.id, group.title, fields["title"], fields["due"], fields["read"],
                          fields["quizzes"], fields["pass_fraction"], fields["self_check"], fields["note"], now)

    def edit_assignment(self, trainer: Account, assignment_id: int, *, title: str, due: date,
                        lesson_ids: Sequence[str] = (), quiz_lesson_ids: Sequence[str] = (),
                        pass_fraction: float = QUIZ_PASS_FRACTION, self_check: bool = True,
                        note: str = "") -> Assignment:
        """Change one of the trainer's homework: every field as ``create_assignment`` takes it.
        Work already done counts towards the new parts (a lesson read stays read); hand-ins and
        feedback stay, even when the self-check is no longer asked for. Raises NotAllowed for
        homework that is not the trainer's, InvalidInput as ``create_assignment`` does."""
        fields = _homework_fields(title, due, lesson_ids, quiz_lesson_ids, pass_fraction, self_check, note)
        with self._writing() as connection:
            row = self._own_assignment(connection, trainer, assignment_id)
            connection.execute(assignments.update().where(assignments.c.id == row.id).values(**_columns(fields)))
            connection.execute(assignment_lessons.delete().where(assignment_lessons.c.assignment_id == row.id))
            _write_parts(connection, row.id, fields)
        return Assignment(row.id, row.group_id, row.group_title, fields["title"], fields["due"], fields["read"],
                          fields["quizzes"], fields["pass_fraction"], fields["self_check"], fields["note"],
                          row.created_at)

    def delete_assignment(self, trainer: Account, assignment_id: int) -> int:
        """Delete one of the trainer's homework with everything on it: its hand-ins, the feedback
        on them and its replies (the members' self-checks stay theirs). Returns how many hand-ins
        went. Raises NotAllowed for homework that is not the trainer's."""
        with self._writing() as connection:
            row = self._own_assignment(connection, trainer, assignment_id)
            handed_in = sa.select(submissions.c.id).where(submissions.c.assignment_id == row.id)
            notes = sa.select(feedback.c.id).where(feedback.c.submission_id.in_(handed_in))
            connection.execute(feedback_replies.delete().where(feedback_replies.c.feedback_id.in_(notes)))
            connection.execute(feedback.delete().where(feedback.c.submission_id.in_(handed_in)))
            gone = connection.execute(submissions.delete().where(submissions.c.assignment_id == row.id)).rowcount
            connection.execute(assignment_lessons.delete().where(assignment_lessons.c.assignment_id == row.id))
            connection.execute(assignments.delete().where(assignments.c.id == row.id))
        return gone

    def _own_assignment(self, connection: sa.Connection, trainer: Account, assignment_id: int) -> Any:
        self._actor(connection, trainer, "trainer")
        row = connection.execute(
            sa.select(assignments.c.id, assignments.c.group_id, assignments.c.created_at,
                      groups.c.title.label("group_title"))
            .join(groups, groups.c.id == assignments.c.group_id)
            .where(assignments.c.id == _int(assignment_id), groups.c.trainer_id == trainer.id)).first()
        if row is None:
            raise NotAllowed()
        return row

    def assignments(self, actor: Account) -> list[AssignmentStatus]:
        """Homework with how far it is done, by due date.

        A member gets every assignment of every group they joined, with their own lessons read,
        quizzes passed, submission, feedback, ``done`` and ``overdue`` (due date passed, in UTC,
        and not done). A trainer gets their groups' assignments with how many members are done.
        """
        today = self._now().date()
        with self._reading() as connection:
            self._actor(connection, actor)
            if actor.is_trainer:
                group_ids = sa.select(groups.c.id).where(groups.c.trainer_id == actor.id)
                member_ids = sa.select(memberships.c.member_id).where(memberships.c.group_id.in_(group_ids))
            else:
                group_ids = sa.select(memberships.c.group_id).where(memberships.c.member_id == actor.id)
                member_ids = sa.select(sa.literal(actor.id))
            homework = _load_assignments(connection, group_ids)
            work = _load_work(connection, member_ids, [a.id for a in homework])
            if actor.is_trainer:
                rosters: dict[int, list[int]] = defaultdict(list)
                for row in connection.execute(sa.select(memberships).where(memberships.c.group_id.in_(group_ids))):
                    rosters[row.group_id].append(row.member_id)
                notes: dict[int, list[Feedback]] = {}
            else:
                notes = defaultdict(list)
                for note in _load_feedback(connection, submissions.c.member_id == actor.id):
                    notes[note.assignment_id].append(note)
        statuses = []
        for assignment in homework:
            if actor.is_trainer:
                roster = rosters.get(assignment.group_id, [])
                done_count = sum(_is_done(assignment, work, member) for member in roster)
                everyone = bool(roster) and done_count == len(roster)
                statuses.append(AssignmentStatus(
                    assignment, done=everyone, overdue=today > assignment.due and not everyone,
                    members_done=done_count, members_total=len(roster)))
            else:
                done = _is_done(assignment, work, actor.id)
                statuses.append(AssignmentStatus(
                    assignment, done=done, overdue=today > assignment.due and not done,
                    lessons_read=frozenset(assignment.lesson_ids) & work.read[actor.id],
                    quizzes_passed=frozenset(lesson for lesson in assignment.quiz_lesson_ids
                                             if work.passed(actor.id, lesson, assignment.pass_fraction)),
                    submission=work.submissions.get((assignment.id, actor.id)),
                    feedback=tuple(notes.get(assignment.id, ()))))
        return statuses

    def submit_self_check(self, member: Account, assignment_id: int, self_check_id: int) -> Submission:
        """Hand in one of the member's own self-checks for an assignment of a group they are in.
        Handing in again for the same assignment replaces the earlier one (feedback already left
        stays, marked with the self-check it was about). Raises NotAllowed for an assignment
        or self-check that is not theirs to use, InvalidInput when the homework asks for no
        self-check."""
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, member, "member")
            homework = connection.execute(
                sa.select(assignments.c.id, assignments.c.self_check)
                .join(memberships, memberships.c.group_id == assignments.c.group_id)
                .where(assignments.c.id == _int(assignment_id), memberships.c.member_id == member.id)).first()
            check = connection.execute(
                sa.select(self_checks.c.id, self_checks.c.outcome, self_checks.c.verdict)
                .where(self_checks.c.id == _int(self_check_id), self_checks.c.account_id == member.id)).first()
            if homework is None or check is None:
                raise NotAllowed()
            if not homework.self_check:
                raise InvalidInput("self_check", NO_SELF_CHECK_ASKED)
            statement = self._insert(submissions).values(
                assignment_id=homework.id, member_id=member.id, self_check_id=check.id, at=now)
            submission_id = connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[submissions.c.assignment_id, submissions.c.member_id],
                    set_={"self_check_id": statement.excluded.self_check_id, "at": statement.excluded.at,
                          "seen_at": None},
                ).returning(submissions.c.id)).scalar_one()
        return Submission(submission_id, homework.id, member.id, check.id, now, check.outcome, check.verdict)

    def dashboard(self, trainer: Account, group_id: int) -> GroupDashboard:
        """One row per member of the trainer's group: lessons read, best quiz score and attempts
        per lesson, latest self-check's verdict, and which assignments are done. A fixed handful
        of queries, however many members. Raises NotAllowed for a group not the trainer's."""
        with self._reading() as connection:
            group = self._own_group(connection, trainer, group_id)
            members = _load_members(connection, group.id)
            member_ids = sa.select(memberships.c.member_id).where(memberships.c.group_id == group.id)
            homework = _load_assignments(connection, sa.select(sa.literal(group.id)))
            work = _load_work(connection, member_ids, [a.id for a in homework])
            ranked = sa.select(
                self_checks.c.account_id, self_checks.c.id, self_checks.c.at, self_checks.c.outcome,
                self_checks.c.verdict,
                sa.func.row_number().over(partition_by=self_checks.c.account_id,
                                          order_by=(self_checks.c.at.desc(), self_checks.c.id.desc())).label("n"),
            ).where(self_checks.c.account_id.in_(member_ids)).subquery()
            latest = {row.account_id: SelfCheckSummary(row.id, row.at, row.outcome, row.verdict)
                      for row in connection.execute(sa.select(ranked).where(ranked.c.n == 1))}
        rows = tuple(
            DashboardRow(
                member=member,
                lessons_read=frozenset(work.read[member.id]),
                quizzes=MappingProxyType(work.best(member.id)),
                latest_self_check=latest.get(member.id),
                assignments_done=MappingProxyType({a.id: _is_done(a, work, member.id) for a in homework}),
                parts_done=MappingProxyType({a.id: _parts_done(a, work, member.id) for a in homework}),
            )
            for member in members
        )
        return GroupDashboard(group, tuple(homework), rows)

    def member_detail(self, trainer: Account, group_id: int, member_id: int) -> MemberDetail:
        """Everything the trainer may see of one member of their group: lessons read, every quiz
        attempt, the self-checks handed in to this group's homework (full reports) and the
        feedback on them. Raises NotAllowed for a group not the trainer's or a person not in it."""
        with self._reading() as connection:
            group = self._own_group(connection, trainer, group_id)
            member = next((m for m in _load_members(connection, group.id, _int(member_id))), None)
            if member is None:
                raise NotAllowed()
            read = frozenset(connection.execute(
                sa.select(lessons_read.c.lesson_id).where(lessons_read.c.account_id == member.id)).scalars())
            attempts = tuple(_attempt(row) for row in connection.execute(
                sa.select(quiz_attempts).where(quiz_attempts.c.account_id == member.id)
                .order_by(quiz_attempts.c.at, quiz_attempts.c.id)))
            in_group = sa.and_(submissions.c.member_id == member.id, assignments.c.group_id == group.id)
            notes = _load_feedback(connection, in_group)
            rows = connection.execute(
                sa.select(submissions, assignments.c.title, self_checks.c.outcome, self_checks.c.verdict,
                          self_checks.c.report)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(self_checks, self_checks.c.id == submissions.c.self_check_id)
                .where(in_group).order_by(submissions.c.at.desc(), submissions.c.id.desc()))
            handed_in = tuple(
                SubmittedSelfCheck(
                    _submission(row), row.title, json.loads(row.report),
                    tuple(note for note in notes if note.submission_id == row.id))
                for row in rows)
        return MemberDetail(member, group, read, attempts, handed_in, tuple(notes))

    def leave_feedback(self, trainer: Account, submission_id: int, text: str) -> Feedback:
        """A note on a submission to one of the trainer's groups' homework. Raises NotAllowed for
        any other submission, InvalidInput for empty or overlong text."""
        text = validate.text(text, field="text", label="Your feedback", rule=rules.FEEDBACK_TEXT, multiline=True)
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, trainer, "trainer")
            row = connection.execute(
                sa.select(submissions.c.id, submissions.c.self_check_id, assignments.c.id.label("assignment_id"),
                          assignments.c.title)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .where(submissions.c.id == _int(submission_id), groups.c.trainer_id == trainer.id)).first()
            if row is None:
                raise NotAllowed()
            feedback_id = connection.execute(
                feedback.insert().returning(feedback.c.id),
                {"submission_id": row.id, "trainer_id": trainer.id, "self_check_id": row.self_check_id,
                 "text": text, "at": now}).scalar_one()
        return Feedback(feedback_id, row.id, row.assignment_id, row.title, trainer.id, trainer.display_name,
                        row.self_check_id, text, now)

    def reply_to_feedback(self, actor: Account, feedback_id: int, text: str) -> Reply:
        """Answer a piece of feedback: the member it was written for, or the trainer of the group
        it belongs to. Raises NotAllowed for anyone else (or feedback that doesn't exist),
        InvalidInput for empty or overlong text or a thread that has reached
        ``rules.FEEDBACK_THREAD_REPLIES``."""
        text = validate.text(text, field="text", label="Your reply", rule=rules.REPLY_TEXT, multiline=True)
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, actor)
            row = connection.execute(
                sa.select(feedback.c.id)
                .join(submissions, submissions.c.id == feedback.c.submission_id)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .where(feedback.c.id == _int(feedback_id),
                       groups.c.trainer_id == actor.id if actor.is_trainer
                       else submissions.c.member_id == actor.id)).first()
            if row is None:
                raise NotAllowed()
            count = connection.execute(sa.select(sa.func.count()).where(
                feedback_replies.c.feedback_id == row.id)).scalar_one()
            limit = int(rules.FEEDBACK_THREAD_REPLIES.value)
            if count >= limit:
                raise InvalidInput("text", THREAD_FULL.format(limit=limit))
            reply_id = connection.execute(
                feedback_replies.insert().returning(feedback_replies.c.id),
                {"feedback_id": row.id, "author_id": actor.id, "text": text, "at": now}).scalar_one()
        return Reply(reply_id, row.id, actor.id, actor.display_name, text, now)

    def new_hand_ins(self, trainer: Account) -> list[NewHandIn]:
        """Hand-ins to the trainer's groups' homework they haven't marked seen, newest first."""
        with self._reading() as connection:
            self._actor(connection, trainer, "trainer")
            member = accounts.alias("member")
            rows = connection.execute(
                sa.select(submissions.c.id, submissions.c.assignment_id, submissions.c.member_id,
                          submissions.c.at, assignments.c.title, assignments.c.group_id,
                          groups.c.title.label("group_title"), member.c.display_name)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(groups, groups.c.id == assignments.c.group_id)
                .join(member, member.c.id == submissions.c.member_id)
                .where(groups.c.trainer_id == trainer.id, submissions.c.seen_at.is_(None))
                .order_by(submissions.c.at.desc(), submissions.c.id.desc()))
            return [NewHandIn(row.id, row.group_id, row.group_title, row.assignment_id, row.title,
                              row.member_id, row.display_name, row.at) for row in rows]

    def mark_hand_ins_seen(self, trainer: Account, submission_ids: Iterable[int]) -> None:
        """The trainer has seen these hand-ins: they leave ``new_hand_ins``. Ids that are not
        hand-ins to the trainer's homework change nothing."""
        ids = [_int(i) for i in submission_ids]
        with self._writing() as connection:
            self._actor(connection, trainer, "trainer")
            theirs = (sa.select(assignments.c.id).join(groups, groups.c.id == assignments.c.group_id)
                      .where(groups.c.trainer_id == trainer.id))
            connection.execute(submissions.update().where(
                submissions.c.id.in_(ids), submissions.c.assignment_id.in_(theirs),
                submissions.c.seen_at.is_(None)).values(seen_at=self._now()))

    def feedback_for(self, member: Account) -> list[Feedback]:
        """Trainers' feedback on the member's own submissions, newest first."""
        with self._reading() as connection:
            self._actor(connection, member)
            return _load_feedback(connection, submissions.c.member_id == member.id)


class StoredProgress:
    """One account's progress in the store, as ``course.progress.Progress``. Made by
    :meth:`Store.progress`; each call is its own transaction."""

    def __init__(self, store: Store, actor: Account) -> None:
        self._store = store
        self._actor = actor

    def mark_read(self, lesson_id: str) -> None:
        self._store._mark_read(self._actor, lesson_id)

    def lessons_read(self) -> frozenset[str]:
        return self._store._lessons_read(self._actor)

    def record_quiz_attempt(self, attempt: QuizAttempt) -> None:
        self._store._record_attempt(self._actor, attempt)

    def quiz_attempts(self, lesson_id: str) -> Sequence[QuizAttempt]:
        """Attempts at one lesson's quiz, oldest first."""
        return self._store._quiz_attempts(self._actor, lesson_id)


# --- helpers: rows to records, and the bulk loads behind the homework views --------------------


def _int(value: object) -> int:
    """An id from a page. Anything that is not a whole number an id column can hold (ids are
    INTEGER: 32 bits on PostgreSQL) finds nothing (NotAllowed), where the driver would raise an
    OverflowError (SQLite, past 64 bits) or "integer out of range" (PostgreSQL)."""
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise NotAllowed()
    return value


def _idle_timeout() -> timedelta:
    return timedelta(minutes=rules.SESSION_IDLE_TIMEOUT.value)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _forgive(connection: sa.Connection, username_key: str) -> None:
    """A right password (or code) for this username: its failures no longer count."""
    connection.execute(sign_in_failures.delete().where(
        sign_in_failures.c.username_sha256 == account_data.username_hash(username_key)))


def _is_known_device(connection: sa.Connection, account_id: int, device: object, now: datetime) -> bool:
    if not isinstance(device, str) or not device:
        return False
    return connection.execute(sa.select(known_devices.c.account_id).where(
        known_devices.c.token_sha256 == _token_hash(device), known_devices.c.account_id == account_id,
        known_devices.c.expires_at > now)).first() is not None


def _wait(connection: sa.Connection, which: sa.ColumnElement[bool], free: Any, now: datetime) -> float:
    """Seconds still to wait after the failures ``which`` selects."""
    count, last = connection.execute(
        sa.select(sa.func.count(), sa.func.max(sign_in_failures.c.at)).where(which)).one()
    if not count:
        return 0.0
    return throttle.wait_s(failures=count, free=free.value, since_last_s=(now - last).total_seconds())


def _lock_key(text: str) -> int:
    """A signed 64-bit advisory lock key for a username."""
    return int.from_bytes(hashlib.sha256(b"sign-in:" + text.encode()).digest()[:8], "big", signed=True)


def _insert_attempt(connection: sa.Connection, account_id: int, values: Mapping[str, Any]) -> None:
    connection.execute(quiz_attempts.insert(), {"account_id": account_id, **values})


def _account(row: Any) -> Account:
    return Account(row.id, row.username, row.display_name, row.role)


def _attempt(row: Any) -> QuizAttempt:
    answers = {question: frozenset(picked) for question, picked in json.loads(row.answers).items()}
    return QuizAttempt(row.lesson_id, answers, row.correct, row.total, row.at)


def _group_query(*extra: Any) -> sa.Select[Any]:
    trainer = accounts.alias("trainer")
    return (sa.select(groups, trainer.c.display_name.label("trainer_name"), *extra)
            .join(trainer, trainer.c.id == groups.c.trainer_id))


def _group_by_code(connection: sa.Connection, code: str) -> Any:
    row = connection.execute(_group_query().where(groups.c.join_code == code)).first()
    if row is None:
        raise InvalidInput("join_code", "No group has that join code. Check it with your trainer.")
    return row


def _open_group_by_code(connection: sa.Connection, code: str) -> Any:
    row = _group_by_code(connection, code)
    if row.closed_at is not None:
        raise InvalidInput("join_code", GROUP_CLOSED)
    return row


def _member_counts() -> sa.Subquery:
    return (sa.select(memberships.c.group_id, sa.func.count().label("members"))
            .group_by(memberships.c.group_id).subquery())


def _group(row: Any, member_count: int | None = None) -> Group:
    return Group(row.id, row.title, row.join_code, row.trainer_id, row.trainer_name, row.created_at, member_count,
                 row.closed_at)


def _submission(row: Any) -> Submission:
    return Submission(row.id, row.assignment_id, row.member_id, row.self_check_id, row.at, row.outcome, row.verdict)


def _load_members(connection: sa.Connection, group_id: int, member_id: int | None = None) -> list[Member]:
    query = (sa.select(accounts.c.id, accounts.c.username, accounts.c.display_name, memberships.c.joined_at)
             .join(memberships, memberships.c.member_id == accounts.c.id)
             .where(memberships.c.group_id == group_id))
    if member_id is not None:
        query = query.where(accounts.c.id == member_id)
    members = [Member(row.id, row.username, row.display_name, row.joined_at) for row in connection.execute(query)]
    return sorted(members, key=lambda member: (member.display_name.casefold(), member.id))


def _load_assignments(connection: sa.Connection, group_ids: sa.Select[Any]) -> list[Assignment]:
    """The assignments of the groups ``group_ids`` selects, by due date, with their lessons."""
    rows = connection.execute(
        sa.select(assignments, groups.c.title.label("group_title"))
        .join(groups, groups.c.id == assignments.c.group_id)
        .where(assignments.c.group_id.in_(group_ids))
        .order_by(assignments.c.due, assignments.c.id)).all()
    tasks: dict[tuple[int, str], list[str]] = defaultdict(list)
    if rows:
        for task in connection.execute(
                sa.select(assignment_lessons)
                .where(assignment_lessons.c.assignment_id.in_([row.id for row in rows]))
                .order_by(assignment_lessons.c.position)):
            tasks[(task.assignment_id, task.task)].append(task.lesson_id)
    return [Assignment(row.id, row.group_id, row.group_title, row.title, row.due,
                       tuple(tasks[(row.id, "read")]), tuple(tasks[(row.id, "quiz")]),
                       row.pass_fraction, bool(row.self_check), row.note, row.created_at)
            for row in rows]


class _Work:
    """What a set of members has done, loaded in three queries: lessons read, quiz scores
    (each distinct score once, with how often it was reached) and submissions."""

    def __init__(self) -> None:
        self.read: dict[int, frozenset[str]] = defaultdict(frozenset)
        self.scores: dict[int, dict[str, list[tuple[int, int, int]]]] = defaultdict(lambda: defaultdict(list))
        self.submissions: dict[tuple[int, int], Submission] = {}

    def passed(self, member_id: int, lesson_id: str, fraction: float) -> bool:
        """Whether the best attempt reached ``fraction`` of the questions (rounded up, as
        ``course.progress.questions_to_pass`` does)."""
        return any(correct >= math.ceil(fraction * total - _EPS)
                   for correct, total, _ in self.scores[member_id].get(lesson_id, ()))

    def best(self, member_id: int) -> dict[str, QuizBest]:
        found = {}
        for lesson_id, scores in self.scores[member_id].items():
            correct, total, _ = max(scores, key=lambda s: (s[0] / s[1], s[0]))
            found[lesson_id] = QuizBest(correct, total, sum(count for _, _, count in scores))
        return found


def _load_work(connection: sa.Connection, member_ids: sa.Select[Any], assignment_ids: list[int]) -> _Work:
    work = _Work()
    read: dict[int, set[str]] = defaultdict(set)
    for row in connection.execute(
            sa.select(lessons_read.c.account_id, lessons_read.c.lesson_id)
            .where(lessons_read.c.account_id.in_(member_ids))):
        read[row.account_id].add(row.lesson_id)
    work.read.update({member: frozenset(lessons) for member, lessons in read.items()})
    for row in connection.execute(
            sa.select(quiz_attempts.c.account_id, quiz_attempts.c.lesson_id, quiz_attempts.c.correct,
                      quiz_attempts.c.total, sa.func.count().label("attempts"))
            .where(quiz_attempts.c.account_id.in_(member_ids))
            .group_by(quiz_attempts.c.account_id, quiz_attempts.c.lesson_id, quiz_attempts.c.correct,
                      quiz_attempts.c.total)):
        work.scores[row.account_id][row.lesson_id].append((row.correct, row.total, row.attempts))
    if assignment_ids:
        for row in connection.execute(
                sa.select(submissions, self_checks.c.outcome, self_checks.c.verdict)
                .join(self_checks, self_checks.c.id == submissions.c.self_check_id)
                .where(submissions.c.assignment_id.in_(assignment_ids),
                       submissions.c.member_id.in_(member_ids))):
            work.submissions[(row.assignment_id, row.member_id)] = _submission(row)
    return work


def _is_done(assignment: Assignment, work: _Work, member_id: int) -> bool:
    return (set(assignment.lesson_ids) <= work.read[member_id]
            and all(work.passed(member_id, lesson, assignment.pass_fraction) for lesson in assignment.quiz_lesson_ids)
            and (not assignment.self_check or (assignment.id, member_id) in work.submissions))


def _parts_done(assignment: Assignment, work: _Work, member_id: int) -> frozenset[Part]:
    return frozenset(
        part for part in assignment.parts
        if (part.task == "read" and part.lesson_id in work.read[member_id])
        or (part.task == "quiz" and work.passed(member_id, part.lesson_id, assignment.pass_fraction))
        or (part.task == "self_check" and (assignment.id, member_id) in work.submissions))


def _homework_fields(title: str, due: date, lesson_ids: Sequence[str], quiz_lesson_ids: Sequence[str],
                     pass_fraction: float, self_check: bool, note: str) -> dict[str, Any]:
    """A homework's fields, checked. Raises InvalidInput naming the field."""
    fields = {
        "title": validate.text(title, field="title", label="The homework's title", rule=rules.ASSIGNMENT_TITLE),
        "due": validate.due_date(due),
        "read": validate.lesson_ids(lesson_ids, field="lesson_ids"),
        "quizzes": validate.lesson_ids(quiz_lesson_ids, field="quiz_lesson_ids"),
        "pass_fraction": validate.fraction(pass_fraction),
    }
    if not isinstance(self_check, bool):
        raise InvalidInput("self_check", "Say whether the homework asks for a self-check (yes or no).")
    fields["self_check"] = self_check
    fields["note"] = validate.text(note, field="note", label="The note", rule=rules.ASSIGNMENT_NOTE, multiline=True)
    if not (fields["read"] or fields["quizzes"] or self_check):
        raise InvalidInput("lesson_ids", "Homework needs at least one thing to do: a lesson to read, "
                                         "a quiz to pass or a self-check.")
    return fields


def _columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in ("title", "due", "pass_fraction", "self_check", "note")}


def _write_parts(connection: sa.Connection, assignment_id: int, fields: Mapping[str, Any]) -> None:
    tasks = [{"assignment_id": assignment_id, "task": task, "lesson_id": lesson, "position": position}
             for task, lessons in (("read", fields["read"]), ("quiz", fields["quizzes"]))
             for position, lesson in enumerate(lessons)]
    if tasks:
        connection.execute(assignment_lessons.insert(), tasks)


def _drop_membership(connection: sa.Connection, group_id: int, member_id: int) -> None:
    """A member out of a group, whoever asked: their hand-ins to its homework, the feedback on
    them and its replies go with the membership."""
    homework = sa.select(assignments.c.id).where(assignments.c.group_id == group_id)
    handed_in = sa.select(submissions.c.id).where(
        submissions.c.member_id == member_id, submissions.c.assignment_id.in_(homework))
    notes = sa.select(feedback.c.id).where(feedback.c.submission_id.in_(handed_in))
    connection.execute(feedback_replies.delete().where(feedback_replies.c.feedback_id.in_(notes)))
    connection.execute(feedback.delete().where(feedback.c.submission_id.in_(handed_in)))
    connection.execute(submissions.delete().where(submissions.c.id.in_(handed_in)))
    connection.execute(memberships.delete().where(
        memberships.c.group_id == group_id, memberships.c.member_id == member_id))


def _load_feedback(connection: sa.Connection, where: sa.ColumnElement[bool]) -> list[Feedback]:
    trainer = accounts.alias("trainer")
    rows = connection.execute(
        sa.select(feedback, submissions.c.assignment_id, assignments.c.title,
                  trainer.c.display_name.label("trainer_name"))
        .join(submissions, submissions.c.id == feedback.c.submission_id)
        .join(assignments, assignments.c.id == submissions.c.assignment_id)
        .join(trainer, trainer.c.id == feedback.c.trainer_id)
        .where(where).order_by(feedback.c.at.desc(), feedback.c.id.desc()))
    rows = rows.all()
    author = accounts.alias("author")
    thread: dict[int, list[Reply]] = defaultdict(list)
    if rows:
        for reply in connection.execute(
                sa.select(feedback_replies, author.c.display_name)
                .join(author, author.c.id == feedback_replies.c.author_id)
                .where(feedback_replies.c.feedback_id.in_([row.id for row in rows]))
                .order_by(feedback_replies.c.at, feedback_replies.c.id)):
            thread[reply.feedback_id].append(Reply(reply.id, reply.feedback_id, reply.author_id,
                                                   reply.display_name, reply.text, reply.at))
    return [Feedback(row.id, row.submission_id, row.assignment_id, row.title, row.trainer_id, row.trainer_name,
                     row.self_check_id, row.text, row.at, tuple(thread[row.id])) for row in rows]
