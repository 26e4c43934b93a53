"""The store on SQLite and PostgreSQL: accounts, sign-in, sessions, progress, self-checks,
groups, homework, the trainer's dashboard. Access rules: test_store_access.py; opening,
migrations and concurrency: test_store_database.py."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from course.analysis.report import refused
from course.content import load_course
from course.progress import QuizAttempt, SessionProgress, lesson_statuses, next_lesson
from course.store import (
    InvalidInput,
    NotAllowed,
    SignInThrottled,
    StoreError,
    UsernameTaken,
    WrongCredentials,
    open_store,
    rules,
    throttle,
)
from course.store import learning as learning_module
from tests.content_factory import write_course
from tests.store.helpers import (
    FAST_HASHER,
    PASSWORD,
    START,
    attempt,
    build_gym,
    member,
    report,
    trainer,
)

UTC = UTC


def rows(store, table: str) -> list[dict]:
    """Every row of a table, read behind the store's back (what an attacker with a copy sees)."""
    with store._engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.text(f"SELECT * FROM {table}"))]


# --- accounts --------------------------------------------------------------------------------


def test_sign_in_finds_the_account_whatever_the_case_of_the_username(store):
    amy = store.sign_up("Amy.K", PASSWORD, display_name="Amy K", role="member")
    assert store.sign_in("amy.k", PASSWORD) == amy
    assert store.sign_in("AMY.K", PASSWORD) == amy
    assert amy.username == "Amy.K" and amy.role == "member" and not amy.is_trainer


def test_usernames_are_unique_ignoring_case(store):
    store.sign_up("amy", PASSWORD, display_name="Amy", role="member")
    with pytest.raises(UsernameTaken) as taken:
        store.sign_up("AMY", "another password", display_name="Other Amy", role="trainer")
    assert taken.value.field == "username" and "taken" in str(taken.value)
    assert len(rows(store, "accounts")) == 1


@pytest.mark.parametrize(
    "field,kwargs",
    [
        ("username", {"username": "ab"}),
        ("username", {"username": "a" * 41}),
        ("username", {"username": "amy k"}),
        ("username", {"username": "аmy"}),  # noqa: RUF001 -- Cyrillic a on purpose: looks like amy
        ("username", {"username": "amy<script>"}),
        ("password", {"password": "seven77"}),
        ("password", {"password": "x" * 257}),
        ("password", {"password": "password"}),
        ("password", {"password": "12345678"}),
        ("password", {"password": " " * 8}),
        ("password", {"password": "amy12345"}),  # the username
        ("display_name", {"display_name": ""}),
        ("display_name", {"display_name": "   "}),
        ("display_name", {"display_name": "x" * 61}),
        ("display_name", {"display_name": "Amy\nAdmin"}),
        ("display_name", {"display_name": "Amy \u202enimda"}),  # shows as "Amy admin"
        ("display_name", {"display_name": "Am\u200by"}),  # a zero-width space: looks like "Amy"
        ("display_name", {"display_name": "\u3164"}),  # a filler: a name that shows as nothing
        ("role", {"role": "admin"}),
    ],
)
def test_a_bad_sign_up_field_is_named_in_the_error(store, field, kwargs):
    values = {"username": "amy", "password": PASSWORD, "display_name": "Amy", "role": "member"} | kwargs
    with pytest.raises(InvalidInput) as bad:
        store.sign_up(values.pop("username"), values.pop("password"), **values)
    assert bad.value.field == field
    assert isinstance(bad.value, ValueError) and str(bad.value).endswith(".")
    assert rows(store, "accounts") == []


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert('hi')</script>",
        "Robert'); DROP TABLE accounts;--",
        "**Amy** _the_ [lifter](x)",
        "Zoë 💪 O'Brien",
        "%s %(name)s {0}",
    ],
)
def test_display_names_are_kept_exactly_as_typed(store, name):
    account = store.sign_up("amy", PASSWORD, display_name=name, role="member")
    assert account.display_name == name
    assert store.sign_in("amy", PASSWORD).display_name == name
    assert [row["display_name"] for row in rows(store, "accounts")] == [name]


def test_wrong_password_and_unknown_username_get_the_same_message(store):
    store.sign_up("amy", PASSWORD, display_name="Amy", role="member")
    with pytest.raises(WrongCredentials) as wrong_password:
        store.sign_in("amy", "not the password")
    with pytest.raises(WrongCredentials) as unknown:
        store.sign_in("nobody", PASSWORD)
    assert str(wrong_password.value) == str(unknown.value)
    assert "don't match" in str(unknown.value)


def test_passwords_are_stored_only_as_argon2id_hashes(store):
    amy = member(store, "amy")
    store.sign_in("amy", PASSWORD)
    store.start_session(amy)
    everything = " ".join(
        str(value)
        for table in ("accounts", "sessions", "sign_in_failures")
        for row in rows(store, table)
        for value in row.values()
    )
    assert PASSWORD not in everything
    assert rows(store, "accounts")[0]["password_hash"].startswith("$argon2id$")


def test_no_password_reaches_any_log_even_with_sql_logging_on(store, caplog):
    import logging

    caplog.set_level(logging.DEBUG)  # every logger, SQLAlchemy's statements and parameters included
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    try:
        member(store, "amy")
        store.sign_in("amy", PASSWORD)
        with pytest.raises(WrongCredentials):
            store.sign_in("amy", "a wrong one typed")
        with pytest.raises(InvalidInput):
            store.sign_up("bo", "short", display_name="Bo", role="member")
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert caplog.records, "the SQL logging this test relies on was not captured"
    for secret in (PASSWORD, "a wrong one typed", "short"):
        assert secret not in caplog.text


