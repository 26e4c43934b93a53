"""The trainer's dashboard: the whole group in one table (and as CSV, to sort in a spreadsheet),
then one member in detail: lessons read, every quiz attempt, the self-checks handed in, redrawn
from their stored numbers, and a box for feedback the member then sees on their Homework page."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from course.analysis.report import report_from_json
from course.content import Course
from course.progress import questions_to_pass
from course.store import Account, GroupDashboard, MemberDetail, Store, StoreError
from course.store.records import Assignment, DashboardRow, Part
from course.typed import spreadsheet_cell, visible
from course.views.asking import asked_first
from course.views.homework import feedback_thread
from course.views.places import GROUPS, link
from course.views.recovery import reset_code_for
from course.views.session import plain, trainer_and_store
from course.views.state import course_content

_NEVER = datetime.min.replace(tzinfo=UTC)
MEMBER_COLUMN_PX = 150  # a first name and most surnames; the full name is under "One member"
VERDICT_COLUMN_PX = 200  # "Solid hinge" in full, a longer verdict cut short (in full under "One member")
GROUP_COLUMNS = [  # the group table's columns, in order: who, their homework, then the rest
    "Member",
    "Homework done",
    "Parts done",
    "Overdue",
    "Latest self-check",
    "Lessons read",
    "Quizzes passed",
    "Quiz attempts",
    "Username",
]


def render_dashboard() -> None:
    st.title("Dashboard")
    signed = trainer_and_store("to follow your members")
    if signed is None:
        return
    account, store = signed
    try:
        groups = store.groups(account)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    if not groups:
        st.info("You have no groups yet.", icon=":material/groups:")
        st.page_link(link(GROUPS), label="Make a group", icon=":material/group_add:")
        return
    _new_hand_ins(store, account)
    by_id = {group.id: group for group in groups}
    wanted = st.query_params.get("group")
    first = next((i for i, g in enumerate(groups) if str(g.id) == wanted), 0)
    group_id = st.selectbox(
        "Group",
        list(by_id),
        index=first,
        format_func=lambda i: visible(by_id[i].title + (" (closed)" if by_id[i].closed else "")),
    )
    course = course_content()
    try:
        board = store.dashboard(account, group_id)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    if not board.rows:
        st.info(
            f"Nobody has joined yet. Give your members the join code **`{board.group.join_code}`**.",
            icon=":material/group_add:",
        )
        return

    today = store.now().date()
    overdue_only = st.toggle(
        "Overdue only",
        key="overdue-only",
        help="Only the members with homework past its due date that isn't finished, and only that homework.",
    )
    rows = [row for row in board.rows if overdue(row, board.assignments, today)] if overdue_only else list(board.rows)
    if overdue_only and not rows:
        st.success("Nothing is overdue: everyone has finished the homework that is due.", icon=":material/task_alt:")
    else:
        _group_table(board, course, today, rows)
        st.caption("Tap a column's name to sort by it. The CSV has every lesson's score and every homework.")
    st.download_button(
        "Download as CSV (a spreadsheet)",
        dashboard_csv(board, course),
        file_name=f"{_file_name(board.group.title)}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",  # a download changes nothing on the page: no rerun of the whole group
    )

    _homework_parts(board, course, today, overdue_only)

    st.header("One member", anchor=False)
    members = {row.member.id: row.member for row in board.rows}
    # Open on whoever did something last: that is what a trainer comes to read.
    latest = max(board.rows, key=lambda row: row.latest_self_check.at if row.latest_self_check else _NEVER)
    member_id = st.selectbox(
        "Member",
        list(members),
        index=list(members).index(latest.member.id),
        format_func=lambda i: visible(f"{members[i].display_name} ({members[i].username})"),
    )
    try:
        detail = store.member_detail(account, group_id, member_id)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    _member(detail, course, store, account)
    seen = [h.submission.id for h in detail.submissions]
    if seen:
        with contextlib.suppress(StoreError):  # a read-only store: the notice stays until it can be written
            store.mark_hand_ins_seen(account, seen)  # shown in full above: no longer new


def _group_table(board: GroupDashboard, course: Course, today: date, rows: list[DashboardRow]) -> None:
    """The group's table, one row per member in ``rows``."""
    # A data frame shows every cell as plain text (typed names stay as typed) and sorts by a
    # tap on a column's name; numbers stay numbers so that they sort as numbers. On a phone only
    # the first two columns fit: the name (pinned, cut short; in full under "One member") and
    # the homework come first, the username last. On a 1366 px desktop all nine fit: the page
    # takes the screen's width there (phone.css), the name and the verdict have set widths, cut
    # short with "…" (both are in full under "One member"), the numbers take their headers' width.
    parts = sum(len(assignment.parts) for assignment in board.assignments)
    st.dataframe(
        dashboard_table(board, course, today, rows),
        hide_index=True,
        width="stretch",
        key="group-table",
        column_order=GROUP_COLUMNS,
        column_config={
            "Member": st.column_config.TextColumn(width=MEMBER_COLUMN_PX, pinned=True),
            "Latest self-check": st.column_config.TextColumn(width=VERDICT_COLUMN_PX),
            "Lessons read": st.column_config.NumberColumn(format=f"%d of {len(course.lessons)}"),
            "Quizzes passed": st.column_config.NumberColumn(format=f"%d of {len(course.lessons)}"),
            "Homework done": st.column_config.NumberColumn(format=f"%d of {len(board.assignments)}"),
            "Parts done": st.column_config.NumberColumn(
                format=f"%d of {parts} parts", help="Of every homework: each lesson read, quiz passed and self-check"
            ),
            "Overdue": st.column_config.NumberColumn(help="Homework past its due date and not finished"),
        },
    )


