"""One lesson: its objectives, its text, its key terms, its quiz, and the way on."""

from __future__ import annotations

import streamlit as st

from course.content import Lesson
from course.views.quiz import render_quiz
from course.views.state import course_content, learner_progress


def render_lesson(lesson_id: str) -> None:
    from course.views.navigation import home_page, lesson_page  # the navigation module imports this one

    course = course_content()
    lesson = course.lesson(lesson_id)
    progress = learner_progress()

    st.caption(f"Lesson {lesson.order} of {len(course.lessons)} · about {lesson.minutes} min")
    st.title(lesson.title)
    _objectives(lesson)
    st.markdown(lesson.body)
    _key_terms(lesson)
    if lesson.sources:
        with st.expander("Sources"):
            st.markdown("\n".join(f"- {source}" for source in lesson.sources))

    if lesson.id in progress.lessons_read():
        st.success("You have read this lesson.", icon=":material/check:")
    elif st.button("I've read this lesson", icon=":material/check:", use_container_width=True, key=f"read:{lesson.id}"):
        progress.mark_read(lesson.id)
        st.rerun()

    st.divider()
    render_quiz(lesson, progress)

    st.divider()
    following = course.lesson_after(lesson.id)
    if following is not None:
        st.page_link(lesson_page(following), label=f"Next: {following.order}. {following.title}", icon=":material/arrow_forward:")
    st.page_link(home_page(), label="Back to your progress", icon=":material/home:")


def _objectives(lesson: Lesson) -> None:
    with st.container(border=True):
        st.markdown("**In this lesson you will learn to**\n\n" + "\n".join(f"- {item}" for item in lesson.objectives))


def _key_terms(lesson: Lesson) -> None:
    with st.expander(f"Key terms ({len(lesson.key_terms)})"):
        st.markdown("\n\n".join(f"**{term.term}**: {term.definition}" for term in lesson.key_terms))
