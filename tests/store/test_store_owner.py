"""An account its owner controls, on SQLite and PostgreSQL: changing the password, downloading
everything stored about them, and deleting it all, down to the last row of every table."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from course.store import InvalidInput, NotAllowed, SignInThrottled, WrongCredentials, rules
from course.store.account_data import username_hash
from course.store.schema import metadata
from tests.store.helpers import PASSWORD, attempt, member, report, trainer

NEW_PASSWORD = "squats on a sunday morning"
AMY = {"username": "amy.keeling", "display_name": "Amy Keeling"}  # a name no one else's data contains


def every_row(store) -> dict[str, list[dict]]:
    """Every row of every table the database holds (not only those schema.py knows)."""
    with store._engine.connect() as connection:
        names = sorted(set(sa.inspect(connection).get_table_names()) - {"alembic_version"})
        return {
            name: [dict(row._mapping) for row in connection.execute(sa.text(f'SELECT * FROM "{name}"'))]
            for name in names
        }


@pytest.fixture
def gym(store, clock):
    """Amy in Coach Tess's and Coach Uma's groups, with everything a member can leave behind;
    Ben in Tess's group with some of it; Tess's homework, and feedback on both members."""
    tess, uma = trainer(store, "tess"), trainer(store, "uma")
    amy = store.sign_up(AMY["username"], PASSWORD, display_name=AMY["display_name"], role="member")
    ben = member(store, "ben")
    tuesday, thursday = store.create_group(tess, "Tuesday beginners"), store.create_group(uma, "Thursday strength")
    for person in (amy, ben):
        store.join_group(person, tuesday.join_code)
    store.join_group(amy, thursday.join_code)
    week1 = store.create_assignment(
        tess,
        tuesday.id,
        title="Week 1",
        due=date(2025, 3, 11),
        lesson_ids=["hinge-basics"],
        quiz_lesson_ids=["hinge-basics"],
    )
    film = store.create_assignment(uma, thursday.id, title="Film it", due=date(2025, 3, 13))
    for person in (amy, ben):
        store.progress(person).mark_read("hinge-basics")
        store.progress(person).record_quiz_attempt(attempt("hinge-basics", 3, q1={1}, q2={0, 2}))
        check = store.save_self_check(person, report(f"Solid hinge for {person.display_name}"))
        store.leave_feedback(
            tess, store.submit_self_check(person, week1.id, check.id).id, f"Nice one, {person.display_name}."
        )
    store.leave_feedback(uma, store.submit_self_check(amy, film.id, store.self_checks(amy)[0].id).id, "Hips back.")
    for note in store.feedback_for(amy) + store.feedback_for(ben):  # a short thread under each note
        store.reply_to_feedback(amy if note in store.feedback_for(amy) else ben, note.id, "Thanks, will do.")
        store.reply_to_feedback(tess if note.trainer_id == tess.id else uma, note.id, "Show me on Tuesday.")
    for person in (amy, ben):
        store.start_session(person)
        store.remember_device(person)
        store.new_recovery_codes(person)
    store.issue_reset_code(tess, tuesday.id, amy.id)
    for _ in range(2):  # her own typos, still counted
        with pytest.raises(WrongCredentials):
            store.sign_in(AMY["username"], "not it")
    return type("Gym", (), dict(tess=tess, uma=uma, amy=amy, ben=ben, tuesday=tuesday, thursday=thursday, week1=week1))


# --- changing the password ---------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_then_only_the_new_one_signs_in(store, gym):
    with pytest.raises(InvalidInput) as wrong:
        store.change_password(gym.ben, "not my password", NEW_PASSWORD)
    assert wrong.value.field == "current_password"
    store.change_password(gym.ben, PASSWORD, NEW_PASSWORD)
    assert store.sign_in("ben", NEW_PASSWORD) == gym.ben
    with pytest.raises(WrongCredentials):
        store.sign_in("ben", PASSWORD)


def test_changing_the_password_ends_every_other_session_and_forgets_other_devices(store, gym):
    here, elsewhere = store.start_session(gym.ben), store.start_session(gym.ben)
    this_browser, old_phone = store.remember_device(gym.ben), store.remember_device(gym.ben)
    store.change_password(gym.ben, PASSWORD, NEW_PASSWORD, keep_session=here, device=this_browser)
    assert store.account_for_session(here) == gym.ben
    assert store.account_for_session(elsewhere) is None
    kept = {row["token_sha256"] for row in every_row(store)["known_devices"] if row["account_id"] == gym.ben.id}
    assert len(kept) == 1 and store.remember_device(gym.ben, this_browser) == this_browser
    assert old_phone != this_browser


@pytest.mark.parametrize("bad", ["password", "ben12345", "short"])
def test_the_new_password_follows_the_same_rules_as_at_sign_up(store, gym, bad):
    with pytest.raises(InvalidInput) as refused:
        store.change_password(gym.ben, PASSWORD, bad)
    assert refused.value.field == "password"
    assert store.sign_in("ben", PASSWORD) == gym.ben


def test_guessing_the_current_password_from_a_stolen_session_is_throttled(store, gym):
    for _ in range(int(rules.SIGN_IN_FREE_TRIES_PER_USERNAME.value)):
        with pytest.raises(InvalidInput):
            store.change_password(gym.ben, "a guess", NEW_PASSWORD)
    with pytest.raises(SignInThrottled):
        store.change_password(gym.ben, PASSWORD, NEW_PASSWORD)


# --- downloading everything --------------------------------------------------------------------


def test_the_download_holds_everything_stored_about_the_member_and_nothing_of_anyone_else(store, gym):
    document = store.export_data(gym.amy)
    text = json.dumps(document)  # plain JSON types only
    assert document["account"] == {
        "username": AMY["username"],
        "display_name": AMY["display_name"],
        "role": "member",
        "created_at": document["account"]["created_at"],
    }
    assert [row["lesson_id"] for row in document["lessons_read"]] == ["hinge-basics"]
    assert document["quiz_attempts"][0]["answers"] == {"q1": [1], "q2": [0, 2]}
    assert document["self_checks"][0]["report"]["verdict"] == "Solid hinge for Amy Keeling"
    assert {(g["group"], g["trainer"]) for g in document["groups_joined"]} == {
        ("Tuesday beginners", "Coach Tess"),
        ("Thursday strength", "Coach Uma"),
    }
    assert {h["homework"] for h in document["homework_handed_in"]} == {"Week 1", "Film it"}
    assert {f["text"] for f in document["feedback_received"]} == {"Nice one, Amy Keeling.", "Hips back."}
    for note in document["feedback_received"]:  # the whole conversation, the trainer's replies too
        assert [(r["by"], r["text"]) for r in note["replies"]] == [
            (AMY["display_name"], "Thanks, will do."),
            (note["trainer"], "Show me on Tuesday."),
        ]
    assert sorted((r["homework"], r["text"]) for r in document["replies_written"]) == [
        ("Film it", "Thanks, will do."),
        ("Week 1", "Thanks, will do."),
    ]
    assert len(document["signed_in_sessions"]) == 1 and len(document["known_devices"]) == 1
    assert sorted(code["kind"] for code in document["unused_codes"]) == ["recovery"] * 10 + ["reset"]
    assert "Ben" not in text and "argon2" not in text
    secrets_stored = {row["token_sha256"] for table in ("sessions", "known_devices") for row in every_row(store)[table]}
    assert not any(secret in text for secret in secrets_stored)


def test_a_trainers_download_holds_their_groups_homework_and_feedback_not_their_members_progress(store, gym):
    document = store.export_data(gym.tess)
    assert [g["title"] for g in document["groups_run"]] == ["Tuesday beginners"]
    [homework] = document["homework_set"]
    assert (homework["title"], homework["lessons_to_read"], homework["quizzes_to_pass"]) == (
        "Week 1",
        ["hinge-basics"],
        ["hinge-basics"],
    )
    assert {f["text"] for f in document["feedback_written"]} == {"Nice one, Amy Keeling.", "Nice one, Ben."}
    assert [r["text"] for r in document["replies_written"]] == ["Show me on Tuesday."] * 2
    assert [[r["text"] for r in note["replies"]] for note in document["feedback_written"]] == [
        ["Thanks, will do.", "Show me on Tuesday."]
    ] * 2
    assert document["lessons_read"] == [] and document["self_checks"] == []
    assert "Solid hinge for" not in json.dumps(document)


def test_the_download_covers_every_table_but_the_anonymous_failure_counts():
    covered = {
        "accounts",
        "sessions",
        "known_devices",
        "access_codes",
        "lessons_read",
        "quiz_attempts",
        "self_checks",
        "memberships",
        "groups",
        "assignments",
        "assignment_lessons",
        "submissions",
        "feedback",
        "feedback_replies",
    }
    hashed_only = {"sign_in_failures"}  # hashes of what was typed, kept a day: nothing to give back
    assert set(metadata.tables) == covered | hashed_only, "a new table: put it in the download and the deletion"


# --- deleting everything -----------------------------------------------------------------------


def rows_of(
    tables: dict[str, list[dict]],
    account_id: int,
    check_ids: set[int],
    submission_ids: set[int],
    username_key: str,
    name: str,
) -> list[tuple[str, dict]]:
    """Every row that belongs to the account, hangs on one of its rows, or holds its name."""
    pointing = {"account_id", "member_id", "trainer_id", "author_id"}
    notes = {
        row["id"]
        for row in tables.get("feedback", ())
        if row["submission_id"] in submission_ids or row["trainer_id"] == account_id
    }
    found = []
    for table, table_rows in tables.items():
        for row in table_rows:
            if (
                any(row.get(column) == account_id for column in pointing)
                or (table == "accounts" and row["id"] == account_id)
                or (table == "self_checks" and row["id"] in check_ids)
                or row.get("self_check_id") in check_ids
                or (table == "submissions" and row["id"] in submission_ids)
                or row.get("submission_id") in submission_ids
                or (table == "feedback_replies" and row["feedback_id"] in notes)
                or row.get("username_sha256") == username_hash(username_key)
                or any(isinstance(value, str) and name.lower() in value.lower() for value in row.values())
            ):
                found.append((table, row))
    return found


def test_deleting_an_account_leaves_no_row_of_it_in_any_table_and_everyone_elses_intact(store, gym):
    before = every_row(store)
    checks = {row["id"] for row in before["self_checks"] if row["account_id"] == gym.amy.id}
    handed_in = {row["id"] for row in before["submissions"] if row["member_id"] == gym.amy.id}
    hers = rows_of(before, gym.amy.id, checks, handed_in, AMY["username"], "keeling")
    assert {table for table, _ in hers} == {
        "accounts",
        "sessions",
        "known_devices",
        "access_codes",
        "sign_in_failures",
        "lessons_read",
        "quiz_attempts",
        "self_checks",
        "memberships",
        "submissions",
        "feedback",
        "feedback_replies",
    }, "the fixture leaves something of hers in every kind of table"
    with pytest.raises(InvalidInput):
        store.delete_account(gym.amy, "not my password")
    assert every_row(store)["accounts"] == before["accounts"]

    store.delete_account(gym.amy, PASSWORD)
    after = every_row(store)
    assert rows_of(after, gym.amy.id, checks, handed_in, AMY["username"], "keeling") == []
    expected = {table: [row for row in table_rows if (table, row) not in hers] for table, table_rows in before.items()}
    expected["sign_in_failures"] = after["sign_in_failures"]  # the failed try with a wrong password above
    assert after == expected, "nothing of anyone else's went with it"
    with pytest.raises(WrongCredentials):
        store.sign_in(AMY["username"], PASSWORD)
    with pytest.raises(NotAllowed):
        store.progress(gym.amy)
    assert [row.member.username for row in store.dashboard(gym.tess, gym.tuesday.id).rows] == ["ben"]


def test_deleting_a_trainer_takes_their_groups_and_homework_and_leaves_members_their_own_records(store, gym):
    store.delete_account(gym.tess, PASSWORD)
    after = every_row(store)
    assert rows_of(after, gym.tess.id, set(), set(), "tess", "Coach Tess") == []
    assert [g["title"] for g in after["groups"]] == ["Thursday strength"]
    assert {a["title"] for a in after["assignments"]} == {"Film it"}
    assert [g.title for g in store.groups(gym.amy)] == ["Thursday strength"]
    assert len(store.self_checks(gym.amy)) == 1 and len(store.self_checks(gym.ben)) == 1, "their own record stays"
    assert [f.trainer_name for f in store.feedback_for(gym.amy)] == ["Coach Uma"]
    assert store.progress(gym.ben).lessons_read() == {"hinge-basics"}


def test_a_name_freed_by_a_deleted_account_can_be_taken_again(store, gym):
    store.delete_account(gym.amy, PASSWORD)
    again = store.sign_up(AMY["username"], NEW_PASSWORD, display_name="Another Amy", role="member")
    document = store.export_data(again)
    assert document["lessons_read"] == document["self_checks"] == document["groups_joined"] == []


def test_a_failure_halfway_through_a_deletion_deletes_nothing(store, gym, monkeypatch):
    from course.store import account_data

    real = account_data.delete_everything

    def fail_at_the_end(connection, account_id, username_key):
        real(connection, account_id, username_key)
        raise RuntimeError("the database went away at the last moment")

    before = every_row(store)
    monkeypatch.setattr(account_data, "delete_everything", fail_at_the_end)
    with pytest.raises(RuntimeError):
        store.delete_account(gym.amy, PASSWORD)
    after = every_row(store)
    after["sign_in_failures"] = before["sign_in_failures"] = []  # the password check itself counts as a try
    assert after == before


# --- getting back in without the password -------------------------------------------------------


def test_a_trainers_reset_code_sets_a_new_password_once(store, gym):
    issued = store.issue_reset_code(gym.tess, gym.tuesday.id, gym.ben.id)
    assert (issued.member_id, issued.member_name) == (gym.ben.id, "Ben") and len(issued.code) == 14
    phone = store.start_session(gym.ben)
    typed = issued.code.lower().replace(" ", "-")  # as someone might type it off a phone
    assert store.reset_password("BEN", typed, NEW_PASSWORD) == gym.ben
    assert store.sign_in("ben", NEW_PASSWORD) == gym.ben
    assert store.account_for_session(phone) is None, "every other sign-in ends"
    with pytest.raises(InvalidInput) as used:
        store.reset_password("ben", issued.code, "yet another password")
    assert used.value.field == "code" and "used up or expired" in str(used.value)
    assert store.sign_in("ben", NEW_PASSWORD) == gym.ben


def test_a_reset_code_expires_after_its_lifetime(store, gym, clock):
    issued = store.issue_reset_code(gym.tess, gym.tuesday.id, gym.ben.id)
    clock.advance(hours=rules.RESET_CODE_LIFETIME.value)
    with pytest.raises(InvalidInput):
        store.reset_password("ben", issued.code, NEW_PASSWORD)
    assert store.sign_in("ben", PASSWORD) == gym.ben


def test_a_new_reset_code_replaces_the_last_and_works_only_for_its_member(store, gym):
    first = store.issue_reset_code(gym.tess, gym.tuesday.id, gym.ben.id)
    second = store.issue_reset_code(gym.tess, gym.tuesday.id, gym.ben.id)
    with pytest.raises(InvalidInput):
        store.reset_password("ben", first.code, NEW_PASSWORD)
    with pytest.raises(InvalidInput):
        store.reset_password(AMY["username"], second.code, NEW_PASSWORD)  # someone else's code
    with pytest.raises(InvalidInput):
        store.reset_password("nobody-here", second.code, NEW_PASSWORD)
    assert store.reset_password("ben", second.code, NEW_PASSWORD) == gym.ben


def test_only_a_trainer_of_the_members_group_can_make_a_reset_code(store, gym):
    with pytest.raises(NotAllowed):
        store.issue_reset_code(gym.uma, gym.tuesday.id, gym.ben.id)  # not her group
    with pytest.raises(NotAllowed):
        store.issue_reset_code(gym.uma, gym.thursday.id, gym.ben.id)  # he isn't in hers
    with pytest.raises(NotAllowed):
        store.issue_reset_code(gym.ben, gym.tuesday.id, gym.amy.id)  # a member
    with pytest.raises(NotAllowed):
        store.issue_reset_code(gym.tess, gym.tuesday.id, gym.tess.id)  # a trainer resets no trainer


def test_each_recovery_code_works_once_and_new_ones_replace_the_old(store, gym):
    codes = store.new_recovery_codes(gym.ben)
    assert len(set(codes)) == rules.RECOVERY_CODE_COUNT.value and store.recovery_codes_left(gym.ben) == 10
    store.reset_password("ben", codes[3], NEW_PASSWORD)
    assert store.recovery_codes_left(gym.ben) == 9
    with pytest.raises(InvalidInput):
        store.reset_password("ben", codes[3], "a password once more")
    fresh = store.new_recovery_codes(gym.ben)
    with pytest.raises(InvalidInput):
        store.reset_password("ben", codes[4], "a password once more")
    assert store.reset_password("ben", fresh[0], "a password once more") == gym.ben


def test_codes_are_stored_only_as_hashes(store, gym):
    codes = store.new_recovery_codes(gym.ben)
    issued = store.issue_reset_code(gym.tess, gym.tuesday.id, gym.ben.id)
    stored = " ".join(str(value) for row in every_row(store)["access_codes"] for value in row.values())
    assert not any(code.replace(" ", "") in stored or code in stored for code in (*codes, issued.code))
    assert issued.code not in repr(issued)


def test_guessing_codes_is_throttled_like_passwords(store, gym):
    for _ in range(int(rules.SIGN_IN_FREE_TRIES_PER_USERNAME.value)):
        with pytest.raises(InvalidInput):
            store.reset_password("ben", "ABCD EFGH JKMN", NEW_PASSWORD)
    codes = store.new_recovery_codes(gym.ben)
    with pytest.raises(SignInThrottled):
        store.reset_password("ben", codes[0], NEW_PASSWORD)


def test_a_reset_with_a_password_that_may_not_be_chosen_keeps_the_code(store, gym):
    issued = store.issue_reset_code(gym.tess, gym.tuesday.id, gym.ben.id)
    with pytest.raises(InvalidInput) as refused:
        store.reset_password("ben", issued.code, "password")
    assert refused.value.field == "password"
    assert store.reset_password("ben", issued.code, NEW_PASSWORD) == gym.ben


@pytest.mark.parametrize("typed", ["", "1234", "O0O0 O0O0 O0O0", "x" * 1000, None])
def test_something_that_cant_be_a_code_is_refused_before_anything_is_looked_up(store, gym, typed):
    with pytest.raises(InvalidInput) as refused:
        store.reset_password("ben", typed, NEW_PASSWORD)
    assert refused.value.field == "code"
