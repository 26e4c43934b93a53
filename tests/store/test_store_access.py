"""Who may see and change what, on both backends: every rule both ways, and made-up ids of every
kind. A record that does not exist and one that is not yours must look exactly alike."""

from __future__ import annotations

from datetime import date

import pytest

from course.store import Account, NotAllowed
from course.store.errors import NOT_ALLOWED
from tests.store.helpers import attempt, build_gym, report

MADE_UP_IDS = [0, -1, 10**9, True, "1", None, 1.0, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]


@pytest.fixture
def gym(store):
    """The gym, with homework in both groups, a submission from amy (Tuesday) and cal (Thursday),
    and feedback on each."""
    gym = build_gym(store)
    gym.week1 = store.create_assignment(
        gym.tess,
        gym.tuesday.id,
        title="Week 1",
        due=date(2025, 3, 11),
        lesson_ids=["hinge-basics"],
        quiz_lesson_ids=["hinge-basics"],
    )
    gym.strength = store.create_assignment(
        gym.uma,
        gym.thursday.id,
        title="Strength 1",
        due=date(2025, 3, 13),
        lesson_ids=["soft-knees"],
        quiz_lesson_ids=[],
    )
    for person, lesson in ((gym.amy, "hinge-basics"), (gym.cal, "soft-knees"), (gym.dee, "hinge-basics")):
        progress = store.progress(person)
        progress.mark_read(lesson)
        progress.record_quiz_attempt(attempt(lesson, 4))
    gym.amy_check = store.save_self_check(gym.amy, report("Solid hinge"))
    gym.cal_check = store.save_self_check(gym.cal, report("Looks like a squat"))
    gym.dee_check = store.save_self_check(gym.dee, report("A few things to work on"))
    gym.amy_sub = store.submit_self_check(gym.amy, gym.week1.id, gym.amy_check.id)
    gym.cal_sub = store.submit_self_check(gym.cal, gym.strength.id, gym.cal_check.id)
    gym.amy_note = store.leave_feedback(gym.tess, gym.amy_sub.id, "Nice and flat.")
    gym.cal_note = store.leave_feedback(gym.uma, gym.cal_sub.id, "Hips back first.")
    return gym


def refused(call, *args, **kwargs) -> NotAllowed:
    with pytest.raises(NotAllowed) as raised:
        call(*args, **kwargs)
    assert isinstance(raised.value, PermissionError)
    return raised.value


# --- members -----------------------------------------------------------------------------------


def test_a_member_sees_only_their_own_progress(store, gym):
    amy, dee = store.progress(gym.amy), store.progress(gym.dee)
    amy.mark_read("soft-knees")
    assert amy.lessons_read() == {"hinge-basics", "soft-knees"}
    assert dee.lessons_read() == {"hinge-basics"}
    assert len(amy.quiz_attempts("hinge-basics")) == 1 and len(dee.quiz_attempts("hinge-basics")) == 1
    assert store.progress(gym.ben).lessons_read() == frozenset()
    assert store.progress(gym.ben).quiz_attempts("hinge-basics") == ()


def test_a_member_sees_only_their_own_self_checks(store, gym):
    assert [c.id for c in store.self_checks(gym.amy)] == [gym.amy_check.id]
    assert [c.id for c in store.self_checks(gym.cal)] == [gym.cal_check.id]
    assert store.self_checks(gym.ben) == []


def test_a_member_cannot_hand_in_someone_elses_self_check(store, gym):
    stolen = refused(store.submit_self_check, gym.ben, gym.week1.id, gym.amy_check.id)
    assert str(stolen) == NOT_ALLOWED
    assert store.assignments(gym.ben)[0].submission is None


def test_a_member_cannot_hand_in_to_a_group_they_did_not_join(store, gym):
    refused(store.submit_self_check, gym.amy, gym.strength.id, gym.amy_check.id)
    refused(store.submit_self_check, gym.dee, gym.week1.id, gym.dee_check.id)
    assert gym.amy_sub.id == store.assignments(gym.amy)[0].submission.id


