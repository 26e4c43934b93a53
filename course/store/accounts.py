"""The store's accounts: signing up and in, sessions and their end, changing or resetting a
password, recovery and reset codes, downloading and deleting an account."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError

from course.store import access_codes, account_data, passwords, rules, throttle, validate
from course.store.core import StoreCore, account_record
from course.store.errors import (
    InvalidInput,
    SignInThrottled,
    UsernameTaken,
    WrongCredentials,
)
from course.store.records import (
    Account,
)
from course.store.schema import access_codes as access_codes_table
from course.store.schema import (
    accounts,
    known_devices,
    sessions,
    sign_in_failures,
)

CODE_DOESNT_WORK = (
    "That code doesn't work for this username: check both, or the code may be used up or "
    "expired. Your trainer can make you a new one."
)


class AccountsPart(StoreCore):
    """Accounts: signing up and in, sessions, the owner's own account, and getting back in."""

    # --- accounts ----------------------------------------------------------------------------

    def sign_up(
        self, username: str, password: str, *, display_name: str, role: Literal["member", "trainer"]
    ) -> Account:
        """Make an account. Raises InvalidInput (naming the field) or UsernameTaken."""
        username = validate.username(username)
        display_name = validate.text(
            display_name, field="display_name", label="Your name", rule=rules.DISPLAY_NAME, strip=False
        )
        password = passwords.checked_new(password, username=username, display_name=display_name)
        role = validate.role(role)
        password_hash = self._hasher.hash(password)  # slow on purpose: outside the transaction
        try:
            with self._writing() as connection:
                account_id = connection.execute(
                    accounts.insert().returning(accounts.c.id),
                    {
                        "username": username,
                        "username_key": validate.username_key(username),
                        "display_name": display_name,
                        "role": role,
                        "password_hash": password_hash,
                        "created_at": self._now(),
                    },
                ).scalar_one()
        except sa.exc.IntegrityError:
            raise UsernameTaken() from None
        return Account(account_id, username, display_name, role)

    def sign_in(self, username: str, password: str, *, client: str | None = None, device: str | None = None) -> Account:
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
        return account_record(self._authenticate(key, password, client=client, device=device))

    def remember_device(self, account: Account, device: str | None = None) -> str:
        """Make this browser a known device of ``account`` after it signed in: its token
        (``device`` when it already has a well-formed one, else a new one) for a cookie that
        lasts KNOWN_DEVICE_LIFETIME. Only the token's SHA-256 is stored."""
        if not (isinstance(device, str) and re.fullmatch(r"[A-Za-z0-9_-]{43}", device)):
            device = secrets.token_urlsafe(int(rules.SESSION_TOKEN_BYTES.value))
        now = self._now()
        values = {
            "token_sha256": _token_hash(device),
            "account_id": account.id,
            "expires_at": now + timedelta(days=rules.KNOWN_DEVICE_LIFETIME.value),
        }
        with self._writing() as connection:
            self._actor(connection, account)
            connection.execute(known_devices.delete().where(known_devices.c.expires_at <= now))
            statement = self._insert(known_devices).values(**values)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[known_devices.c.token_sha256, known_devices.c.account_id],
                    set_={"expires_at": statement.excluded.expires_at},
                )
            )
        return device

    def _authenticate(self, key: str, password: object, *, client: str | None, device: str | None) -> Any:
        """The account row whose lower-cased username is ``key``, when ``password`` is its
        password; the throttle first (see ``sign_in``)."""
        row = self._counted_try(key, client=client, device=device)
        if row is None:
            self._verify(self._dummy(), password)  # the same work as for a real account
            raise WrongCredentials()
        matched = self._verify(row.password_hash, password)
        if matched is None or not isinstance(password, str):  # (never a str when not matched)
            raise WrongCredentials()
        with self._writing() as connection:
            _forgive(connection, key)
            if matched != "normalised" or self._hasher.check_needs_rehash(row.password_hash):
                connection.execute(
                    accounts.update().where(accounts.c.id == row.id),
                    {"password_hash": self._hasher.hash(passwords.normalised(password))},
                )
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
            connection.execute(
                sign_in_failures.delete().where(
                    sign_in_failures.c.at <= now - timedelta(hours=rules.FAILURE_MEMORY.value)
                )
            )
            row = connection.execute(sa.select(accounts).where(accounts.c.username_key == key)).first()
            known = row is not None and _is_known_device(connection, row.id, device, now)
            source: str | None
            if known:
                source, free_from_source = _token_hash(f"device:{device}"), rules.SIGN_IN_FREE_TRIES_PER_USERNAME
            else:
                source = _token_hash(f"client:{client}") if isinstance(client, str) and client else None
                free_from_source = rules.SIGN_IN_FREE_TRIES_PER_CLIENT
                wait = _wait(
                    connection, sign_in_failures.c.username_sha256 == user, rules.SIGN_IN_FREE_TRIES_PER_USERNAME, now
                )
            if source is not None:
                wait = max(wait, _wait(connection, sign_in_failures.c.client_sha256 == source, free_from_source, now))
            if wait <= 0:
                connection.execute(
                    sign_in_failures.insert(), {"username_sha256": user, "client_sha256": source, "at": now}
                )
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
            connection.execute(
                sessions.delete().where(
                    sa.or_(sessions.c.expires_at <= now, sessions.c.last_seen_at <= now - _idle_timeout())
                )
            )
            if isinstance(replacing, str) and replacing:
                connection.execute(sessions.delete().where(sessions.c.token_sha256 == _token_hash(replacing)))
            connection.execute(
                sessions.insert(),
                {
                    "token_sha256": _token_hash(token),
                    "account_id": account.id,
                    "created_at": now,
                    "expires_at": now + timedelta(hours=rules.SESSION_LIFETIME.value),
                    "last_seen_at": now,
                },
            )
        return token

    def account_for_session(self, token: str) -> Account | None:
        """The account signed in with ``token``, or None when it is unknown, ended, expired or
        unused for longer than SESSION_IDLE_TIMEOUT. Each call counts as a use (written at most
        once every SESSION_TOUCH_INTERVAL; not at all when the store is read-only)."""
        if not isinstance(token, str) or not token:
            return None
        now = self._now()
        live = sa.and_(
            sessions.c.token_sha256 == _token_hash(token),
            sessions.c.expires_at > now,
            sessions.c.last_seen_at > now - _idle_timeout(),
        )
        with self._reading() as connection:
            row = connection.execute(
                sa.select(accounts, sessions.c.last_seen_at)
                .join(sessions, sessions.c.account_id == accounts.c.id)
                .where(live)
            ).first()
        if row is None:
            return None
        if not self.read_only and now - row.last_seen_at >= timedelta(seconds=rules.SESSION_TOUCH_INTERVAL.value):
            with self._writing() as connection:
                touched = connection.execute(sessions.update().where(live).values(last_seen_at=now)).rowcount
            if not touched:  # ended by another tab in between
                return None
        return account_record(row)

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

    def change_password(
        self,
        actor: Account,
        current: str,
        new: str,
        *,
        keep_session: str | None = None,
        client: str | None = None,
        device: str | None = None,
    ) -> None:
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
            connection.execute(
                sessions.delete().where(sessions.c.account_id == actor.id, sessions.c.token_sha256 != kept_session)
            )
            connection.execute(
                known_devices.delete().where(
                    known_devices.c.account_id == actor.id, known_devices.c.token_sha256 != kept_device
                )
            )
            connection.execute(
                access_codes_table.delete().where(
                    access_codes_table.c.account_id == actor.id, access_codes_table.c.kind == "reset"
                )
            )

    def delete_account(
        self, actor: Account, password: str, *, client: str | None = None, device: str | None = None
    ) -> None:
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

    def new_recovery_codes(self, actor: Account) -> tuple[str, ...]:
        """RECOVERY_CODE_COUNT fresh recovery codes for the actor, each good for one password reset
        (``reset_password``); the earlier ones stop working. Only their hashes are stored, so
        they are shown once: to print or keep somewhere safe."""
        now = self._now()
        codes = tuple(access_codes.new_code() for _ in range(int(rules.RECOVERY_CODE_COUNT.value)))
        with self._writing() as connection:
            self._actor(connection, actor)
            connection.execute(
                access_codes_table.delete().where(
                    access_codes_table.c.account_id == actor.id, access_codes_table.c.kind == "recovery"
                )
            )
            connection.execute(
                access_codes_table.insert(),
                [
                    {
                        "account_id": actor.id,
                        "kind": "recovery",
                        "created_at": now,
                        "expires_at": None,
                        "code_sha256": access_codes.new_code_hash(code),
                    }
                    for code in codes
                ],
            )
        return codes

    def recovery_codes_left(self, actor: Account) -> int:
        """How many of the actor's recovery codes are still unused."""
        with self._reading() as connection:
            self._actor(connection, actor)
            return connection.execute(
                sa.select(sa.func.count())
                .select_from(access_codes_table)
                .where(access_codes_table.c.account_id == actor.id, access_codes_table.c.kind == "recovery")
            ).scalar_one()

    def reset_password(
        self, username: str, code: str, new_password: str, *, client: str | None = None, device: str | None = None
    ) -> Account:
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
            sa.or_(access_codes_table.c.expires_at.is_(None), access_codes_table.c.expires_at > now),
        )
        with self._reading() as connection:
            found = connection.execute(sa.select(access_codes_table.c.id).where(usable)).first()
        if row is None or found is None:
            raise InvalidInput("code", CODE_DOESNT_WORK)
        chosen = passwords.checked_new(new_password, username=row.username, display_name=row.display_name)
        password_hash = self._hasher.hash(chosen)  # slow on purpose: outside the transaction
        with self._writing() as connection:
            if not connection.execute(
                access_codes_table.delete().where(access_codes_table.c.id == found.id, usable)
            ).rowcount:
                raise InvalidInput("code", CODE_DOESNT_WORK)  # used a moment ago, in another tab
            connection.execute(
                access_codes_table.delete().where(
                    access_codes_table.c.account_id == row.id, access_codes_table.c.kind == "reset"
                )
            )
            connection.execute(accounts.update().where(accounts.c.id == row.id), {"password_hash": password_hash})
            connection.execute(sessions.delete().where(sessions.c.account_id == row.id))
            connection.execute(known_devices.delete().where(known_devices.c.account_id == row.id))
            _forgive(connection, key)
        return account_record(row)

    def _owner(self, actor: Account, password: str, *, client: str | None, device: str | None, field: str) -> Any:
        """The actor's account row, once ``password`` proves it is theirs."""
        with self._reading() as connection:
            self._actor(connection, actor)
            key = connection.execute(sa.select(accounts.c.username_key).where(accounts.c.id == actor.id)).scalar_one()
        try:
            return self._authenticate(key, password, client=client, device=device)
        except WrongCredentials:
            raise InvalidInput(field, "That isn't your password. Type the one you sign in with.") from None