def test_an_accounts_repr_shows_no_password_hash(store):
    amy = member(store, "amy")
    assert "argon2" not in repr(amy) and PASSWORD not in repr(amy)
    assert not hasattr(amy, "password_hash")


def test_old_hashes_are_upgraded_when_signing_in(database_url, clock):
    with open_store(database_url, clock=clock, hasher=FAST_HASHER) as cheap:
        member(cheap, "amy")
        assert "m=8,t=1,p=1" in rows(cheap, "accounts")[0]["password_hash"]
    with open_store(database_url, clock=clock) as default:  # argon2-cffi's defaults
        default.sign_in("amy", PASSWORD)
        upgraded = rows(default, "accounts")[0]["password_hash"]
        assert upgraded.startswith("$argon2id$") and "m=65536,t=3,p=4" in upgraded
        assert default.sign_in("amy", PASSWORD).username == "amy"


def test_a_password_signs_in_however_its_accents_were_typed(store):
    store.sign_up("zoe", "caf\u00e9 au lait", display_name="Zoë", role="member")  # é as one character
    assert store.sign_in("zoe", "cafe\u0301 au lait").username == "zoe"  # e, then the accent


def test_a_password_hashed_before_normalisation_still_signs_in_and_is_rehashed_normalised(store):
    zoe = store.sign_up("zoe", "a different password", display_name="Zoë", role="member")
    typed = "cafe\u0301 au lait"  # as an older version stored it: not normalised
    with store._engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE accounts SET password_hash = :h WHERE id = :id"),
            {"h": FAST_HASHER.hash(typed), "id": zoe.id},
        )
    assert store.sign_in("zoe", typed) == zoe
    [account] = rows(store, "accounts")
    assert FAST_HASHER.verify(account["password_hash"], "caf\u00e9 au lait")
    assert store.sign_in("zoe", "caf\u00e9 au lait") == zoe


# --- sign-in throttling ------------------------------------------------------------------------

FREE = int(rules.SIGN_IN_FREE_TRIES_PER_USERNAME.value)
FREE_PER_CLIENT = int(rules.SIGN_IN_FREE_TRIES_PER_CLIENT.value)
LONGEST_S = rules.THROTTLE_LONGEST_WAIT.value * 60


def fail(store, username: str = "amy", times: int = 1, **where) -> None:
    for _ in range(times):
        with pytest.raises(WrongCredentials):
            store.sign_in(username, "wrong password", **where)


def waited(store, clock, username: str = "amy", **where) -> float:
    """How long a try at ``username`` is told to wait (0 when it is let through to fail)."""
    try:
        store.sign_in(username, "wrong password", **where)
    except SignInThrottled as throttled:
        return throttled.retry_after_s
    except WrongCredentials:
        return 0.0
    raise AssertionError("a wrong password signed in")


def guess_until_the_longest_wait(store, clock, username: str = "amy", **where) -> int:
    """Guess as fast as the throttle lets anyone, until it asks for the longest wait."""
    guesses = 0
    while (wait := waited(store, clock, username, **where)) < LONGEST_S:
        guesses += wait == 0
        clock.advance(seconds=wait)
    return guesses


@pytest.mark.parametrize(
    "failures,since_last_s,wait",
    [
        (0, 0, 0),
        (4, 0, 0),
        (5, 0, 1),
        (5, 0.4, 0.6),
        (6, 0, 2),
        (7, 1, 3),
        (14, 0, 512),
        (15, 0, 900),
        (10**6, 0, 900),
    ],
)
def test_the_wait_doubles_after_the_free_tries_up_to_fifteen_minutes(failures, since_last_s, wait):
    assert throttle.wait_s(failures=failures, free=5, since_last_s=since_last_s) == pytest.approx(wait)


def test_after_five_failures_each_try_waits_twice_as_long_as_the_last(store, clock):
    member(store, "amy")
    fail(store, times=FREE)
    waits = []
    for _ in range(4):
        waits.append(waited(store, clock))
        clock.advance(seconds=waits[-1])
        fail(store)
    assert waits == [1, 2, 4, 8]
    with pytest.raises(SignInThrottled) as throttled:
        store.sign_in("amy", PASSWORD)  # even the right password waits
    assert throttled.value.retry_after_s == 16 and "wait 16 seconds" in str(throttled.value)
    clock.advance(seconds=16)
    assert store.sign_in("amy", PASSWORD).username == "amy"


def test_a_throttled_try_does_not_even_check_the_password(store, monkeypatch):
    member(store, "amy")
    fail(store, times=FREE)
    checked = []
    monkeypatch.setattr(PasswordHasher, "verify", lambda *args: checked.append(args) or True)
    with pytest.raises(SignInThrottled):
        store.sign_in("amy", PASSWORD)
    assert checked == []


def test_guessing_never_locks_anyone_out_for_longer_than_the_longest_wait(store, clock):
    member(store, "amy")
    guesses = guess_until_the_longest_wait(store, clock)
    assert guesses == FREE + 10
    for _ in range(3):  # the wait stops growing
        assert waited(store, clock) == LONGEST_S
        clock.advance(seconds=LONGEST_S)
        fail(store)
    clock.advance(seconds=LONGEST_S)
    assert store.sign_in("amy", PASSWORD).username == "amy", "after the wait, the owner's right password works"


def test_the_owner_on_a_device_that_signed_in_before_is_never_slowed_by_someone_elses_guessing(store, clock):
    amy = member(store, "amy")
    phone = store.remember_device(amy)
    guess_until_the_longest_wait(store, clock, client="203.0.113.9")
    assert store.sign_in("amy", PASSWORD, device=phone, client="198.51.100.7") == amy
    guess_until_the_longest_wait(store, clock, client="203.0.113.9")
    with pytest.raises(SignInThrottled):
        store.sign_in("amy", PASSWORD, client="198.51.100.7")  # a new phone waits, but not for ever