def test_a_member_sees_only_feedback_on_their_own_work(store, gym):
    assert store.feedback_for(gym.amy) == [gym.amy_note]
    assert store.feedback_for(gym.cal) == [gym.cal_note]
    assert store.feedback_for(gym.ben) == [] and store.feedback_for(gym.dee) == []


def test_a_member_sees_only_the_groups_and_homework_they_joined(store, gym):
    assert [g.id for g in store.groups(gym.amy)] == [gym.tuesday.id]
    assert [s.assignment.id for s in store.assignments(gym.amy)] == [gym.week1.id]
    assert [s.assignment.id for s in store.assignments(gym.cal)] == [gym.strength.id]
    assert store.groups(gym.dee) == [] and store.assignments(gym.dee) == []
    [amys] = store.assignments(gym.amy)
    assert amys.members_done is None and amys.members_total is None  # no counts of others


@pytest.mark.parametrize("what", ["dashboard", "member_detail", "create_assignment", "leave_feedback", "create_group"])
def test_a_member_gets_none_of_the_trainers_views(store, gym, what):
    calls = {
        "dashboard": lambda: store.dashboard(gym.amy, gym.tuesday.id),
        "member_detail": lambda: store.member_detail(gym.amy, gym.tuesday.id, gym.ben.id),
        "create_assignment": lambda: store.create_assignment(
            gym.amy, gym.tuesday.id, title="x", due=date(2025, 3, 11), lesson_ids=["a"]
        ),
        "leave_feedback": lambda: store.leave_feedback(gym.amy, gym.amy_sub.id, "I rate myself"),
        "create_group": lambda: store.create_group(gym.amy, "Amy's group"),
    }
    refused(calls[what])
    assert store.feedback_for(gym.amy) == [gym.amy_note]


# --- trainers ----------------------------------------------------------------------------------


def test_a_trainer_sees_only_their_own_groups_and_homework(store, gym):
    assert [g.id for g in store.groups(gym.tess)] == [gym.tuesday.id]
    assert [g.id for g in store.groups(gym.uma)] == [gym.thursday.id]
    assert [s.assignment.id for s in store.assignments(gym.tess)] == [gym.week1.id]
    assert [s.assignment.id for s in store.assignments(gym.uma)] == [gym.strength.id]


def test_a_trainer_cannot_open_another_trainers_group(store, gym):
    assert str(refused(store.dashboard, gym.uma, gym.tuesday.id)) == NOT_ALLOWED
    refused(store.member_detail, gym.uma, gym.tuesday.id, gym.amy.id)
    refused(
        store.create_assignment,
        gym.uma,
        gym.tuesday.id,
        title="Sneaky",
        due=date(2025, 3, 11),
        lesson_ids=["hinge-basics"],
    )
    assert [s.assignment.id for s in store.assignments(gym.amy)] == [gym.week1.id]


def test_a_trainer_cannot_see_people_outside_their_groups(store, gym):
    refused(store.member_detail, gym.tess, gym.tuesday.id, gym.cal.id)  # Uma's member
    refused(store.member_detail, gym.tess, gym.tuesday.id, gym.dee.id)  # in no group
    refused(store.member_detail, gym.tess, gym.tuesday.id, gym.uma.id)  # another trainer
    refused(store.member_detail, gym.tess, gym.tuesday.id, gym.tess.id)  # herself
    board = store.dashboard(gym.tess, gym.tuesday.id)
    assert {row.member.id for row in board.rows} == {gym.amy.id, gym.ben.id}


def test_a_trainer_cannot_touch_another_trainers_submissions(store, gym):
    refused(store.leave_feedback, gym.tess, gym.cal_sub.id, "Not my member")
    assert store.feedback_for(gym.cal) == [gym.cal_note]


