"""The course's pages, built from its content: one page per lesson."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from course.content import ContentError, Lesson
from course.views.glossary import render_glossary
from course.views.home import render_home
from course.views.lesson import render_lesson
from course.views.self_check import render_self_check
from course.views.state import course_content

APP_TITLE = "Hip Hinge course"
PHONE_STYLE = Path(__file__).with_name("phone.css")


def course_pages() -> dict[str, list[st.Page]] | list[st.Page]:
    """The pages for ``st.navigation``; a single page that explains the problem when the content is broken."""
    st.set_page_config(page_title=APP_TITLE, page_icon="🏋️", layout="centered")
    st.html(f"<style>{PHONE_STYLE.read_text()}</style>")
    try:
        course = course_content()
    except ContentError as problem:
        return [st.Page(partial(render_content_problem, str(problem)), title="Course unavailable", url_path="problem")]
    return {
        "Course": [home_page()],
        "Lessons": [lesson_page(lesson) for lesson in course.lessons],
        "Your form": [self_check_page()],
        "Look things up": [glossary_page()],
    }


def home_page() -> st.Page:
    return st.Page(render_home, title="Home", icon=":material/home:", url_path="home", default=True)


def lesson_page(lesson: Lesson) -> st.Page:
    """The page of one lesson; the same object identifies it for links and ``st.switch_page``."""
    return st.Page(
        partial(render_lesson, lesson.id),
        title=f"{lesson.order}. {lesson.title}",
        url_path=lesson.id,
    )


def self_check_page() -> st.Page:
    return st.Page(render_self_check, title="Check your hinge", icon=":material/videocam:", url_path="self-check")


def glossary_page() -> st.Page:
    return st.Page(render_glossary, title="Glossary", icon=":material/menu_book:", url_path="glossary")


def render_content_problem(message: str) -> None:
    st.title("The course can't open right now")
    st.error(
        "One of the course's content files has a mistake, so the lessons are not shown "
        "rather than shown wrong. Whoever looks after the course can fix it from this message:"
    )
    st.code(message, language=None, wrap_lines=True)