def test_a_known_device_is_slowed_by_its_own_wrong_passwords(store, clock):
    amy = member(store, "amy")
    phone = store.remember_device(amy)
    fail(store, times=FREE, device=phone)
    assert waited(store, clock, device=phone) == 1


def test_a_device_known_to_another_account_is_a_stranger_here(store, clock):
    amy, ben = member(store, "amy"), member(store, "ben")
    bens_phone = store.remember_device(ben)
    guess_until_the_longest_wait(store, clock)
    with pytest.raises(SignInThrottled):
        store.sign_in("amy", PASSWORD, device=bens_phone)
    assert store.remember_device(amy, bens_phone) == bens_phone, "a shared tablet: one token, both accounts"
    assert store.sign_in("amy", PASSWORD, device=bens_phone) == amy


def test_a_known_device_stops_being_known_after_its_lifetime(store, clock):
    amy = member(store, "amy")
    phone = store.remember_device(amy)
    clock.advance(days=rules.KNOWN_DEVICE_LIFETIME.value, seconds=1)
    guess_until_the_longest_wait(store, clock)
    with pytest.raises(SignInThrottled):
        store.sign_in("amy", PASSWORD, device=phone)


def test_one_client_guessing_at_many_usernames_is_slowed_and_others_are_not(store, clock):
    member(store, "amy")
    for n in range(FREE_PER_CLIENT):
        fail(store, f"someone{n}", client="203.0.113.9")
    assert waited(store, clock, "amy", client="203.0.113.9") == 1
    assert store.sign_in("amy", PASSWORD, client="198.51.100.7").username == "amy"


def test_a_members_own_typos_from_a_shared_network_are_forgiven_when_they_sign_in(store, clock):
    member(store, "amy")
    gym_wifi = "192.0.2.1"
    for n in range(FREE_PER_CLIENT - 2):
        fail(store, f"member{n}", client=gym_wifi)
    fail(store, "amy", client=gym_wifi)
    store.sign_in("amy", PASSWORD, client=gym_wifi)
    fail(store, "ben", client=gym_wifi)
    assert waited(store, clock, "cal", client=gym_wifi) == 0, "amy's typo no longer counts against the gym"
    assert waited(store, clock, "dee", client=gym_wifi) > 0, "and now the gym's free tries are used up"


def test_signing_in_clears_earlier_failures(store):
    member(store, "amy")
    fail(store, times=FREE - 1)
    store.sign_in("amy", PASSWORD)
    fail(store, times=FREE - 1)
    assert store.sign_in("amy", PASSWORD).username == "amy"


def test_unknown_usernames_are_slowed_the_same_way(store, clock):
    fail(store, "ghost", times=FREE)
    assert waited(store, clock, "ghost") == 1


def test_the_wait_holds_on_every_server_sharing_the_database(database_url, clock):
    with (
        open_store(database_url, clock=clock, hasher=FAST_HASHER) as one,
        open_store(database_url, clock=clock, hasher=FAST_HASHER) as two,
    ):
        member(one, "amy")
        fail(one, "AMY", times=3)
        fail(two, "amy", times=2)
        with pytest.raises(SignInThrottled):
            one.sign_in("amy", PASSWORD)
        with pytest.raises(SignInThrottled):
            two.sign_in("Amy", PASSWORD)


def test_the_wait_is_per_username(store):
    member(store, "amy")
    member(store, "ben")
    fail(store, "amy", times=FREE)
    assert store.sign_in("ben", PASSWORD).username == "ben"


def test_failures_are_forgotten_after_a_day_and_leave_no_rows(store, clock):
    member(store, "amy")
    for n in range(200):
        fail(store, f"made-up-{n}")
    assert len(rows(store, "sign_in_failures")) == 200
    clock.advance(hours=rules.FAILURE_MEMORY.value, seconds=1)
    store.sign_in("amy", PASSWORD)
    assert rows(store, "sign_in_failures") == []


def test_what_was_typed_as_a_username_is_kept_only_as_a_hash(store):
    fail(store, "my password is hunter2", client="203.0.113.9")
    [row] = rows(store, "sign_in_failures")
    kept = " ".join(str(value) for value in row.values())
    assert "hunter2" not in kept and "203.0.113.9" not in kept


# --- sessions --------------------------------------------------------------------------------


def test_a_session_token_signs_in_the_account_it_was_made_for(store):
    amy, ben = member(store, "amy"), member(store, "ben")
    token = store.start_session(amy)
    assert len(token) >= 43 and store.account_for_session(token) == amy != ben


def test_an_ended_session_no_longer_signs_in(store):
    amy = member(store, "amy")
    token, other = store.start_session(amy), store.start_session(amy)
    store.end_session(token)
    assert store.account_for_session(token) is None
    assert store.account_for_session(other) == amy  # another device stays signed in
    store.end_session(token)  # again: nothing to do


@pytest.mark.parametrize("token", ["", "made-up-token", "x" * 43, None, 12345])
def test_an_unknown_token_signs_no_one_in(store, token):
    member(store, "amy")
    assert store.account_for_session(token) is None


