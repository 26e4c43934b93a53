"""A trainer's day in the store, on SQLite and PostgreSQL: editing and deleting homework, closing
a group, removing a member, the parts of a homework a member did, hand-ins not seen yet, and a
short reply thread under feedback. Every rule both ways: the owner may, anyone else may not."""

from __future__ import annotations

from datetime import date

import pytest

from course.store import InvalidInput, NotAllowed, rules
from course.store.records import Part
from tests.store.helpers import attempt, build_gym, report

DUE = date(2025, 3, 11)


@pytest.fixture
def gym(store):
    return build_gym(store)


def four_parts(store, gym):
    """Read two lessons, pass one quiz, hand in a self-check: 4 parts, for Tess's group."""
    return store.create_assignment(
        gym.tess,
        gym.tuesday.id,
        title="Week 1",
        due=DUE,
        lesson_ids=["hinge-basics", "hip-joint"],
        quiz_lesson_ids=["hinge-basics"],
    )


def hand_in(store, person, homework):
    check = store.save_self_check(person, report(f"Hinge by {person.display_name}"))
    return store.submit_self_check(person, homework.id, check.id)


# --- editing and deleting homework --------------------------------------------------------------


def test_a_trainer_edits_their_homework_and_members_see_the_new_version(store, gym):
    homework = four_parts(store, gym)
    store.edit_assignment(
        gym.tess,
        homework.id,
        title="Week 1, again",
        due=date(2025, 3, 14),
        lesson_ids=["hinge-basics"],
        self_check=False,
        note="Only the reading.",
    )
    [status] = store.assignments(gym.amy)
    assert (status.assignment.title, status.assignment.due, status.assignment.note) == (
        "Week 1, again",
        date(2025, 3, 14),
        "Only the reading.",
    )
    assert status.assignment.parts == (Part("read", "hinge-basics"),)
    assert status.assignment.created_at == homework.created_at


def test_nobody_but_the_homeworks_trainer_can_edit_it(store, gym):
    homework = four_parts(store, gym)
    for someone in (gym.uma, gym.amy):
        with pytest.raises(NotAllowed):
            store.edit_assignment(someone, homework.id, title="Taken over", due=DUE, lesson_ids=["x"])
    with pytest.raises(NotAllowed):
        store.edit_assignment(gym.tess, 2**40, title="Made up", due=DUE, lesson_ids=["x"])
    assert store.assignments(gym.amy)[0].assignment.title == "Week 1"


def test_an_edit_is_checked_like_new_homework_and_a_refused_one_changes_nothing(store, gym):
    homework = four_parts(store, gym)
    with pytest.raises(InvalidInput) as empty:
        store.edit_assignment(gym.tess, homework.id, title="Nothing to do", due=DUE, self_check=False)
    assert empty.value.field == "lesson_ids"
    assert store.assignments(gym.amy)[0].assignment == homework


def test_deleting_homework_takes_its_hand_ins_feedback_and_replies_and_leaves_the_self_checks(store, gym):
    homework, other = four_parts(store, gym), store.create_assignment(gym.tess, gym.tuesday.id, title="Film", due=DUE)
    note = store.leave_feedback(gym.tess, hand_in(store, gym.amy, homework).id, "Good.")
    store.reply_to_feedback(gym.amy, note.id, "Thanks!")
    hand_in(store, gym.amy, other)
    with pytest.raises(NotAllowed):
        store.delete_assignment(gym.uma, homework.id)
    with pytest.raises(NotAllowed):
        store.delete_assignment(gym.amy, homework.id)
    assert store.delete_assignment(gym.tess, homework.id) == 1
    assert [s.assignment.title for s in store.assignments(gym.amy)] == ["Film"]
    assert store.feedback_for(gym.amy) == []
    assert len(store.self_checks(gym.amy)) == 2, "her self-checks are hers"
    assert [h.assignment_title for h in store.new_hand_ins(gym.tess)] == ["Film"]


# --- closing a group and removing a member ---------------------------------------------------------


def test_a_closed_group_takes_no_joins_or_homework_and_stays_listed_as_closed(store, gym):
    homework = four_parts(store, gym)
    store.progress(gym.amy).mark_read("hinge-basics")
    with pytest.raises(NotAllowed):
        store.close_group(gym.uma, gym.tuesday.id)
    closed = store.close_group(gym.tess, gym.tuesday.id)
    assert closed.closed and [g.closed for g in store.groups(gym.tess)] == [True]
    with pytest.raises(InvalidInput) as refused:
        store.join_group(gym.dee, gym.tuesday.join_code)
    assert "closed" in str(refused.value)
    with pytest.raises(InvalidInput) as not_offered:  # nor is it offered: the join link asks nothing
        store.group_to_join(gym.dee, gym.tuesday.join_code)
    assert "closed" in str(not_offered.value)
    with pytest.raises(InvalidInput):
        store.create_assignment(gym.tess, gym.tuesday.id, title="More", due=DUE)
    assert store.assignments(gym.amy)[0].lessons_read == {"hinge-basics"}, "members keep their progress"
    assert [r.member.username for r in store.dashboard(gym.tess, gym.tuesday.id).rows] == ["amy", "ben"]
    assert store.close_group(gym.tess, gym.tuesday.id).closed_at == closed.closed_at
    assert store.join_group(gym.dee, gym.thursday.join_code).title == "Thursday strength", "other groups open"
    assert homework.id in {s.assignment.id for s in store.assignments(gym.ben)}