def test_a_trainer_sees_only_self_checks_handed_in_to_their_own_group(store, gym):
    store.join_group(gym.cal, gym.tuesday.join_code)  # cal now in both groups
    detail = store.member_detail(gym.tess, gym.tuesday.id, gym.cal.id)
    assert detail.submissions == () and detail.feedback == ()  # cal's Thursday work is Uma's
    assert (
        store.member_detail(gym.uma, gym.thursday.id, gym.cal.id).submissions[0].report["verdict"]
        == "Looks like a squat"
    )


# --- made-up ids and made-up accounts ------------------------------------------------------------


@pytest.mark.parametrize("made_up", MADE_UP_IDS)
def test_made_up_ids_of_every_kind_find_nothing(store, gym, made_up):
    calls = [
        lambda: store.dashboard(gym.tess, made_up),
        lambda: store.member_detail(gym.tess, made_up, gym.amy.id),
        lambda: store.member_detail(gym.tess, gym.tuesday.id, made_up),
        lambda: store.create_assignment(gym.tess, made_up, title="x", due=date(2025, 3, 11), lesson_ids=["a"]),
        lambda: store.submit_self_check(gym.amy, made_up, gym.amy_check.id),
        lambda: store.submit_self_check(gym.amy, gym.week1.id, made_up),
        lambda: store.leave_feedback(gym.tess, made_up, "Hello"),
        lambda: store.leave_group(gym.amy, made_up),
        lambda: store.issue_reset_code(gym.tess, made_up, gym.amy.id),
        lambda: store.issue_reset_code(gym.tess, gym.tuesday.id, made_up),
    ]
    for call in calls:
        assert str(refused(call)) == NOT_ALLOWED


def test_a_missing_record_and_someone_elses_look_the_same(store, gym):
    missing = refused(store.dashboard, gym.tess, 10**9)
    not_hers = refused(store.dashboard, gym.tess, gym.thursday.id)
    assert str(missing) == str(not_hers) == NOT_ALLOWED
    assert type(missing) is type(not_hers)


@pytest.mark.parametrize(
    "forge",
    [
        lambda gym: Account(10**6, "ghost", "Ghost", "member"),  # no such account
        lambda gym: Account(2**64, "ghost", "Ghost", "member"),  # an id no database column holds
        lambda gym: Account(gym.amy.id, "amy", "Amy", "trainer"),  # a member posing as a trainer
        lambda gym: Account(gym.tess.id, "tess", "Coach Tess", "member"),  # a trainer posing as a member
    ],
)
def test_a_made_up_account_is_refused_everywhere(store, gym, forge):
    fake = forge(gym)
    calls = [
        lambda: store.progress(fake),
        lambda: store.self_checks(fake),
        lambda: store.save_self_check(fake, report()),
        lambda: store.groups(fake),
        lambda: store.assignments(fake),
        lambda: store.feedback_for(fake),
        lambda: store.start_session(fake),
        lambda: store.dashboard(fake, gym.tuesday.id),
        lambda: store.join_group(fake, gym.tuesday.join_code),
        lambda: store.group_to_join(fake, gym.tuesday.join_code),
        lambda: store.leave_group(fake, gym.tuesday.id),
        lambda: store.end_every_session(fake),
        lambda: store.new_recovery_codes(fake),
        lambda: store.recovery_codes_left(fake),
        lambda: store.export_data(fake),
        lambda: store.change_password(fake, "correct horse battery", "squats on a sunday"),
        lambda: store.delete_account(fake, "correct horse battery"),
        lambda: store.issue_reset_code(fake, gym.tuesday.id, gym.amy.id),
        lambda: store.remember_device(fake),
    ]
    for call in calls:
        assert str(refused(call)) == NOT_ALLOWED
    assert store.dashboard(gym.tess, gym.tuesday.id).group.member_count == 2


def test_a_progress_object_refuses_once_its_account_is_gone(store, gym):
    progress = store.progress(gym.ben)
    with store._engine.begin() as connection:  # the account is deleted behind the page's back
        connection.exec_driver_sql(f"DELETE FROM accounts WHERE id = {gym.ben.id}")
    refused(progress.mark_read, "hinge-basics")
    refused(progress.lessons_read)
    assert store.account_for_session("anything") is None