def test_only_the_tokens_sha256_is_stored(store):
    amy = member(store, "amy")
    token = store.start_session(amy)
    [session] = rows(store, "sessions")
    assert session["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in " ".join(str(value) for value in session.values())


def test_expired_sessions_are_cleared_when_a_new_one_starts(store, clock):
    amy = member(store, "amy")
    store.start_session(amy)
    clock.advance(hours=13)
    store.start_session(amy)
    assert len(rows(store, "sessions")) == 1


IDLE = timedelta(minutes=rules.SESSION_IDLE_TIMEOUT.value)
TOUCH = timedelta(seconds=rules.SESSION_TOUCH_INTERVAL.value)


def test_a_session_unused_for_the_idle_timeout_ends(store, clock):
    amy = member(store, "amy")
    token = store.start_session(amy)
    clock.advance(seconds=IDLE.total_seconds() - 1)
    assert store.account_for_session(token) == amy
    clock.advance(seconds=IDLE.total_seconds())  # unused since the last check
    assert store.account_for_session(token) is None


def test_using_a_session_keeps_it_alive_until_its_twelve_hours_are_up(store, clock):
    amy = member(store, "amy")
    token = store.start_session(amy)
    used_for = timedelta()
    while used_for < timedelta(hours=rules.SESSION_LIFETIME.value) - IDLE / 2:
        assert store.account_for_session(token) == amy, f"ended after {used_for} of use"
        clock.advance(seconds=(IDLE / 2).total_seconds())
        used_for += IDLE / 2
    clock.advance(seconds=(IDLE / 2).total_seconds())
    assert store.account_for_session(token) is None, "12 hours after sign-in it ends, used or not"


def test_a_burst_of_clicks_writes_the_last_use_once_a_minute(store, clock):
    amy = member(store, "amy")
    token = store.start_session(amy)
    started = rows(store, "sessions")[0]["last_seen_at"]
    for _ in range(10):
        clock.advance(seconds=TOUCH.total_seconds() / 10 - 0.01)
        store.account_for_session(token)
    assert rows(store, "sessions")[0]["last_seen_at"] == started
    clock.advance(seconds=1)
    store.account_for_session(token)
    assert rows(store, "sessions")[0]["last_seen_at"] != started


def test_signing_out_everywhere_ends_every_session_of_that_account_only(store):
    amy, ben = member(store, "amy"), member(store, "ben")
    phone, laptop, bens = store.start_session(amy), store.start_session(amy), store.start_session(ben)
    assert store.end_every_session(amy) == 2
    assert store.account_for_session(phone) is None and store.account_for_session(laptop) is None
    assert store.account_for_session(bens) == ben


def test_a_new_sign_in_ends_the_token_the_browser_held_before(store):
    amy = member(store, "amy")
    planted = store.start_session(amy)  # e.g. a token someone left in this browser's cookie
    fresh = store.start_session(amy, replacing=planted)
    assert fresh != planted
    assert store.account_for_session(planted) is None and store.account_for_session(fresh) == amy


def test_idle_sessions_are_cleared_when_a_new_one_starts(store, clock):
    amy = member(store, "amy")
    store.start_session(amy)
    clock.advance(seconds=IDLE.total_seconds() + 1)
    store.start_session(amy)
    assert len(rows(store, "sessions")) == 1


# --- progress --------------------------------------------------------------------------------


def test_progress_gives_back_exactly_what_was_recorded(store):
    amy = member(store, "amy")
    progress = store.progress(amy)
    progress.mark_read("hinge-basics")
    progress.mark_read("hinge-basics")
    progress.mark_read("soft-knees")
    cet = timezone(timedelta(hours=1))
    first = QuizAttempt(
        "hinge-basics",
        {"q1": frozenset({1}), "q2": frozenset({0, 2}), "q3": frozenset()},
        2,
        3,
        datetime(2025, 3, 4, 19, 0, 0, 123456, tzinfo=cet),
    )
    second = attempt("hinge-basics", 3, 3, at=datetime(2025, 3, 4, 18, 5, tzinfo=UTC), q1={1}, q2={0, 2}, q3={2})
    progress.record_quiz_attempt(first)
    progress.record_quiz_attempt(second)
    assert progress.lessons_read() == {"hinge-basics", "soft-knees"}
    kept = progress.quiz_attempts("hinge-basics")
    assert list(kept) == [first, second]  # oldest first: 18:00 UTC, then 18:05
    assert all(a.at.tzinfo == UTC for a in kept)
    assert kept[0].at == datetime(2025, 3, 4, 18, 0, 0, 123456, tzinfo=UTC)
    assert progress.quiz_attempts("soft-knees") == ()


def test_stored_progress_drives_the_course_like_session_progress(store, tmp_path):
    course = load_course(write_course(tmp_path, lessons=2))
    first, second = course.lessons
    amy = member(store, "amy")
    progress = store.progress(amy)
    assert next_lesson(course, progress) == first
    progress.mark_read(first.id)
    progress.record_quiz_attempt(attempt(first.id, 4, 4))
    assert next_lesson(course, progress) == second
    statuses = lesson_statuses(course, progress)
    assert [(s.read, s.quiz_passed, s.attempts) for s in statuses] == [(True, True, 1), (False, False, 0)]


@pytest.mark.parametrize(
    "bad",
    [
        attempt("hinge", 5, 4),
        attempt("hinge", -1, 4),
        attempt("hinge", 1, 0),
        attempt("", 1, 4),
        QuizAttempt("hinge", {"q1": frozenset({-1})}, 1, 4, START),
        QuizAttempt("hinge", {"q1": frozenset({0})}, 1, 4, datetime(2025, 3, 4, 18, 0)),  # no time zone
    ],
)
def test_an_impossible_quiz_attempt_is_refused(store, bad):
    amy = member(store, "amy")
    with pytest.raises(InvalidInput):
        store.progress(amy).record_quiz_attempt(bad)
    assert rows(store, "quiz_attempts") == []


def session_progress() -> SessionProgress:
    earlier = SessionProgress()
    earlier.mark_read("hinge-basics")
    earlier.mark_read("soft-knees")
    earlier.record_quiz_attempt(attempt("hinge-basics", 2, at=START - timedelta(minutes=30)))
    earlier.record_quiz_attempt(attempt("hinge-basics", 4, at=START - timedelta(minutes=20)))
    earlier.record_quiz_attempt(attempt("soft-knees", 3, at=START - timedelta(minutes=10)))
    earlier.record_quiz_attempt(attempt("not-read-yet", 1, at=START - timedelta(minutes=5)))
    return earlier


def test_progress_made_before_signing_up_is_kept_with_its_times(store):
    earlier = session_progress()
    amy = member(store, "amy")
    store.keep_progress(amy, earlier, ["hinge-basics", "soft-knees", "not-read-yet"])
    store.keep_progress(amy, earlier, ["hinge-basics", "soft-knees", "not-read-yet"])  # again: no copies
    progress = store.progress(amy)
    assert progress.lessons_read() == {"hinge-basics", "soft-knees"}
    for lesson_id in ("hinge-basics", "soft-knees", "not-read-yet"):
        assert list(progress.quiz_attempts(lesson_id)) == list(earlier.quiz_attempts(lesson_id))


def test_keeping_progress_with_a_bad_attempt_in_the_middle_keeps_nothing(store):
    earlier = session_progress()
    earlier._attempts.insert(2, attempt("hinge-basics", 9, 4))  # impossible score, third of five
    amy = member(store, "amy")
    with pytest.raises(InvalidInput):
        store.keep_progress(amy, earlier, ["hinge-basics", "soft-knees", "not-read-yet"])
    assert rows(store, "lessons_read") == [] and rows(store, "quiz_attempts") == []


def test_a_database_failure_halfway_through_a_write_leaves_nothing_written(store, monkeypatch):
    amy = member(store, "amy")
    inserted = []

    def insert_then_fail(connection, account_id, values):
        if inserted:
            raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))
        inserted.append(values)
        real_insert(connection, account_id, values)

    real_insert = learning_module._insert_attempt
    monkeypatch.setattr(learning_module, "_insert_attempt", insert_then_fail)
    with pytest.raises(StoreError):
        store.keep_progress(amy, session_progress(), ["hinge-basics", "soft-knees"])
    assert len(inserted) == 1  # one attempt was written inside the transaction, then it failed
    assert rows(store, "lessons_read") == [] and rows(store, "quiz_attempts") == []


