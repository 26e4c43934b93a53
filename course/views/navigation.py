"""The course's pages, built from its content: one page per lesson."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import streamlit as st

from course.content import ContentError, Lesson
from course.settings import SettingsError, check_environment
from course.views.account import render_account, session_ended_notice
from course.views.dashboard import render_dashboard
from course.views.glossary import render_glossary
from course.views.groups import render_groups
from course.views.home import render_home
from course.views.homework import render_homework
from course.views.lesson import render_lesson
from course.views.places import (
    ACCOUNT,
    DASHBOARD,
    GLOSSARY,
    GROUPS,
    HOME,
    HOME_ADDRESS,
    HOMEWORK,
    SELF_CHECK,
    lesson_place,
    link,
    page,
)
from course.views.self_check import render_self_check
from course.views.session import check_session, signed_in, write_session_cookie
from course.views.state import course_content

APP_TITLE = "Hip Hinge course"
PHONE_STYLE = Path(__file__).with_name("phone.css")


def course_pages() -> dict[str, list[st.Page]] | list[st.Page]:
    """The pages for ``st.navigation``; a single page that explains the problem when the content is broken."""
    st.set_page_config(page_title=APP_TITLE, page_icon="🏋️", layout="centered")
    st.html(f"<style>{PHONE_STYLE.read_text()}</style>")
    try:
        check_environment().limits.check_server_lets_through(st.get_option("server.maxUploadSize"))
        course = course_content()
    except (ContentError, SettingsError) as problem:
        return [st.Page(partial(render_content_problem, problem), title="Course unavailable", url_path="problem")]
    write_session_cookie()
    account = check_session()
    trainer = account is not None and account.is_trainer
    yours = [groups_page(), dashboard_page(), account_page()] if trainer else [homework_page(), account_page()]
    return {
        "Course": [home_page(), home_address_page()],
        "Lessons": [lesson_page(lesson) for lesson in course.lessons],
        "Your form": [self_check_page()],
        "Look things up": [glossary_page()],
        "You": yours,
    }


def home_page() -> st.Page:
    return page(HOME, _noticed(render_home), default=True)


def home_address_page() -> st.Page:
    """``/home``, not in the menu: it opens Home at the root (one rerun, for a typed address)."""
    return st.Page(
        partial(st.switch_page, link(HOME)), title=HOME.title, url_path=HOME_ADDRESS.url_path, visibility="hidden"
    )


def lesson_page(lesson: Lesson) -> st.Page:
    return page(lesson_place(lesson), _noticed(partial(render_lesson, lesson.id)))


def self_check_page() -> st.Page:
    return page(SELF_CHECK, _noticed(render_self_check))


def glossary_page() -> st.Page:
    return page(GLOSSARY, _noticed(render_glossary))


def account_page() -> st.Page:
    return page(ACCOUNT, render_account, title=ACCOUNT.title if signed_in() is not None else "Sign in")


def homework_page() -> st.Page:
    return page(HOMEWORK, _noticed(render_homework))


def groups_page() -> st.Page:
    return page(GROUPS, _noticed(render_groups))


def dashboard_page() -> st.Page:
    return page(DASHBOARD, _noticed(render_dashboard))


def _noticed(render: Callable[[], None]) -> Callable[[], None]:
    """The page, after the notice that this tab's sign-in was ended elsewhere, when it was (the
    account page shows its own)."""
    return partial(_after_notice, render)


def _after_notice(render: Callable[[], None]) -> None:
    session_ended_notice()
    render()


def render_content_problem(problem: ContentError | SettingsError) -> None:
    st.title("The course can't open right now")
    st.error(
        (
            "One of the course's content files has a mistake, so the lessons are not shown rather than shown wrong."
            if isinstance(problem, ContentError)
            else "One of the server's settings has a value the course can't use, so nothing is shown rather than "
            "something broken."
        )
        + " Whoever looks after the course can fix it from this message:"
    )
    st.code(str(problem), language=None, wrap_lines=True)