def _idle_timeout() -> timedelta:
    return timedelta(minutes=rules.SESSION_IDLE_TIMEOUT.value)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _forgive(connection: sa.Connection, username_key: str) -> None:
    """A right password (or code) for this username: its failures no longer count."""
    connection.execute(
        sign_in_failures.delete().where(sign_in_failures.c.username_sha256 == account_data.username_hash(username_key))
    )


def _is_known_device(connection: sa.Connection, account_id: int, device: object, now: datetime) -> bool:
    if not isinstance(device, str) or not device:
        return False
    return (
        connection.execute(
            sa.select(known_devices.c.account_id).where(
                known_devices.c.token_sha256 == _token_hash(device),
                known_devices.c.account_id == account_id,
                known_devices.c.expires_at > now,
            )
        ).first()
        is not None
    )


def _wait(connection: sa.Connection, which: sa.ColumnElement[bool], free: Any, now: datetime) -> float:
    """Seconds still to wait after the failures ``which`` selects."""
    count, last = connection.execute(sa.select(sa.func.count(), sa.func.max(sign_in_failures.c.at)).where(which)).one()
    if not count:
        return 0.0
    return throttle.wait_s(failures=count, free=free.value, since_last_s=(now - last).total_seconds())


def _lock_key(text: str) -> int:
    """A signed 64-bit advisory lock key for a username."""
    return int.from_bytes(hashlib.sha256(b"sign-in:" + text.encode()).digest()[:8], "big", signed=True)