# --- self-checks -------------------------------------------------------------------------------


def test_a_self_check_keeps_the_reports_json_verdict_and_outcome(store, clock):
    amy = member(store, "amy")
    judged = report("Mostly good: one thing to fix", faults=[{"id": "rounded_back", "rep": 2, "value": 31.5}])
    first = store.save_self_check(amy, judged)
    clock.advance(minutes=5)
    second = store.save_self_check(amy, refused("We couldn't see you.", "no_person", duration_s=3.2).to_json())
    assert (first.verdict, first.outcome, first.report) == ("Mostly good: one thing to fix", "judged", judged)
    assert (second.outcome, second.verdict) == ("refused", "Could not judge this clip")
    assert [c.id for c in store.self_checks(amy)] == [second.id, first.id]  # newest first
    assert store.self_checks(amy)[1].report == judged
    [row, _] = rows(store, "self_checks")
    assert row["outcome"] == "judged" and '"rounded_back"' in row["report"]


def test_a_self_check_report_is_a_copy(store):
    amy = member(store, "amy")
    saved = store.save_self_check(amy, report())
    saved.report["verdict"] = "changed"
    assert store.self_checks(amy)[0].report["verdict"] == "Solid hinge"


@pytest.mark.parametrize(
    "bad",
    [
        {"verdict": "Solid hinge"},
        {"outcome": "great", "verdict": "Solid hinge"},
        {"outcome": "judged"},
        report(clip=b"\x00\x00\x00\x18ftypmp42"),  # never the clip
        report(series=[float("nan")]),
        "not a report",
    ],
)
def test_something_other_than_a_report_is_not_saved(store, bad):
    amy = member(store, "amy")
    with pytest.raises(InvalidInput) as problem:
        store.save_self_check(amy, bad)
    assert problem.value.field == "report"
    assert rows(store, "self_checks") == []


# --- groups ----------------------------------------------------------------------------------


def test_join_codes_are_eight_unambiguous_characters_and_unique(store):
    tess = trainer(store, "tess")
    codes = [store.create_group(tess, f"Group {n}").join_code for n in range(40)]
    assert len(set(codes)) == 40
    assert all(len(code) == 8 and set(code) <= set(rules.JOIN_CODE_ALPHABET) for code in codes)
    assert not set("0O1IL") & set(rules.JOIN_CODE_ALPHABET)


def test_joining_ignores_case_spaces_and_dashes_and_twice_is_once(store):
    tess, amy = trainer(store, "tess"), member(store, "amy")
    group = store.create_group(tess, "Tuesday")
    code = group.join_code
    typed = f" {code[:4].lower()} - {code[4:]} "
    assert store.join_group(amy, typed).id == group.id
    assert store.join_group(amy, code).id == group.id
    assert [g.id for g in store.groups(amy)] == [group.id]
    assert store.groups(tess)[0].member_count == 1
    assert store.groups(amy)[0].member_count is None  # members don't get a head count


@pytest.mark.parametrize("code", ["", "ABC", "ABCDEFGHJ", "ABCD0FGH", "ABCDEFGH"])
def test_a_code_no_group_has_says_so(store, code):
    amy = member(store, "amy")
    store.create_group(trainer(store, "tess"), "Tuesday")
    with pytest.raises(InvalidInput) as wrong:
        store.join_group(amy, code)
    assert wrong.value.field == "join_code" and "trainer" in str(wrong.value)


