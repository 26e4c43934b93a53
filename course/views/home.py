"""Home: what the course offers, how far this learner has got, and a button to carry on."""

from __future__ import annotations

import streamlit as st

from course.progress import LessonStatus, lesson_statuses
from course.store import StoreError
from course.views.homework import due_soon, due_soon_text
from course.views.places import ACCOUNT, DASHBOARD, GLOSSARY, HOMEWORK, lesson_place, link
from course.views.session import course_store, learner_progress, signed_in
from course.views.state import course_content


def render_home() -> None:
    course = course_content()
    progress = learner_progress()
    statuses = lesson_statuses(course, progress)
    done = sum(status.complete for status in statuses)
    # The first lesson not yet complete, as course.progress.next_lesson finds it, from the
    # statuses already read (asking again would read the learner's progress twice)
    upcoming = next((status.lesson for status in statuses if not status.complete), None)

    st.title(course.home.title)
    st.markdown(course.home.lead)
    if upcoming is None:
        st.success("You have finished every lesson and passed every quiz. Well done!", icon=":material/celebration:")
        st.page_link(link(GLOSSARY), label="Browse the glossary", icon=":material/menu_book:")
    else:
        started = any(status.read or status.attempts for status in statuses)
        label = f"{'Continue' if started else 'Start'}: {upcoming.order}. {upcoming.title}"
        if st.button(label, type="primary", icon=":material/play_arrow:", width="stretch", key="continue"):
            st.switch_page(link(lesson_place(upcoming)))
    st.progress(done / len(statuses), text=f"{done} of {len(statuses)} lessons complete")
    _you()

    for status in statuses:
        lesson = status.lesson
        with st.container(border=True):
            st.page_link(
                link(lesson_place(lesson)), label=f"**{lesson.order}. {lesson.title}**", icon=_status_icon(status)
            )
            st.caption(f"{lesson.summary} · about {lesson.minutes} min")
            st.markdown(_status_text(status))

    st.markdown(course.home.body)


def _you() -> None:
    """One line on what an account adds: sign in, the homework that is due, or the dashboard."""
    account = signed_in()
    store = course_store()
    if account is None:
        if store is not None and not store.read_only:
            st.page_link(link(ACCOUNT), label="Sign in to keep your progress", icon=":material/person:")
        return
    if account.is_trainer:
        st.page_link(link(DASHBOARD), label="Your members, on the dashboard", icon=":material/monitoring:")
        return
    try:
        statuses = store.assignments(account) if store else []
        due = sorted((s.assignment for s in statuses if not s.done), key=lambda a: a.due)
    except StoreError:
        st.caption(
            "Your homework can't be shown right now: the course's records aren't answering. "
            "The lessons work as usual; try again in a moment."
        )
        return
    soon = due_soon(statuses, store.now()) if store else []
    if soon:
        st.warning(due_soon_text(soon), icon=":material/alarm:")
    if due:
        # A link's label stays on one line: short enough for a phone
        st.page_link(
            link(HOMEWORK),
            label=f"Homework: {len(due)} to do, next due {due[0].due:%a %d %b}",
            icon=":material/assignment:",
        )


def _status_icon(status: LessonStatus) -> str:
    if status.complete:
        return ":material/check_circle:"
    if status.read or status.attempts:
        return ":material/pending:"
    return ":material/radio_button_unchecked:"


def _status_text(status: LessonStatus) -> str:
    read = "Read" if status.read else "Not read yet"
    if status.best_attempt is None:
        quiz = "quiz not taken"
    else:
        verdict = "passed" if status.quiz_passed else "not passed yet"
        tries = "1 try" if status.attempts == 1 else f"{status.attempts} tries"
        quiz = f"quiz best {status.best_attempt.score_text}, {verdict} ({tries})"
    return f"{read} · {quiz}"
