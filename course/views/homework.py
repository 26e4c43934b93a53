"""Homework, as a member sees it: join a trainer's group (after saying yes to what the trainer
will see), leave one, see what is due and what is done, and read the trainer's feedback. Hand in
a self-check from the self-check page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from course.content import Course
from course.settings import Settings
from course.store import Account, AssignmentStatus, Group, Store, StoreError, rules
from course.store.records import Feedback
from course.views.asking import asked_first
from course.views.places import ACCOUNT, SELF_CHECK, lesson_place, link
from course.views.session import plain, signed_in, store_or_warning
from course.views.state import course_content

DONE, TO_DO = ":green[:material/check_circle:]", ":material/radio_button_unchecked:"
PENDING_JOIN = "pending_join"  # session state: a join code waiting for the member's yes

WHAT_THE_TRAINER_SEES = (
    "- your name and username,\n"
    "- which lessons you have read, and every quiz attempt with its score,\n"
    "- the verdict and date of your latest saved self-check, and in full the self-checks you "
    "hand in for their homework.\n\n"
    "They never see your clips (they are never kept), your password or the self-checks you "
    "don't hand in. You can leave the group at any time; then they see nothing more of you."
)
"""What joining shows a trainer: everything ``Store.dashboard`` and ``Store.member_detail`` give them."""


def render_homework() -> None:
    st.title("Homework")
    joining = st.query_params.get("join") or st.session_state.get(PENDING_JOIN)
    account = signed_in()
    if account is None:
        if joining:
            st.session_state[PENDING_JOIN] = joining
        st.info(
            "Homework is set by a trainer. Sign in, or create an account, to join your trainer's "
            "group and see what they set you."
            + (f" Then you'll be asked to join the group with code **{plain(joining)}**." if joining else ""),
            icon=":material/assignment:",
        )
        st.page_link(link(ACCOUNT), label="Sign in or create an account", icon=":material/person:")
        return
    store = store_or_warning()
    if store is None:
        return
    if joining:
        st.query_params.pop("join", None)  # the code stays in this session until the member answers
        st.session_state[PENDING_JOIN] = joining
        _ask_to_join(store, account, joining)

    try:
        statuses = store.assignments(account)
        joined = store.groups(account)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    course = course_content()
    if not statuses:
        st.markdown("Nothing is due. When your trainer sets homework for your group, it shows here.")
    now = store.now()
    soon = due_soon(statuses, now)
    if soon:
        st.warning(due_soon_text(soon), icon=":material/alarm:")
    open_work = [s for s in statuses if not s.done]
    finished = [s for s in statuses if s.done]
    for status in open_work:
        _assignment(status, course, store, account, now)
    if finished:
        # Feedback mostly arrives on finished work, folded away here: the label says it is there.
        notes = sum(len(s.feedback) for s in finished)
        label = f"Done ({len(finished)})" + (
            f" · {notes} note{'s' if notes != 1 else ''} from your trainer" if notes else ""
        )
        with st.expander(label, icon=":material/task_alt:"):
            for status in finished:
                _assignment(status, course, store, account, now)

    st.header("Your groups", anchor=False)  # h2 under the page title (h1): no level skipped
    for group in joined:
        _joined_group(store, account, group)
    with st.form("join-group", clear_on_submit=True):
        code = st.text_input("Join a group", placeholder="Code from your trainer, e.g. K7QX2M9P")
        if st.form_submit_button("Join", icon=":material/group_add:") and code.strip():
            st.session_state[PENDING_JOIN] = code
            st.rerun()  # asked at the top of the page, like a join link


def _ask_to_join(store: Store, member: Account, code: str) -> None:
    """Name the group and its trainer and say what the trainer will see; join only on a yes."""
    try:
        group = store.group_to_join(member, code)
        already = any(g.id == group.id for g in store.groups(member))
    except StoreError as error:
        st.session_state.pop(PENDING_JOIN, None)
        st.error(str(error), icon=":material/error:")
        return
    if already:
        st.session_state.pop(PENDING_JOIN, None)
        st.info(
            f"You're already in **{plain(group.title)}**, {plain(group.trainer_name)}'s group.",
            icon=":material/groups:",
        )
        return
    with st.container(border=True):
        st.markdown(f"#### Join **{plain(group.title)}**, {plain(group.trainer_name)}'s group?")
        st.markdown(f"If you join, **{plain(group.trainer_name)}** will see:\n\n{WHAT_THE_TRAINER_SEES}")
        yes, no = st.columns(2)
        if yes.button("Join this group", type="primary", icon=":material/group_add:", width="stretch", key="join-yes"):
            st.session_state.pop(PENDING_JOIN, None)
            try:
                joined = store.join_group(member, code)
            except StoreError as error:
                st.error(str(error), icon=":material/error:")
                return
            st.toast(
                f"You joined {plain(joined.title)}, {plain(joined.trainer_name)}'s group.", icon=":material/group_add:"
            )
            st.rerun()
        if no.button("Not now", width="stretch", key="join-no"):
            st.session_state.pop(PENDING_JOIN, None)
            st.rerun()


def _joined_group(store: Store, member: Account, group: Group) -> None:
    """One of the member's groups, with a way to leave it (asked twice: hand-ins go with it)."""
    name, leave = st.columns([3, 1], vertical_alignment="center")
    name.markdown(f"**{plain(group.title)}** with {plain(group.trainer_name)}")
    if not asked_first(
        ("leave", group.id),
        "Leave",
        f"Leave **{plain(group.title)}**? {plain(group.trainer_name)} will see nothing more of you: "
        "not your progress, and not the self-checks you handed in for this group's homework (those "
        "hand-ins and the feedback on them go; the self-checks stay in your own record).",
        "Leave the group",
        "Stay in the group",
        icon=":material/logout:",
        place=leave,
    ):
        return
    try:
        store.leave_group(member, group.id)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.toast(f"You left {plain(group.title)}.", icon=":material/logout:")
    st.rerun()