def test_the_group_a_code_would_join_is_named_without_joining_it(store):
    tess, amy = trainer(store, "tess"), member(store, "amy")
    group = store.create_group(tess, "Tuesday")
    shown = store.group_to_join(amy, group.join_code.lower())
    assert (shown.id, shown.title, shown.trainer_name) == (group.id, "Tuesday", "Coach Tess")
    assert store.groups(amy) == [] and store.dashboard(tess, group.id).rows == ()
    with pytest.raises(InvalidInput):
        store.group_to_join(amy, "ZZZZZZZZ")
    with pytest.raises(NotAllowed):
        store.group_to_join(tess, group.join_code)


def test_leaving_a_group_takes_the_members_progress_and_hand_ins_out_of_its_trainers_view(store):
    gym = build_gym(store)
    store.join_group(gym.amy, gym.thursday.join_code)  # amy is in both trainers' groups
    store.progress(gym.amy).mark_read("hinge-basics")
    tuesday_work = store.create_assignment(gym.tess, gym.tuesday.id, title="Week 1", due=date(2025, 3, 11))
    thursday_work = store.create_assignment(gym.uma, gym.thursday.id, title="Film it", due=date(2025, 3, 13))
    check = store.save_self_check(gym.amy, report())
    for trainer_, work in ((gym.tess, tuesday_work), (gym.uma, thursday_work)):
        store.leave_feedback(trainer_, store.submit_self_check(gym.amy, work.id, check.id).id, "Nice hinge.")

    left = store.leave_group(gym.amy, gym.tuesday.id)
    assert left.id == gym.tuesday.id
    assert [row.member.id for row in store.dashboard(gym.tess, gym.tuesday.id).rows] == [gym.ben.id]
    with pytest.raises(NotAllowed):
        store.member_detail(gym.tess, gym.tuesday.id, gym.amy.id)
    assert [s.members_total for s in store.assignments(gym.tess)] == [1]
    assert [f.trainer_name for f in store.feedback_for(gym.amy)] == ["Coach Uma"]
    assert [row["assignment_id"] for row in rows(store, "submissions")] == [thursday_work.id]
    assert [c.id for c in store.self_checks(gym.amy)] == [check.id], "her own record keeps the self-check"
    assert len(store.member_detail(gym.uma, gym.thursday.id, gym.amy.id).submissions) == 1
    with pytest.raises(NotAllowed):
        store.leave_group(gym.amy, gym.tuesday.id)  # not in it any more
    with pytest.raises(NotAllowed):
        store.leave_group(gym.cal, gym.tuesday.id)  # never was


def test_trainers_cannot_join_and_members_cannot_make_groups(store):
    tess, uma, amy = trainer(store, "tess"), trainer(store, "uma"), member(store, "amy")
    group = store.create_group(tess, "Tuesday")
    with pytest.raises(NotAllowed) as trainer_joining:
        store.join_group(uma, group.join_code)
    with pytest.raises(NotAllowed) as member_creating:
        store.create_group(amy, "My own group")
    assert "member account" in str(trainer_joining.value)
    assert "trainer account" in str(member_creating.value)
    assert store.groups(uma) == [] and len(rows(store, "groups")) == 1


def test_join_codes_that_keep_clashing_are_a_store_error_a_page_can_show(store, monkeypatch, caplog):
    tess = trainer(store, "tess")
    monkeypatch.setattr(secrets, "choice", lambda alphabet: alphabet[0])  # every code drawn is the same
    store.create_group(tess, "First")
    with pytest.raises(StoreError, match="could not be given a join code"):
        store.create_group(tess, "Second")
    assert "join codes in a row were taken" in caplog.text, "a bug of ours: logged for us"
    assert [group.title for group in store.groups(tess)] == ["First"]


def test_group_titles_are_checked(store):
    tess = trainer(store, "tess")
    with pytest.raises(InvalidInput) as empty:
        store.create_group(tess, "   ")
    assert empty.value.field == "title"
    assert store.create_group(tess, "  Tuesday <b>7 pm</b>  ").title == "Tuesday <b>7 pm</b>"


# --- homework --------------------------------------------------------------------------------


def homework(store, gym, **kwargs):
    values = {
        "title": "Week 1",
        "due": date(2025, 3, 11),
        "lesson_ids": ["hinge-basics", "soft-knees"],
        "quiz_lesson_ids": ["hinge-basics"],
    } | kwargs
    return store.create_assignment(gym.tess, gym.tuesday.id, **values)


def test_an_assignment_is_done_when_lessons_quizzes_and_self_check_are(store, clock):
    gym = build_gym(store)
    week1 = homework(store, gym, note="Film from the side.\nThree slow reps.")
    [status] = store.assignments(gym.amy)
    assert status.assignment == week1 and status.assignment.note.startswith("Film")
    assert (status.done, status.overdue, status.lessons_read, status.quizzes_passed) == (False, False, set(), set())
    progress = store.progress(gym.amy)
    progress.mark_read("hinge-basics")
    progress.mark_read("soft-knees")
    progress.record_quiz_attempt(attempt("hinge-basics", 2))
    [status] = store.assignments(gym.amy)
    assert status.lessons_read == {"hinge-basics", "soft-knees"} and status.quizzes_passed == set()
    progress.record_quiz_attempt(attempt("hinge-basics", 3))  # 3 of 4 passes at 0.75
    check = store.save_self_check(gym.amy, report())
    submission = store.submit_self_check(gym.amy, week1.id, check.id)
    [status] = store.assignments(gym.amy)
    assert status.quizzes_passed == {"hinge-basics"} and status.submission == submission
    assert status.self_check_submitted and status.done and not status.overdue


