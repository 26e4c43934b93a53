"""A trainer's groups: make one, hand out its join code or link, set homework, see who is done."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import streamlit as st

from course.progress import QUIZ_PASS_FRACTION
from course.store import Account, Assignment, Group, Store, StoreError
from course.views.asking import asked_first
from course.views.places import DASHBOARD, link
from course.views.session import plain, trainer_and_store
from course.views.state import course_content

DEFAULT_DUE_DAYS = 7  # a week: homework between two weekly sessions


def render_groups() -> None:
    st.title("Groups and homework")
    signed = trainer_and_store("to set homework")
    if signed is None:
        return
    account, store = signed
    try:
        groups = store.groups(account)
        statuses = store.assignments(account)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return

    with (
        st.expander("Make a new group", icon=":material/group_add:", expanded=not groups),
        st.form("new-group", clear_on_submit=True),
    ):
        title = st.text_input("Group name", placeholder="e.g. Tuesday 7 pm beginners")
        if st.form_submit_button("Make the group", type="primary"):
            try:
                group = store.create_group(account, title)
                st.toast(f"Made {plain(group.title)}: share its join code {group.join_code}.", icon=":material/groups:")
                st.rerun()
            except StoreError as error:
                st.error(str(error), icon=":material/error:")

    if not groups:
        st.markdown("Make a group, then give your members its join code or link.")
        return
    for group in groups:
        with st.container(border=True):
            people = group.member_count or 0
            st.header(plain(group.title), anchor=False)  # h2 under the page title (h1): no level skipped
            st.caption(
                f"{people} member{'s' if people != 1 else ''}"
                + (f" · closed {group.closed_at:%d %b}" if group.closed else "")
            )
            if group.closed:
                st.caption(
                    "Closed: the join code no longer works and no homework can be set. Your members "
                    "keep their progress, and what they handed in stays here to read."
                )
            else:
                st.markdown(f"Join code: **`{group.join_code}`**")
                st.code(_join_link(group), language=None, wrap_lines=True)
                st.caption("Members type the code on their Homework page, or open the link.")
            work = [s for s in statuses if s.assignment.group_id == group.id]
            for status in work:
                homework = status.assignment
                state = (
                    ":green[done by everyone]"
                    if status.done
                    else f"{status.members_done} of {status.members_total} done"
                )
                late = " · :red[overdue]" if status.overdue else ""
                st.markdown(f"- **{plain(homework.title)}**, due {homework.due:%a %d %b}: {state}{late}")
                with st.expander(f"Change or delete {plain(homework.title)}", icon=":material/edit:"):
                    _assignment_form(store, account, group, homework)
                    _delete_homework(store, account, homework)
            if not group.closed:
                with st.expander("Set homework for this group", icon=":material/assignment_add:"):
                    _assignment_form(store, account, group)
            st.page_link(
                link(DASHBOARD),
                label="See each member on the dashboard",
                icon=":material/monitoring:",
                query_params={"group": str(group.id)},
            )
            if not group.closed:
                _close_group(store, account, group)


def _delete_homework(store: Store, trainer: Account, homework: Assignment) -> None:
    if not asked_first(
        ("delete", homework.id),
        "Delete this homework",
        f"Delete **{plain(homework.title)}**? Every hand-in for it goes with it, and the feedback and "
        "replies on those hand-ins. Your members keep their progress and their self-checks.",
        "Delete it",
        "Keep it",
        icon=":material/delete:",
    ):
        return
    try:
        gone = store.delete_assignment(trainer, homework.id)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.toast(
        f"Deleted {plain(homework.title)}" + (f" and {gone} hand-in{'s' if gone != 1 else ''}." if gone else "."),
        icon=":material/delete:",
    )
    st.rerun()


def _close_group(store: Store, trainer: Account, group: Group) -> None:
    if not asked_first(
        ("close", group.id),
        "Close this group",
        f"Close **{plain(group.title)}**? Its join code stops working and no new homework can be set. "
        "Members keep their own progress; the group stays on your list, marked closed, with what was "
        "handed in. It can't be opened again: make a new group for a new class.",
        "Close the group",
        "Keep it open",
        icon=":material/lock:",
    ):
        return
    try:
        store.close_group(trainer, group.id)
    except StoreError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.toast(f"Closed {plain(group.title)}.", icon=":material/lock:")
    st.rerun()


def _assignment_form(store: Store, trainer: Account, group: Group, editing: Assignment | None = None) -> None:
    """New homework for the group, or ``editing`` changed: the same fields either way."""
    lessons = course_content().lessons
    names = {lesson.id: f"{lesson.order}. {lesson.title}" for lesson in lessons}
    key = f"edit-{editing.id}" if editing else f"homework-{group.id}"
    default_due = date.today() + timedelta(days=DEFAULT_DUE_DAYS)
    with st.form(key, clear_on_submit=editing is None):
        title = st.text_input(
            "Title", value=editing.title if editing else "", placeholder="e.g. Week 1: learn the hinge"
        )
        due = st.date_input(
            "Due",
            value=editing.due if editing else default_due,
            min_value=min(date.today(), editing.due) if editing else date.today(),
        )
        read = st.multiselect(
            "Lessons to read",
            list(names),
            format_func=names.__getitem__,
            default=[i for i in editing.lesson_ids if i in names] if editing else None,
        )
        quizzes = st.multiselect(
            "Quizzes to pass",
            list(names),
            format_func=names.__getitem__,
            default=[i for i in editing.quiz_lesson_ids if i in names] if editing else None,
        )
        pass_mark = st.slider(
            "Pass mark for the quizzes",
            50,
            100,
            round((editing.pass_fraction if editing else QUIZ_PASS_FRACTION) * 100),
            step=5,
            format="%d%%",
        )
        self_check = st.checkbox(
            "Hand in a self-check (a filmed set of hinges)", value=editing.self_check if editing else True
        )
        note = st.text_area("Note for your members (optional)", value=editing.note if editing else "")
        if st.form_submit_button("Save the changes" if editing else "Set this homework", type="primary"):
            save = (
                partial(store.edit_assignment, trainer, editing.id)
                if editing
                else partial(store.create_assignment, trainer, group.id)
            )
            try:
                save(
                    title=title,
                    due=due,
                    lesson_ids=read,
                    quiz_lesson_ids=quizzes,
                    pass_fraction=pass_mark / 100,
                    self_check=self_check,
                    note=note,
                )
            except StoreError as error:
                st.error(str(error), icon=":material/error:")
                return
            st.toast(
                f"Homework {'changed' if editing else 'set'} for {plain(group.title)}.",
                icon=":material/assignment_add:",
            )
            st.rerun()


def _join_link(group: Group) -> str:
    """The homework page's address with the group's code, for the trainer to send."""
    here = None
    try:
        here = st.context.url
    except Exception:  # no browser behind this run (a test script)
        here = None
    base = here.rsplit("/", 1)[0] if here else ""
    return f"{base}/homework?join={group.join_code}"
