"""The trainer's dashboard through AppTest, on a real store: the table, its CSV, one member in
detail with their handed-in self-check redrawn, and feedback that reaches the member."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from course.content import load_course
from course.progress import QuizAttempt
from course.store import Account, Assignment, Group, Submission
from course.views.dashboard import dashboard_csv
from course.views.session import plain
from tests.motion_factory import report_for
from tests.page_harness import (
    app,
    labelled,
    member,
    open_page,
    page_links,
    shown,
    submit,
    trainer,
)

COURSE = load_course()
LESSON_1_QUESTIONS = len(COURSE.lesson("your-hip-joint").quiz)
LESSON_2_QUESTIONS = len(COURSE.lesson("what-is-a-hinge").quiz)
EARLIER = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)


def attempt(lesson_id: str, correct: int, minutes: int = 0) -> QuizAttempt:
    total = len(COURSE.lesson(lesson_id).quiz)
    return QuizAttempt(lesson_id, {"q": frozenset({0})}, correct, total, EARLIER + timedelta(minutes=minutes))


@dataclass
class Class:
    tess: Account
    group: Group
    week1: Assignment
    amy: Account
    ben: Account
    submission: Submission


@pytest.fixture
def tuesday(store) -> Class:
    """Coach Tess's group: Amy did the week's homework (read lesson 1, passed its quiz, handed in
    a self-check at the second try) and failed lesson 2's quiz with 2 right; Ben joined and did nothing yet."""
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Tuesday 7 pm")
    week1 = store.create_assignment(
        tess,
        group.id,
        title="Week 1",
        due=date.today() + timedelta(days=7),
        lesson_ids=["your-hip-joint"],
        quiz_lesson_ids=["your-hip-joint"],
        self_check=True,
    )
    amy, ben = member(store, "amy"), member(store, "ben")
    for person in (amy, ben):
        store.join_group(person, group.join_code)
    progress = store.progress(amy)
    progress.mark_read("your-hip-joint")
    progress.mark_read("what-is-a-hinge")
    tries = [("your-hip-joint", 2), ("your-hip-joint", LESSON_1_QUESTIONS), ("what-is-a-hinge", 2)]
    for minutes, (lesson, correct) in enumerate(tries):
        progress.record_quiz_attempt(attempt(lesson, correct, minutes))
    check = store.save_self_check(amy, report_for("locked_knee_hinge", COURSE.cues).to_json())
    submission = store.submit_self_check(amy, week1.id, check.id)
    return Class(tess, group, week1, amy, ben, submission)


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What each st.download_button serves, by the address the button links to: its bytes,
    type and file name."""
    served = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored = self.get_file(file_id)
        served[self.get_url(file_id)] = (stored.content, stored.mimetype, stored.filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return served


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- the table and its CSV -----------------------------------------------------------------------


def test_the_table_has_one_row_per_member_with_their_numbers(tuesday):
    at = app("dashboard", account=tuesday.tess)
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "Member",
        "Username",
        "Lessons read",
        "Quizzes passed",
        "Quiz attempts",
        "Latest self-check",
        "Homework done",
        "Parts done",
        "Overdue",
    ]
    assert frame.values.tolist() == [
        ["Amy", "amy", 2, 1, 3, "One thing to fix: your knees locked straight", 1, 3, 0],
        ["Ben", "ben", 0, 0, 0, "", 0, 0, 0],
    ]


def test_the_csv_download_holds_every_lesson_and_homework_per_member(tuesday, downloads):
    at = app("dashboard", account=tuesday.tess)
    button = at.get("download_button")[0]
    data, mime, file_name = downloads[button.proto.url]
    assert (mime, file_name) == ("text/csv", "tuesday-7-pm.csv")
    amy, ben = rows(data.decode())
    assert amy["member"] == "Amy" and ben["member"] == "Ben"
    full = f"{LESSON_1_QUESTIONS}/{LESSON_1_QUESTIONS}"
    assert (amy["lesson 1 read"], amy["lesson 1 best quiz"], amy["lesson 1 quiz attempts"]) == ("yes", full, "2")
    assert (amy["lesson 2 read"], amy["lesson 2 best quiz"], amy["lesson 2 quiz attempts"]) == (
        "yes",
        f"2/{LESSON_2_QUESTIONS}",
        "1",
    )
    assert (amy["lesson 3 read"], amy["lesson 3 best quiz"], amy["lesson 3 quiz attempts"]) == ("no", "", "0")
    assert amy["latest self-check"] == "One thing to fix: your knees locked straight"
    assert amy["latest self-check date"] == f"{datetime.now(UTC):%Y-%m-%d}"
    assert (amy["homework: Week 1"], ben["homework: Week 1"]) == ("done", "not done")
    assert (ben["lesson 1 read"], ben["latest self-check"]) == ("no", "")
    assert len(amy) == 2 + 3 * len(COURSE.lessons) + 2 + 1


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_quoted_in_the_csv(tuesday, store, downloads):
    formula = '=HYPERLINK("http://evil.example","Click")'
    store.join_group(member(store, "cal", formula), tuesday.group.join_code)
    at = app("dashboard", account=tuesday.tess)
    data, _, _ = downloads[at.get("download_button")[0].proto.url]
    assert [row["member"] for row in rows(data.decode())] == ["'" + formula, "Amy", "Ben"]
    assert at.dataframe[0].value["Member"].tolist()[0] == formula, "the table on screen shows the name as typed"


@pytest.mark.parametrize("name", ["=1+1", "+1+1", "-1+1", "@SUM(1)", " =1+1", "Amy;=cmd|' /C calc'!A0"])
def test_every_formula_start_is_quoted(tuesday, store, name):
    store.join_group(member(store, "cal", name), tuesday.group.join_code)
    board = store.dashboard(tuesday.tess, tuesday.group.id)
    text = dashboard_csv(board, COURSE)
    assert f'"\'{name}"' in text, "marked as text, and quoted so a ';' splits nothing"
    assert sorted(row["member"] for row in rows(text))[0] == f"'{name}"


def test_a_name_that_turns_the_text_around_shows_marked_on_the_dashboard(tuesday, store):
    with store._engine.begin() as connection:  # kept before such names were refused
        connection.execute(
            sa.text("UPDATE accounts SET display_name = :name WHERE id = :id"),
            {"name": "Ben\u202egnp.exe", "id": tuesday.ben.id},
        )
    at = app("dashboard", account=tuesday.tess)
    assert "Ben�gnp.exe" in at.dataframe[0].value["Member"].tolist()
    assert "\u202e" not in shown(at) + "".join(at.dataframe[0].value["Member"])


def test_a_group_nobody_joined_yet_shows_its_join_code(store):
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Thursday")
    at = app("dashboard", account=tess)
    assert not at.exception
    assert at.info[0].value == f"Nobody has joined yet. Give your members the join code **`{group.join_code}`**."
    assert not [element for element in at.markdown if element.value.startswith("| Member |")]


def test_a_trainer_without_groups_is_sent_to_make_one(store):
    at = app("dashboard", account=trainer(store, "tess"))
    assert at.info[0].value == "You have no groups yet."


# --- one member ----------------------------------------------------------------------------------


def test_a_members_detail_shows_their_handed_in_self_check_redrawn(tuesday):
    at = app("dashboard", account=tuesday.tess)
    assert labelled(at.selectbox, "Member").value == tuesday.amy.id
    text = shown(at)
    assert f"**Amy** has read 2 of {len(COURSE.lessons)} lessons: 1, 2" in text
    assert "**Self-check for Week 1** · handed in" in text
    assert "**One thing to fix: your knees locked straight.** 3 reps judged. One thing to work on, below." in [
        box.value for box in at.info
    ]
    assert "**1. Your knees locked straight** · rep 1, 2, 3" in text
    assert "Your angles over time" in text, "the stored angles are drawn again"
    attempts = at.dataframe[-1].value[["Score", "Passed"]].values.tolist()
    one, two = LESSON_1_QUESTIONS, LESSON_2_QUESTIONS
    assert attempts == [[f"2 of {two}", False], [f"{one} of {one}", True], [f"2 of {one}", False]], "newest first"


def stale_hand_in(store, tuesday, fault: str, **saved: str) -> None:
    """Amy hands in a report saved by an older version of the course: its cue for `fault` names
    the lesson, section and figure given in `saved`."""
    report = report_for("locked_knee_hinge", COURSE.cues).to_json()
    for cue in report["cues"]:
        cue.update(fault=fault, **saved)
    report["faults"] = [{**f, "id": fault} for f in report["faults"]]
    check = store.save_self_check(tuesday.amy, report)
    store.submit_self_check(tuesday.amy, tuesday.week1.id, check.id)


def test_a_hand_in_saved_before_its_lesson_was_renamed_links_to_where_the_fix_is_taught_now(tuesday, store):
    stale_hand_in(store, tuesday, "locked_knees", lesson_id="old-mistakes", section="Old heading", figure="old-figure")
    at = app("dashboard", account=tuesday.tess)
    assert not at.exception
    taught = COURSE.cues["locked_knees"]
    lesson = COURSE.lesson(taught.lesson_id)
    fixes = [label for label in page_links(at) if label.startswith("Learn the fix")]
    assert fixes == [f"Learn the fix: Lesson {lesson.order}, {taught.section}"]  # the newer hand-in replaced the first


def test_a_hand_in_whose_fault_and_lesson_are_gone_is_shown_without_a_link(tuesday, store):
    stale_hand_in(store, tuesday, "retired_fault", lesson_id="old-mistakes", section="Old heading", figure="old-figure")
    at = app("dashboard", account=tuesday.tess)
    assert not at.exception
    text = shown(at)
    assert "saved by an older version of the course" in text
    assert "**1. Your knees locked straight** · rep 1, 2, 3" in text, "the saved words are still shown"


def test_a_store_that_cant_count_new_hand_ins_says_so_and_shows_the_rest(tuesday, store, monkeypatch):
    from course.store import StoreUnavailable

    def unavailable(self, trainer):
        raise StoreUnavailable("busy", "The course's records are busy.")

    monkeypatch.setattr(type(store), "new_hand_ins", unavailable)
    at = app("dashboard", account=tuesday.tess)
    assert not at.exception
    text = shown(at)
    assert "New hand-ins can't be counted right now" in text
    assert "**Self-check for Week 1** · handed in" in text


def test_a_member_who_handed_nothing_in_shows_so(tuesday):
    at = app("dashboard", account=tuesday.tess)
    labelled(at.selectbox, "Member").set_value(tuesday.ben.id).run()
    assert not at.exception
    text = shown(at)
    assert f"**Ben** has read 0 of {len(COURSE.lessons)} lessons." in text
    assert "No quiz tried yet." in text and "No self-check handed in yet." in text


def test_a_reset_code_made_on_the_dashboard_lets_the_member_set_a_new_password(tuesday, store):
    at = app("dashboard", account=tuesday.tess)
    at.button(key=f"reset-code-{tuesday.group.id}-{tuesday.amy.id}").click().run()
    assert not at.exception
    [code] = [block.value for block in at.code if len(block.value) == 14]
    assert any(box.value.startswith("Reset code for **Amy**") for box in at.success)
    assert store.reset_password("amy", code, "squats on a sunday morning") == tuesday.amy
    assert store.sign_in("amy", "squats on a sunday morning") == tuesday.amy


@pytest.mark.slow
def test_feedback_sent_from_the_dashboard_reaches_the_members_homework(tuesday, store):
    at = app("dashboard", account=tuesday.tess)
    labelled(at.text_area, "Feedback for your member").input("Good depth. Now keep the knees soft.")
    submit(at, f"feedback-{tuesday.submission.id}", "Send feedback")
    assert not at.exception
    (note,) = store.feedback_for(tuesday.amy)
    assert (note.text, note.trainer_name) == ("Good depth. Now keep the knees soft.", "Coach Tess")
    assert any(
        box.value.startswith("**You wrote** on ") and box.value.endswith("Good depth\\. Now keep the knees soft\\.")
        for box in at.info
    )

    homework = app("homework", account=tuesday.amy)
    assert any(
        box.value.startswith("**Coach Tess** wrote on ") and "Now keep the knees soft\\." in box.value
        for box in homework.info
    )


def test_empty_feedback_is_refused_with_a_reason(tuesday, store):
    at = app("dashboard", account=tuesday.tess)
    submit(at, f"feedback-{tuesday.submission.id}", "Send feedback")
    assert not at.exception
    assert "Your feedback needs" in at.error[0].value
    assert store.feedback_for(tuesday.amy) == []


# --- whose groups -------------------------------------------------------------------------------


def test_a_trainers_dashboard_never_lists_another_trainers_group(tuesday, store):
    uma = trainer(store, "uma")
    other = store.create_group(uma, "Uma's Monday")
    store.join_group(member(store, "cal"), other.join_code)
    at = app("dashboard", account=tuesday.tess, query={"group": str(other.id)})
    assert not at.exception
    assert labelled(at.selectbox, "Group").options == ["Tuesday 7 pm"]
    assert labelled(at.selectbox, "Group").value == tuesday.group.id
    assert at.dataframe[0].value["Username"].tolist() == ["amy", "ben"]
    assert "Uma" not in shown(at)


def test_the_groups_page_links_to_the_dashboard_of_that_group(tuesday, store):
    second = store.create_group(tuesday.tess, "Another class")
    store.join_group(member(store, "dee"), second.join_code)
    at = app("dashboard", account=tuesday.tess, query={"group": str(tuesday.group.id)})
    assert labelled(at.selectbox, "Group").value == tuesday.group.id
    open_page(at, "dashboard", query={"group": str(second.id)})
    assert labelled(at.selectbox, "Group").value == second.id
    assert at.dataframe[0].value["Username"].tolist() == ["dee"]


# --- what people type is shown as typed ----------------------------------------------------------


def test_a_members_name_and_the_feedback_are_shown_as_typed_on_the_dashboard(tuesday, store):
    hostile = "<script>x</script> **bold** [x](javascript:1) :red[red]"
    cal = member(store, "cal", hostile)
    store.join_group(cal, tuesday.group.join_code)
    at = app("dashboard", account=tuesday.tess)
    assert at.dataframe[0].value["Member"].tolist()[0] == hostile, "a data frame shows cells as plain text"
    choice = labelled(at.selectbox, "Member")
    assert choice.options[0] == f"{hostile} (cal)", "a select box shows its options as plain text"
    choice.set_value(cal.id).run()
    assert f"**{plain(hostile)}** has read 0 of {len(COURSE.lessons)} lessons." in shown(at)

    note = "<img src=x onerror=alert(1)> __under__ :material/home:"
    store.leave_feedback(tuesday.tess, tuesday.submission.id, note)
    labelled(at.selectbox, "Member").set_value(tuesday.amy.id).run()
    assert any(box.value.endswith(plain(note)) for box in at.info)
    assert not re.search(r"(?<!\\)<", shown(at)), "no tag opens anywhere on the page"
    assert "](javascript" not in shown(at) and ":red[" not in shown(at)


# --- a trainer's day -----------------------------------------------------------------------------


def test_a_new_hand_in_is_announced_with_each_members_parts_and_cleared_once_opened(tuesday, store):
    at = app("dashboard", account=tuesday.tess)
    assert not at.exception
    text = shown(at)
    assert "1 new hand-in" in text and "Amy: Week 1 (Tuesday 7 pm)" in text
    assert "Amy: 3 of 3 parts: read 1, quiz 1, self-check" in text
    assert "Ben: 0 of 3 parts" in text
    assert store.new_hand_ins(tuesday.tess) == [], "Amy's hand-in was shown in full below the notice"
    assert "new hand-in" not in shown(app("dashboard", account=tuesday.tess))


def test_overdue_only_keeps_late_homework_and_who_has_not_finished_it(tuesday, store):
    late = store.create_assignment(
        tuesday.tess,
        tuesday.group.id,
        title="Last week",
        due=date.today() - timedelta(days=3),
        lesson_ids=["what-is-a-hinge"],
        self_check=False,
    )
    at = app("dashboard", account=tuesday.tess)
    at.toggle(key="overdue-only").set_value(True).run()
    text = shown(at)
    assert "Last week" in text and "overdue" in text and "Week 1, due" not in text
    assert "Ben: 0 of 1 parts" in text and "Amy: 1 of 1 parts" not in text, "Amy read lesson 2: done"
    table = at.dataframe[0].value
    assert table["Member"].tolist() == ["Ben"], "only the member with overdue homework is in the table"
    assert table.set_index("Member").loc["Ben", ["Parts done", "Overdue"]].tolist() == [0, 1]
    assert late.id in {a.id for a in store.dashboard(tuesday.tess, tuesday.group.id).assignments}


def test_overdue_only_with_nothing_overdue_says_so_instead_of_an_empty_table(tuesday):
    at = app("dashboard", account=tuesday.tess)
    at.toggle(key="overdue-only").set_value(True).run()
    assert not at.exception
    assert all("Parts done" not in frame.value.columns for frame in at.dataframe), "an empty group table is shown"
    assert any("Nothing is overdue" in box.value for box in at.success)


@pytest.mark.slow
def test_removing_a_member_asks_first_and_then_they_are_gone_from_the_dashboard(tuesday, store):
    at = app("dashboard", account=tuesday.tess)
    at.button(key=f"remove-{tuesday.amy.id}").click().run()
    assert any("Remove **Amy**" in box.value for box in at.warning)
    assert len(store.dashboard(tuesday.tess, tuesday.group.id).rows) == 2, "asked, not done"
    at.button(key=f"remove-yes-{tuesday.amy.id}").click().run()
    assert not at.exception
    assert [r.member.username for r in store.dashboard(tuesday.tess, tuesday.group.id).rows] == ["ben"]
    assert store.groups(tuesday.amy) == []


def test_a_member_replies_to_feedback_as_plain_text_and_the_trainer_sees_it(tuesday, store):
    store.leave_feedback(tuesday.tess, tuesday.submission.id, "Softer knees.")
    [note] = store.feedback_for(tuesday.amy)
    hostile = "[my video](http://evil.example) <b>loud</b> :red[alarm]"
    homework = app("homework", account=tuesday.amy)
    homework.text_area(key=f"reply-text-{note.id}").input(hostile)
    submit(homework, f"reply-{note.id}", "Send reply")
    assert not homework.exception
    [reply] = store.feedback_for(tuesday.amy)[0].replies
    assert reply.text == hostile
    assert any(plain(hostile).replace("\n", "\n> ") in block.value for block in homework.markdown)
    assert not any("](http://evil.example)" in block.value for block in homework.markdown)
    dashboard = app("dashboard", account=tuesday.tess)
    assert plain(hostile) in shown(dashboard)


def test_a_store_that_cant_list_homework_says_so_on_home_and_the_lessons_still_show(tuesday, store, monkeypatch):
    from course.store import StoreUnavailable

    def unavailable(self, member):
        raise StoreUnavailable("busy", "The course's records are busy.")

    monkeypatch.setattr(type(store), "assignments", unavailable)
    at = app(None, account=tuesday.ben)
    assert not at.exception
    assert "Your homework can't be shown right now" in shown(at)
    assert any("1. " in label for label in page_links(at)), "the lessons are listed all the same"


def test_homework_due_within_the_window_shows_due_soon_on_home_and_homework(tuesday, store):
    store.create_assignment(
        tuesday.tess, tuesday.group.id, title="Film by tomorrow", due=date.today() + timedelta(days=1), self_check=True
    )
    for page in ("homework", None):
        at = app(page, account=tuesday.ben)
        assert not at.exception
        assert any(box.value.startswith("Due soon: **Film by tomorrow**") for box in at.warning), page
    assert not any(
        "Due soon" in box.value for box in app("homework", account=tuesday.amy).warning if "Week 1" in box.value
    ), "a week away is not soon"