def test_an_assignment_is_overdue_after_its_due_day_by_the_stores_clock(store, clock):
    gym = build_gym(store)
    homework(store, gym, due=date(2025, 3, 11))
    clock.now = datetime(2025, 3, 11, 23, 59, tzinfo=UTC)
    assert not store.assignments(gym.amy)[0].overdue
    clock.now = datetime(2025, 3, 12, 0, 0, tzinfo=UTC)
    assert store.assignments(gym.amy)[0].overdue
    assert store.assignments(gym.tess)[0].overdue  # nobody is done


def test_the_assignments_own_pass_mark_decides_by_the_best_attempt(store):
    gym = build_gym(store)
    strict = homework(store, gym, title="Strict", lesson_ids=[], self_check=False, pass_fraction=1.0)
    lenient = homework(store, gym, title="Lenient", lesson_ids=[], self_check=False, pass_fraction=0.5)
    progress = store.progress(gym.amy)
    progress.record_quiz_attempt(attempt("hinge-basics", 3))
    progress.record_quiz_attempt(attempt("hinge-basics", 1))  # a worse later try does not undo it
    done = {s.assignment.id: s.done for s in store.assignments(gym.amy)}
    assert done == {strict.id: False, lenient.id: True}


def test_homework_that_asks_for_nothing_or_has_bad_fields_is_refused(store):
    gym = build_gym(store)
    for kwargs, field in [
        ({"lesson_ids": [], "quiz_lesson_ids": [], "self_check": False}, "lesson_ids"),
        ({"title": ""}, "title"),
        ({"due": datetime(2025, 3, 11, 9, 0, tzinfo=UTC)}, "due"),
        ({"pass_fraction": 0}, "pass_fraction"),
        ({"pass_fraction": 1.5}, "pass_fraction"),
        ({"lesson_ids": "hinge-basics"}, "lesson_ids"),
        ({"note": "x" * 2001}, "note"),
    ]:
        with pytest.raises(InvalidInput) as bad:
            homework(store, gym, **kwargs)
        assert bad.value.field == field
    assert rows(store, "assignments") == []


def test_handing_in_again_replaces_the_earlier_self_check(store, clock):
    gym = build_gym(store)
    week1 = homework(store, gym)
    first = store.save_self_check(gym.amy, report("Looks like a squat"))
    submitted = store.submit_self_check(gym.amy, week1.id, first.id)
    note = store.leave_feedback(gym.tess, submitted.id, "Hips back first, then bend the knees.")
    clock.advance(days=1)
    second = store.save_self_check(gym.amy, report("Solid hinge"))
    again = store.submit_self_check(gym.amy, week1.id, second.id)
    assert again.id == submitted.id and again.self_check_id == second.id and again.at == clock.now
    assert len(rows(store, "submissions")) == 1
    [kept] = store.feedback_for(gym.amy)
    assert kept.self_check_id == first.id and kept.id == note.id  # about the earlier clip
    [status] = store.assignments(gym.amy)
    assert status.submission.verdict == "Solid hinge" and status.feedback == (kept,)


def test_a_self_check_can_only_be_handed_in_where_one_is_asked_for(store):
    gym = build_gym(store)
    reading = homework(store, gym, self_check=False)
    check = store.save_self_check(gym.amy, report())
    with pytest.raises(InvalidInput) as not_asked:
        store.submit_self_check(gym.amy, reading.id, check.id)
    assert "doesn't ask for a self-check" in str(not_asked.value)


def test_atomic_keeps_a_self_check_and_its_hand_in_together(store):
    gym = build_gym(store)
    work = homework(store, gym, self_check=True)
    with store.atomic():
        check = store.save_self_check(gym.amy, report())
        with store.atomic():  # a block inside another joins it
            store.submit_self_check(gym.amy, work.id, check.id)
    [status] = store.assignments(gym.amy)
    assert status.submission.self_check_id == check.id
    assert [c.id for c in store.self_checks(gym.amy)] == [check.id]


def test_a_refused_hand_in_inside_atomic_keeps_no_self_check_either(store):
    gym = build_gym(store)
    reading = homework(store, gym, self_check=False)
    with pytest.raises(InvalidInput), store.atomic():
        check = store.save_self_check(gym.amy, report())
        store.submit_self_check(gym.amy, reading.id, check.id)  # this homework asks for none
    assert store.self_checks(gym.amy) == []
    with pytest.raises(RuntimeError), store.atomic():
        store.save_self_check(gym.amy, report())
        raise RuntimeError("the page broke after saving")
    assert store.self_checks(gym.amy) == [], "any error in the block undoes its writes"
    assert store.save_self_check(gym.amy, report()).id, "and the store works as before afterwards"


def test_a_trainer_sees_how_many_members_are_done(store):
    gym = build_gym(store)
    week1 = homework(store, gym, lesson_ids=["hinge-basics"], quiz_lesson_ids=[], self_check=False)
    store.progress(gym.amy).mark_read("hinge-basics")
    store.progress(gym.cal).mark_read("hinge-basics")  # in Coach Uma's group: not counted
    [status] = store.assignments(gym.tess)
    assert status.assignment == week1
    assert (status.members_done, status.members_total, status.done) == (1, 2, False)
    store.progress(gym.ben).mark_read("hinge-basics")
    assert store.assignments(gym.tess)[0].done
    assert store.assignments(gym.uma) == []


def test_feedback_names_the_homework_and_the_trainer_newest_first(store, clock):
    gym = build_gym(store)
    week1 = homework(store, gym)
    submitted = store.submit_self_check(gym.amy, week1.id, store.save_self_check(gym.amy, report()).id)
    first = store.leave_feedback(gym.tess, submitted.id, "Good depth.")
    clock.advance(minutes=1)
    second = store.leave_feedback(gym.tess, submitted.id, "  <b>Keep</b> the bar close.\n\nNext week: more weight.  ")
    notes = store.feedback_for(gym.amy)
    assert notes == [second, first]
    assert (second.assignment_title, second.trainer_name) == ("Week 1", "Coach Tess")
    assert second.text == "<b>Keep</b> the bar close.\n\nNext week: more weight."
    with pytest.raises(InvalidInput):
        store.leave_feedback(gym.tess, submitted.id, "   ")


