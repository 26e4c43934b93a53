"""One lesson: its objectives, its text, its key terms, its quiz, and the way on."""

from __future__ import annotations

import streamlit as st

from course.content import Lesson, LessonFigure
from course.views.figure_view import draw_course_figure
from course.views.places import HOME, SELF_CHECK, lesson_place, link
from course.views.quiz import render_quiz
from course.views.sections import write_section
from course.views.session import learner_key, learner_progress
from course.views.state import course_content


def render_lesson(lesson_id: str) -> None:
    course = course_content()
    lesson = course.lesson(lesson_id)
    progress = learner_progress()

    st.caption(f"Lesson {lesson.order} of {len(course.lessons)} · about {lesson.minutes} min")
    st.title(lesson.title)
    _objectives(lesson)
    for section in lesson.sections:
        write_section(section)  # each heading with its anchor; lands on the section a link names
        for number, figure in enumerate(lesson.figures_after(section.heading)):
            render_figure(lesson, figure, f"{section.heading}:{number}")
    for number, figure in enumerate(lesson.figures_after(None)):
        render_figure(lesson, figure, f"end:{number}")
    _key_terms(lesson)
    if lesson.sources:
        with st.expander("Sources"):
            st.markdown("\n".join(f"- {source}" for source in lesson.sources))

    if lesson.id in progress.lessons_read():
        st.success("You have read this lesson.", icon=":material/check:")
    elif st.button("I've read this lesson", icon=":material/check:", width="stretch", key=f"read:{lesson.id}"):
        progress.mark_read(lesson.id)
        st.rerun()

    st.divider()
    render_quiz(lesson, progress, learner_key())

    st.divider()
    following = course.lesson_after(lesson.id)
    if following is not None:
        st.page_link(
            link(lesson_place(following)),
            label=f"Next: {following.order}. {following.title}",
            icon=":material/arrow_forward:",
        )
    else:  # the last lesson (how to film) leads to the self-check, where the course checks you
        st.page_link(link(SELF_CHECK), label="Next: check your hinge from your clip", icon=":material/videocam:")
    st.page_link(link(HOME), label="Back to your progress", icon=":material/home:")


def _objectives(lesson: Lesson) -> None:
    with st.container(border=True):
        st.markdown("**In this lesson you will learn to**\n\n" + "\n".join(f"- {item}" for item in lesson.objectives))


def _key_terms(lesson: Lesson) -> None:
    with st.expander(f"Key terms ({len(lesson.key_terms)})"):
        st.markdown("\n\n".join(f"**{term.term}**: {term.definition}" for term in lesson.key_terms))


def render_figure(lesson: Lesson, figure: LessonFigure, slot: str) -> None:
    """One figure with its caption: a still first, the 3D model on a tap (see course.views.figure_view)."""
    draw_course_figure(figure.name, f"plot:{lesson.id}:{slot}", choice_key=f"figure:{lesson.id}:{slot}")
    st.caption(figure.caption)