def overdue(row: DashboardRow, assignments: tuple[Assignment, ...], today: date) -> bool:
    """Whether the member has homework past its due date that they haven't finished."""
    return overdue_count(row, assignments, today) > 0


def overdue_count(row: DashboardRow, assignments: tuple[Assignment, ...], today: date) -> int:
    """How many homework the member hasn't finished though its due date has passed."""
    return sum(1 for a in assignments if today > a.due and not row.assignments_done.get(a.id))


def _new_hand_ins(store: Store, trainer: Account) -> None:
    """How many hand-ins came in since the trainer last looked, and which; cleared when the
    member's hand-in is opened below, or all at once."""
    try:
        new = store.new_hand_ins(trainer)
    except StoreError:
        st.caption("New hand-ins can't be counted right now; each member's below is as handed in.")
        return
    if not new:
        return
    with st.container(border=True):
        st.markdown(f":material/inbox: **{len(new)} new hand-in{'s' if len(new) != 1 else ''}** since you last looked")
        st.markdown(
            "\n".join(
                f"- {plain(h.member_name)}: {plain(h.assignment_title)} ({plain(h.group_title)}), {h.at:%d %b %H:%M}"
                for h in new
            )
        )
        if st.button("Mark all as seen", key="seen-all", icon=":material/done_all:"):
            try:
                store.mark_hand_ins_seen(trainer, [h.submission_id for h in new])
            except StoreError as error:
                st.error(str(error), icon=":material/error:")
                return
            st.rerun()


def part_label(part: Part, course: Course) -> str:
    orders = {lesson.id: lesson.order for lesson in course.lessons}
    if part.task == "self_check":
        return "self-check"
    return f"{'read' if part.task == 'read' else 'quiz'} {orders.get(part.lesson_id, '?')}"


def parts_text(assignment: Assignment, row: DashboardRow, course: Course) -> str:
    """'3 of 4 parts: read 1, quiz 1, self-check' for one member and one homework."""
    done = row.parts_done.get(assignment.id, frozenset())
    parts = assignment.parts
    did = [part_label(part, course) for part in parts if part in done]
    return f"{len(did)} of {len(parts)} parts" + (": " + ", ".join(did) if did else "")


def _homework_parts(board: GroupDashboard, course: Course, today: date, overdue_only: bool) -> None:
    """Each homework, and for each member the parts done; "Overdue only" keeps homework past its
    due date and the members who haven't finished it."""
    if not board.assignments:
        return
    st.header("Homework, part by part", anchor=False)
    shown = 0
    for assignment in board.assignments:
        late = today > assignment.due
        rows = [row for row in board.rows if not (overdue_only and row.assignments_done.get(assignment.id))]
        if overdue_only and (not late or not rows):
            continue
        shown += 1
        st.markdown(
            f"**{plain(assignment.title)}**, due {assignment.due:%a %d %b}" + (" · :red[overdue]" if late else "")
        )
        st.markdown(
            "\n".join(f"- {plain(row.member.display_name)}: {parts_text(assignment, row, course)}" for row in rows)
        )
    if overdue_only and not shown:
        st.caption("Nothing is overdue.")


def dashboard_table(
    board: GroupDashboard, course: Course, today: date, rows: list[DashboardRow] | None = None
) -> pd.DataFrame:
    """One row per member (of ``rows``, by default the whole board), with numbers as numbers;
    "Overdue" counts the homework past its due date on ``today`` that the member hasn't finished."""
    table = []
    for row in board.rows if rows is None else rows:
        passed = sum(
            1
            for lesson in course.lessons
            if lesson.id in row.quizzes
            and row.quizzes[lesson.id].correct >= questions_to_pass(row.quizzes[lesson.id].total)
        )
        latest = row.latest_self_check
        table.append(
            {
                "Member": visible(row.member.display_name),
                "Username": row.member.username,
                "Lessons read": len(row.lessons_read & {lesson.id for lesson in course.lessons}),
                "Quizzes passed": passed,
                "Quiz attempts": sum(best.attempts for best in row.quizzes.values()),
                "Latest self-check": latest.verdict if latest else "",
                "Homework done": sum(row.assignments_done.values()),
                "Parts done": sum(len(done) for done in row.parts_done.values()),
                "Overdue": overdue_count(row, board.assignments, today),
            }
        )
    return pd.DataFrame(table)


