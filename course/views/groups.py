"""A trainer's groups: make one, hand out its join code or link, set homework, see who is done."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from course.progress import QUIZ_PASS_FRACTION
from course.store import Account, Group, Store, StoreError
from course.views.accounts import plain, trainer_and_store
from course.views.state import course_content

DEFAULT_DUE_DAYS = 7  # a week: homework between two weekly sessions


def render_groups() -> None:
    from course.views.navigation import dashboard_page

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

    with st.expander("Make a new group", icon=":material/group_add:", expanded=not groups):
        with st.form("new-group", clear_on_submit=True):
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
            st.subheader(plain(group.title), anchor=False)
            st.caption(f"{people} member{'s' if people != 1 else ''}")
            st.markdown(f"Join code: **`{group.join_code}`**")
            st.code(_join_link(group), language=None, wrap_lines=True)
            st.caption("Members type the code on their Homework page, or open the link.")
            work = [s for s in statuses if s.assignment.group_id == group.id]
            for status in work:
                homework = status.assignment
                state = (":green[done by everyone]" if status.done else
                         f"{status.members_done} of {status.members_total} done")
                late = " · :red[overdue]" if status.overdue else ""
                st.markdown(f"- **{plain(homework.title)}**, due {homework.due:%a %d %b}: {state}{late}")
            with st.expander("Set homework for this group", icon=":material/assignment_add:"):
                _assignment_form(store, account, group)
            st.page_link(dashboard_page(), label="See each member on the dashboard", icon=":material/monitoring:",
                         query_params={"group": str(group.id)})


def _assignment_form(store: Store, trainer: Account, group: Group) -> None:
    lessons = course_content().lessons
    names = {lesson.id: f"{lesson.order}. {lesson.title}" for lesson in lessons}
    with st.form(f"homework-{group.id}", clear_on_submit=True):
        title = st.text_input("Title", placeholder="e.g. Week 1: learn the hinge")
        due = st.date_input("Due", value=date.today() + timedelta(days=DEFAULT_DUE_DAYS), min_value=date.today())
        read = st.multiselect("Lessons to read", list(names), format_func=names.get)
        quizzes = st.multiselect("Quizzes to pass", list(names), format_func=names.get)
        pass_mark = st.slider("Pass mark for the quizzes", 50, 100, round(QUIZ_PASS_FRACTION * 100), step=5, format="%d%%")
        self_check = st.checkbox("Hand in a self-check (a filmed set of hinges)", value=True)
        note = st.text_area("Note for your members (optional)")
        if st.form_submit_button("Set this homework", type="primary"):
            try:
                store.create_assignment(trainer, group.id, title=title, due=due, lesson_ids=read,
                                        quiz_lesson_ids=quizzes, pass_fraction=pass_mark / 100,
                                        self_check=self_check, note=note)
                st.toast(f"Homework set for {plain(group.title)}.", icon=":material/assignment_add:")
                st.rerun()
            except StoreError as error:
                st.error(str(error), icon=":material/error:")


def _join_link(group: Group) -> str:
    """The homework page's address with the group's code, for the trainer to send."""
    here = None
    try:
        here = st.context.url
    except Exception:  # no browser behind this run (a test script)
        here = None
    base = here.rsplit("/", 1)[0] if here else ""
    return f"{base}/homework?join={group.join_code}"
