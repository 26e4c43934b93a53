"""Homework, as a member sees it: join a trainer's group, see what is due and what is done, and
read the trainer's feedback. Hand in a self-check from the self-check page."""

from __future__ import annotations

from datetime import date

import streamlit as st

from course.content import Course
from course.store import AssignmentStatus, StoreError
from course.views.accounts import plain, signed_in, store_or_warning
from course.views.state import course_content

DONE, TO_DO = ":green[:material/check_circle:]", ":material/radio_button_unchecked:"


def render_homework() -> None:
    from course.views.navigation import account_page

    st.title("Homework")
    joining = st.query_params.get("join") or st.session_state.get("pending_join")
    account = signed_in()
    if account is None:
        if joining:
            st.session_state.pending_join = joining
        st.info(
            "Homework is set by a trainer. Sign in, or create an account, to join your trainer's "
            "group and see what they set you."
            + (f" You'll join the group with code **{plain(joining)}** right after." if joining else ""),
            icon=":material/assignment:",
        )
        st.page_link(account_page(), label="Sign in or create an account", icon=":material/person:")
        return
    store = store_or_warning()
    if store is None:
        return
    if joining:
        st.session_state.pop("pending_join", None)
        st.query_params.pop("join", None)
        try:
            group = store.join_group(account, joining)
            st.success(f"You joined **{plain(group.title)}**, {plain(group.trainer_name)}'s group.",
                       icon=":material/group_add:")
        except StoreError as error:
            st.error(str(error), icon=":material/error:")

    try:
        statuses = store.assignments(account)
        joined = store.groups(account)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    course = course_content()
    if not statuses:
        st.markdown("Nothing is due. When your trainer sets homework for your group, it shows here.")
    open_work = [s for s in statuses if not s.done]
    finished = [s for s in statuses if s.done]
    for status in open_work:
        _assignment(status, course)
    if finished:
        # Feedback mostly arrives on finished work, folded away here: the label says it is there.
        notes = sum(len(s.feedback) for s in finished)
        label = f"Done ({len(finished)})" + (f" · {notes} note{'s' if notes != 1 else ''} from your trainer" if notes else "")
        with st.expander(label, icon=":material/task_alt:"):
            for status in finished:
                _assignment(status, course)

    st.subheader("Your groups", anchor=False)
    if joined:
        st.markdown("\n".join(f"- **{plain(g.title)}** with {plain(g.trainer_name)}" for g in joined))
    with st.form("join-group", clear_on_submit=True):
        code = st.text_input("Join a group", placeholder="Code from your trainer, e.g. K7QX2M9P")
        if st.form_submit_button("Join", icon=":material/group_add:") and code.strip():
            try:
                group = store.join_group(account, code)
                st.toast(f"You joined {plain(group.title)}.", icon=":material/group_add:")
                st.rerun()
            except StoreError as error:
                st.error(str(error), icon=":material/error:")


def _assignment(status: AssignmentStatus, course: Course) -> None:
    from course.views.navigation import lesson_page, self_check_page

    work = status.assignment
    with st.container(border=True):
        st.markdown(f"**{plain(work.title)}** · {plain(work.group_title)}")
        st.markdown(_due_text(work.due, status))
        if work.note:
            st.markdown(plain(work.note))
        lessons = {lesson.id: lesson for lesson in course.lessons}
        for lesson_id in work.lesson_ids:
            lesson = lessons.get(lesson_id)
            mark = DONE if lesson_id in status.lessons_read else TO_DO
            if lesson is None:
                st.markdown(f"{mark} Read a lesson that is no longer in the course")
            else:
                st.page_link(lesson_page(lesson), label=f"{mark} Read lesson {lesson.order}: {lesson.title}")
        mark_needed = f"{round(work.pass_fraction * 100)}%"
        for lesson_id in work.quiz_lesson_ids:
            lesson = lessons.get(lesson_id)
            mark = DONE if lesson_id in status.quizzes_passed else TO_DO
            if lesson is not None:
                st.page_link(lesson_page(lesson),
                             label=f"{mark} Pass the quiz of lesson {lesson.order} ({mark_needed} right)")
        if work.self_check:
            if status.submission is not None:
                st.markdown(f"{DONE} Self-check handed in: *{plain(status.submission.verdict)}*")
            else:
                st.page_link(self_check_page(), label=f"{TO_DO} Film your hinge and hand in a self-check")
        for note in status.feedback:
            st.info(f"**{plain(note.trainer_name)}** wrote on {note.at:%d %b}:  \n{plain(note.text)}",
                    icon=":material/chat:")


def _due_text(due: date, status: AssignmentStatus) -> str:
    when = f"{due:%A %d %B}"
    if status.done:
        return f":green[Done] · was due {when}"
    if status.overdue:
        return f":red[Overdue] · was due {when}"
    return f"Due {when}"