def dashboard_csv(board: GroupDashboard, course: Course) -> str:
    """Everything on the board, one column per lesson's read / best score / attempts and per
    homework; cells that a spreadsheet would run as a formula are marked as text
    (``course.typed.spreadsheet_cell``), and every text cell is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)  # a ';' inside a cell splits nothing
    header = ["member", "username"]
    for lesson in course.lessons:
        header += [
            f"lesson {lesson.order} read",
            f"lesson {lesson.order} best quiz",
            f"lesson {lesson.order} quiz attempts",
        ]
    header += ["latest self-check", "latest self-check date"] + [f"homework: {a.title}" for a in board.assignments]
    writer.writerow([spreadsheet_cell(name) for name in header])
    for row in board.rows:
        cells: list[object] = [row.member.display_name, row.member.username]
        for lesson in course.lessons:
            best = row.quizzes.get(lesson.id)
            cells += [
                "yes" if lesson.id in row.lessons_read else "no",
                f"{best.correct}/{best.total}" if best else "",
                best.attempts if best else 0,
            ]
        latest = row.latest_self_check
        cells += [latest.verdict if latest else "", f"{latest.at:%Y-%m-%d}" if latest else ""]
        cells += ["done" if row.assignments_done.get(a.id) else "not done" for a in board.assignments]
        writer.writerow([spreadsheet_cell(cell) for cell in cells])
    return out.getvalue()


def _member(detail: MemberDetail, course: Course, store: Store, trainer: Account) -> None:
    from course.views.self_check import show_report

    read = [lesson for lesson in course.lessons if lesson.id in detail.lessons_read]
    st.markdown(
        f"**{plain(detail.member.display_name)}** has read {len(read)} of {len(course.lessons)} lessons"
        + (": " + ", ".join(str(lesson.order) for lesson in read) if read else ".")
    )
    with st.expander("Forgot their password?", icon=":material/key:"):
        reset_code_for(store, trainer, detail.group.id, detail.member)
    if detail.quiz_attempts:
        titles = {lesson.id: f"{lesson.order}. {lesson.title}" for lesson in course.lessons}
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Lesson": titles.get(attempt.lesson_id, attempt.lesson_id),
                        "When": attempt.at.strftime("%d %b %H:%M"),
                        "Score": attempt.score_text,
                        "Passed": attempt.passed,
                    }
                    for attempt in reversed(detail.quiz_attempts)
                ]
            ),
            hide_index=True,
            width="stretch",
            key="attempts",
        )
    else:
        st.caption("No quiz tried yet.")

    if not detail.submissions:
        st.caption("No self-check handed in yet.")
    for handed_in in detail.submissions:
        submission = handed_in.submission
        with st.container(border=True):
            st.markdown(
                f"**Self-check for {plain(handed_in.assignment_title)}** · handed in {submission.at:%d %b %H:%M}"
            )
            try:
                report = report_from_json(handed_in.report)
            except (KeyError, TypeError, ValueError):
                st.warning("This self-check was saved in a form this version can't draw.", icon=":material/warning:")
            else:
                show_report(report, course, key=f"submission-{submission.id}", for_trainer=True)
            for note in handed_in.feedback:
                feedback_thread(store, trainer, note)
            with st.form(f"feedback-{submission.id}", clear_on_submit=True):
                text = st.text_area("Feedback for your member", placeholder="What to keep, what to try next time")
                if st.form_submit_button("Send feedback", icon=":material/send:"):
                    try:
                        store.leave_feedback(trainer, submission.id, text)
                        st.toast("Feedback sent: your member sees it on their Homework page.", icon=":material/chat:")
                        st.rerun()
                    except StoreError as error:
                        st.error(str(error), icon=":material/error:")

    _remove_member(store, trainer, detail)


def _remove_member(store: Store, trainer: Account, detail: MemberDetail) -> None:
    """Take the member out of the group, asked first: the same as the member leaving."""
    member = detail.member
    if not asked_first(
        ("remove", member.id),
        f"Remove {plain(member.display_name)} from the group",
        f"Remove **{plain(member.display_name)}** from **{plain(detail.group.title)}**? You will see nothing "
        "more of them: not their progress, and not the self-checks they handed in for this group's homework "
        "(those hand-ins and the feedback on them go; they keep their own progress and self-checks).",
        "Remove them",
        "Keep them",
        icon=":material/person_remove:",
    ):
        return
    try:
        store.remove_member(trainer, detail.group.id, member.id)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.toast(
        f"{plain(member.display_name)} is no longer in {plain(detail.group.title)}.", icon=":material/person_remove:"
    )
    st.rerun()


def _file_name(title: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    return safe[:40] or "group"