# --- the trainer's view ------------------------------------------------------------------------


def test_the_dashboard_adds_up_a_small_group(store, clock):
    gym = build_gym(store)
    eve = member(store, "eve")
    store.join_group(eve, gym.tuesday.join_code)
    week1 = homework(
        store,
        gym,
        title="Week 1",
        due=date(2025, 3, 11),
        lesson_ids=["hinge-basics"],
        quiz_lesson_ids=["hinge-basics"],
        self_check=False,
    )
    week2 = homework(
        store,
        gym,
        title="Week 2",
        due=date(2025, 3, 18),
        lesson_ids=["soft-knees"],
        quiz_lesson_ids=[],
        self_check=True,
    )
    amy, ben = store.progress(gym.amy), store.progress(gym.ben)
    amy.mark_read("hinge-basics")
    amy.mark_read("soft-knees")
    for correct in (2, 4, 3):
        amy.record_quiz_attempt(attempt("hinge-basics", correct))
    amy.record_quiz_attempt(attempt("soft-knees", 1, total=5))
    store.save_self_check(gym.amy, report("Looks like a squat", "judged"))
    clock.advance(minutes=1)
    latest = store.save_self_check(gym.amy, report("Solid hinge", "judged"))
    store.submit_self_check(gym.amy, week2.id, latest.id)
    ben.mark_read("hinge-basics")
    ben.record_quiz_attempt(attempt("hinge-basics", 2))
    store.save_self_check(gym.ben, report("Could not judge fully: camera in front of you", "partial"))
    store.progress(gym.cal).record_quiz_attempt(attempt("hinge-basics", 4))  # other group

    board = store.dashboard(gym.tess, gym.tuesday.id)
    assert board.group.id == gym.tuesday.id and board.group.member_count == 3
    assert board.assignments == (week1, week2)
    assert [row.member.display_name for row in board.rows] == ["Amy", "Ben", "Eve"]
    amy_row, ben_row, eve_row = board.rows
    assert amy_row.lessons_read == {"hinge-basics", "soft-knees"}
    assert {k: (q.correct, q.total, q.attempts) for k, q in amy_row.quizzes.items()} == {
        "hinge-basics": (4, 4, 3),
        "soft-knees": (1, 5, 1),
    }
    assert amy_row.latest_self_check.id == latest.id and amy_row.latest_self_check.verdict == "Solid hinge"
    assert dict(amy_row.assignments_done) == {week1.id: True, week2.id: True}
    assert ben_row.lessons_read == {"hinge-basics"}
    assert ben_row.quizzes["hinge-basics"].score_text == "2 of 4"
    assert ben_row.latest_self_check.outcome == "partial"
    assert dict(ben_row.assignments_done) == {week1.id: False, week2.id: False}
    assert (eve_row.lessons_read, dict(eve_row.quizzes), eve_row.latest_self_check) == (frozenset(), {}, None)
    assert dict(eve_row.assignments_done) == {week1.id: False, week2.id: False}


def test_member_detail_shows_what_the_member_handed_in_and_nothing_else(store, clock):
    gym = build_gym(store)
    week1 = homework(store, gym)
    progress = store.progress(gym.amy)
    progress.mark_read("hinge-basics")
    progress.record_quiz_attempt(attempt("hinge-basics", 2, at=START))
    progress.record_quiz_attempt(attempt("hinge-basics", 4, at=START + timedelta(minutes=3)))
    private = store.save_self_check(gym.amy, report("Looks like a squat"))
    shared = store.save_self_check(gym.amy, report("Solid hinge", reps=[{"number": 1}, {"number": 2}]))
    submission = store.submit_self_check(gym.amy, week1.id, shared.id)
    note = store.leave_feedback(gym.tess, submission.id, "Great.")

    detail = store.member_detail(gym.tess, gym.tuesday.id, gym.amy.id)
    assert detail.member.id == gym.amy.id and detail.group.id == gym.tuesday.id
    assert detail.lessons_read == {"hinge-basics"}
    assert [a.correct for a in detail.quiz_attempts] == [2, 4]
    [handed_in] = detail.submissions
    assert handed_in.submission == submission and handed_in.assignment_title == "Week 1"
    assert handed_in.report == shared.report and handed_in.feedback == (note,)
    assert detail.feedback == (note,)
    assert private.id not in {s.submission.self_check_id for s in detail.submissions}


def statements_run(store, call) -> int:
    """How many SQL statements ``call()`` sends (BEGIN and COMMIT not counted)."""
    seen = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    sa.event.listen(store._engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        sa.event.remove(store._engine, "before_cursor_execute", count)
    return len(seen)


def test_the_dashboard_takes_the_same_few_queries_for_any_number_of_members(store):
    gym = build_gym(store)
    homework(store, gym)
    small = statements_run(store, lambda: store.dashboard(gym.tess, gym.tuesday.id))
    for n in range(30):
        person = member(store, f"extra{n:02d}")
        store.join_group(person, gym.tuesday.join_code)
        store.progress(person).record_quiz_attempt(attempt("hinge-basics", n % 5))
        store.save_self_check(person, report())
    board = []
    large = statements_run(store, lambda: board.append(store.dashboard(gym.tess, gym.tuesday.id)))
    assert len(board[0].rows) == 32
    assert large == small <= 10