def due_soon_window() -> timedelta:
    """How long before its due day ends unfinished homework shows "due soon"
    (``Settings.homework_due_soon_hours``)."""
    return timedelta(hours=Settings.from_env().homework_due_soon_hours)


def due_soon(statuses: list[AssignmentStatus], now: datetime) -> list[AssignmentStatus]:
    """The member's unfinished homework due within the window, soonest first."""
    window = due_soon_window()
    return sorted((s for s in statuses if s.due_soon(now, window)), key=lambda s: s.assignment.due)


def due_soon_text(soon: list[AssignmentStatus]) -> str:
    first = soon[0].assignment
    more = f" and {len(soon) - 1} more" if len(soon) > 1 else ""
    return f"Due soon: **{plain(first.title)}**{more}, by the end of {first.due:%A %d %B}."


def _assignment(status: AssignmentStatus, course: Course, store: Store, member: Account, now: datetime) -> None:
    work = status.assignment
    with st.container(border=True):
        st.markdown(f"**{plain(work.title)}** · {plain(work.group_title)}")
        st.markdown(_due_text(work.due, status, status.due_soon(now, due_soon_window())))
        if work.note:
            st.markdown(plain(work.note))
        lessons = {lesson.id: lesson for lesson in course.lessons}
        for lesson_id in work.lesson_ids:
            lesson = lessons.get(lesson_id)
            mark = DONE if lesson_id in status.lessons_read else TO_DO
            if lesson is None:
                st.markdown(f"{mark} Read a lesson that is no longer in the course")
            else:
                st.page_link(link(lesson_place(lesson)), label=f"{mark} Read lesson {lesson.order}: {lesson.title}")
        mark_needed = f"{round(work.pass_fraction * 100)}%"
        for lesson_id in work.quiz_lesson_ids:
            lesson = lessons.get(lesson_id)
            mark = DONE if lesson_id in status.quizzes_passed else TO_DO
            if lesson is not None:
                st.page_link(
                    link(lesson_place(lesson)),
                    label=f"{mark} Pass the quiz of lesson {lesson.order} ({mark_needed} right)",
                )
        if work.self_check:
            if status.submission is not None:
                st.markdown(f"{DONE} Self-check handed in: *{plain(status.submission.verdict)}*")
            else:
                st.page_link(link(SELF_CHECK), label=f"{TO_DO} Film your hinge and hand in a self-check")
        for note in status.feedback:
            feedback_thread(store, member, note)


def feedback_thread(store: Store, actor: Account, note: Feedback) -> None:
    """A trainer's note, the replies under it (all shown as plain text) and a box to answer, for
    the member it was written for or their trainer."""
    who = "You" if actor.id == note.trainer_id else plain(note.trainer_name)
    st.info(
        f"**{who} wrote** on {note.at:%d %b}:  \n{plain(note.text)}"
        if who == "You"
        else f"**{who}** wrote on {note.at:%d %b}:  \n{plain(note.text)}",
        icon=":material/chat:",
    )
    for reply in note.replies:
        st.markdown(
            f"> **{plain(reply.author_name)}**, {reply.at:%d %b %H:%M}:  \n> " + plain(reply.text).replace("\n", "\n> ")
        )
    if len(note.replies) >= rules.FEEDBACK_THREAD_REPLIES.value:
        st.caption("This conversation is full: talk it over at the gym.")
        return
    with st.form(f"reply-{note.id}", clear_on_submit=True, border=False):
        text = st.text_area(
            "Reply",
            key=f"reply-text-{note.id}",
            max_chars=rules.REPLY_TEXT.max_chars,
            height=80,
            placeholder="A question or an answer",
        )
        if st.form_submit_button("Send reply", icon=":material/reply:"):
            try:
                store.reply_to_feedback(actor, note.id, text)
            except StoreError as error:
                st.error(str(error), icon=":material/error:")
                return
            st.rerun()


def _due_text(due: date, status: AssignmentStatus, soon: bool = False) -> str:
    when = f"{due:%A %d %B}"
    if status.done:
        return f":green[Done] · was due {when}"
    if status.overdue:
        return f":red[Overdue] · was due {when}"
    if soon:
        return f":orange[Due soon] · {when}"
    return f"Due {when}"