def test_a_removed_member_vanishes_from_the_trainers_view_like_one_who_left(store, gym):
    homework = four_parts(store, gym)
    note = store.leave_feedback(gym.tess, hand_in(store, gym.amy, homework).id, "Good.")
    store.reply_to_feedback(gym.amy, note.id, "Thanks!")
    for someone, group in ((gym.uma, gym.tuesday), (gym.amy, gym.tuesday), (gym.tess, gym.thursday)):
        with pytest.raises(NotAllowed):
            store.remove_member(someone, group.id, gym.ben.id)
    with pytest.raises(NotAllowed):
        store.remove_member(gym.tess, gym.tuesday.id, gym.cal.id)  # in Uma's group, not Tess's
    assert store.remove_member(gym.tess, gym.tuesday.id, gym.amy.id).username == "amy"
    assert [r.member.username for r in store.dashboard(gym.tess, gym.tuesday.id).rows] == ["ben"]
    with pytest.raises(NotAllowed):
        store.member_detail(gym.tess, gym.tuesday.id, gym.amy.id)
    assert store.new_hand_ins(gym.tess) == [] and store.feedback_for(gym.amy) == []
    assert store.groups(gym.amy) == [] and len(store.self_checks(gym.amy)) == 1
    with pytest.raises(NotAllowed):
        store.reply_to_feedback(gym.tess, note.id, "Still there?")


# --- parts done ----------------------------------------------------------------------------------


def test_the_dashboard_names_each_part_a_member_did(store, gym):
    homework = four_parts(store, gym)
    store.progress(gym.amy).mark_read("hip-joint")
    store.progress(gym.amy).record_quiz_attempt(attempt("hinge-basics", 3))  # 3 of 4 passes at 0.75
    hand_in(store, gym.amy, homework)
    store.progress(gym.ben).record_quiz_attempt(attempt("hinge-basics", 1))  # fails
    rows = {row.member.username: row for row in store.dashboard(gym.tess, gym.tuesday.id).rows}
    assert len(homework.parts) == 4
    assert rows["amy"].parts_done[homework.id] == {
        Part("read", "hip-joint"),
        Part("quiz", "hinge-basics"),
        Part("self_check"),
    }
    assert rows["ben"].parts_done[homework.id] == frozenset()
    assert store.assignments(gym.amy)[0].parts_done == rows["amy"].parts_done[homework.id]


# --- hand-ins the trainer hasn't seen ------------------------------------------------------------------


def test_a_new_hand_in_is_listed_for_its_trainer_until_seen_and_again_when_handed_in_again(store, gym, clock):
    homework = four_parts(store, gym)
    first = hand_in(store, gym.amy, homework)
    [new] = store.new_hand_ins(gym.tess)
    assert (new.member_name, new.assignment_title, new.group_title) == ("Amy", "Week 1", "Tuesday beginners")
    assert store.new_hand_ins(gym.uma) == []
    store.mark_hand_ins_seen(gym.uma, [first.id])  # not hers: changes nothing
    assert len(store.new_hand_ins(gym.tess)) == 1
    with pytest.raises(NotAllowed):
        store.new_hand_ins(gym.amy)
    store.mark_hand_ins_seen(gym.tess, [first.id])
    assert store.new_hand_ins(gym.tess) == []
    clock.advance(hours=1)
    hand_in(store, gym.amy, homework)
    assert [h.submission_id for h in store.new_hand_ins(gym.tess)] == [first.id]


# --- a reply thread under feedback -------------------------------------------------------------------


def test_the_member_and_their_trainer_reply_under_feedback_and_nobody_else_can(store, gym, clock):
    homework = four_parts(store, gym)
    note = store.leave_feedback(gym.tess, hand_in(store, gym.amy, homework).id, "Hips further back.")
    store.reply_to_feedback(gym.amy, note.id, "How far back?")
    clock.advance(minutes=5)
    store.reply_to_feedback(gym.tess, note.id, "Until your shins are vertical.")
    for someone in (gym.ben, gym.uma, gym.cal):
        with pytest.raises(NotAllowed):
            store.reply_to_feedback(someone, note.id, "Butting in")
    [seen] = store.feedback_for(gym.amy)
    assert [(r.author_name, r.text) for r in seen.replies] == [
        ("Amy", "How far back?"),
        ("Coach Tess", "Until your shins are vertical."),
    ]
    [detail_note] = store.member_detail(gym.tess, gym.tuesday.id, gym.amy.id).feedback
    assert detail_note.replies == seen.replies
    assert store.feedback_for(gym.ben) == []


def test_a_thread_stops_at_its_length_and_a_reply_at_its_size(store, gym):
    homework = four_parts(store, gym)
    note = store.leave_feedback(gym.tess, hand_in(store, gym.amy, homework).id, "Good.")
    with pytest.raises(InvalidInput):
        store.reply_to_feedback(gym.amy, note.id, "x" * (rules.REPLY_TEXT.max_chars + 1))
    with pytest.raises(InvalidInput):
        store.reply_to_feedback(gym.amy, note.id, "   ")
    limit = int(rules.FEEDBACK_THREAD_REPLIES.value)
    for n in range(limit):
        store.reply_to_feedback(gym.amy if n % 2 else gym.tess, note.id, f"Message {n}")
    with pytest.raises(InvalidInput) as full:
        store.reply_to_feedback(gym.amy, note.id, "One more")
    assert str(limit) in str(full.value)
    assert len(store.feedback_for(gym.amy)[0].replies) == limit
