"""Driving the account, homework, groups and dashboard pages with AppTest, against a real SQLite
store in a fresh folder per test. Its fixtures (data_dir, store, small_course, film_homework)
are registered for every test by tests/conftest.py; its helpers are imported."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

import course.views.session as session
from course.content import CONTENT_DIR_SETTING, load_course
from course.store import Account, Store, open_store, rules
from tests.content_factory import write_course

# Argon2id at its cheapest: the default costs ~0.1 s a hash, and a sign-in test hashes often.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse battery"
TIMEOUT_S = 60

# The course's own navigation, plus one thing a browser does and AppTest can't: open a page by
# its address. AppTest.switch_page only knows pages that are files; ours are functions. The
# url paths of the menu's pages are left in session state as test_menu.
NAVIGATE = """
import streamlit as st
from course.views.navigation import course_pages

pages = course_pages()
navigation = st.navigation(pages)
every = [page for section in pages.values() for page in section] if isinstance(pages, dict) else pages
st.session_state.test_menu = [page.url_path for page in every]
wanted = st.session_state.pop("test_open_page", None)
if wanted is not None:
    found = [page for page in every if page.url_path == wanted]
    if not found:
        raise LookupError(f"the menu has no page {wanted!r}")
    st.switch_page(found[0], query_params=st.query_params.to_dict())
navigation.run()
"""


def forget_store() -> None:
    """Close the server-wide store (an st.cache_resource) and drop it, so the next page opens
    the store named by the current settings."""
    handle = session._store_handle()
    if handle.store is not None:
        handle.store.close()
    session._store_handle.clear()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty data folder for the pages' store; the store is opened with a cheap hasher."""
    folder = tmp_path / "data"
    monkeypatch.setenv(rules.DATA_DIR_SETTING, str(folder))
    monkeypatch.delenv(rules.DATABASE_URL_SETTING, raising=False)
    monkeypatch.setattr(session, "open_store", partial(open_store, hasher=CHEAP_HASHER))
    forget_store()
    yield folder
    forget_store()


@pytest.fixture
def store(data_dir) -> Store:
    """The same database the pages use, opened by the test to set things up and check them."""
    opened = open_store(data_dir=data_dir, hasher=CHEAP_HASHER)
    yield opened
    opened.close()


@pytest.fixture
def small_course(tmp_path, monkeypatch):
    """Two lessons, a-1 and a-2, with no figures: quick to draw, with quiz answers we know."""
    folder = write_course(tmp_path / "content", lessons=2)
    monkeypatch.setenv(CONTENT_DIR_SETTING, str(folder))
    return load_course(folder)


# The small course's quiz: the choices that answer every question right.
RIGHT_ANSWERS = {"one": [1], "two": [0, 2], "three": [2], "four": [0]}


def member(store: Store, username: str, display_name: str | None = None) -> Account:
    return store.sign_up(username, PASSWORD, display_name=display_name or username.capitalize(), role="member")


def trainer(store: Store, username: str, display_name: str | None = None) -> Account:
    return store.sign_up(
        username, PASSWORD, display_name=display_name or f"Coach {username.capitalize()}", role="trainer"
    )


@pytest.fixture
def film_homework(store):
    """Amy in Coach Tess's group, whose homework asks for a self-check."""
    tess = trainer(store, "tess")
    group = store.create_group(tess, "Tuesday 7 pm")
    work = store.create_assignment(
        tess,
        group.id,
        title="Film your hinge",
        due=date.today() + timedelta(days=7),
        lesson_ids=["film-your-hinge"],
        self_check=True,
    )
    amy = member(store, "amy")
    store.join_group(amy, group.join_code)
    return amy, work


def upload(at: AppTest, name: str = "clip.mp4", data: bytes = b"a clip") -> AppTest:
    """Upload ``data`` as ``name`` to the self-check page's file box and run the page."""
    return at.file_uploader(key="clip").upload(name, data, "video/mp4").run()


def app(
    page: str | None = None,
    *,
    account: Account | None = None,
    query: dict[str, str] | None = None,
    session_token: str | None = None,
) -> AppTest:
    """The whole course, run once: on ``page`` (its url path; None: home), signed in as
    ``account`` when one is given (with ``session_token``, else a session of its own started in
    the pages' store, as a sign-in makes), with ``query`` as the address's query parameters."""
    at = AppTest.from_string(NAVIGATE, default_timeout=TIMEOUT_S)
    if account is not None:
        at.session_state["account"] = account
        at.session_state["session_token"] = session_token or session.course_store().start_session(account)
    at.query_params.update(query or {})
    if page is not None:
        at.session_state["test_open_page"] = page
    return at.run()


HOME = ""  # the home page's url path (the default page has none)


def open_page(at: AppTest, page: str, query: dict[str, str] | None = None) -> AppTest:
    """Follow a link to ``page`` (a url path; HOME for home) within the same browser session."""
    at.query_params.clear()
    at.query_params.update(query or {})
    at.session_state["test_open_page"] = page
    return at.run()


def submit(at: AppTest, form: str, button: str) -> AppTest:
    """Press a form's submit button and run the page."""
    return at.button(key=f"FormSubmitter:{form}-{button}").click().run()


def labelled(elements, label: str):
    """The one widget among ``elements`` (e.g. ``at.text_input``) with this label."""
    found = [element for element in elements if element.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}: {[e.label for e in elements]}"
    return found[0]


def shown(at: AppTest) -> str:
    """Every text the page shows, as the Markdown source handed to Streamlit."""
    parts = [
        element.value
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "caption",
            "success",
            "info",
            "warning",
            "error",
            "code",
        )
        for element in getattr(at, kind)
    ]
    parts += [link.proto.label for link in at.get("page_link")]
    return "\n".join(str(part) for part in parts)


def page_links(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def answer_quiz(at: AppTest, lesson_id: str, answers: dict[str, list[int]], round_number: int = 1) -> AppTest:
    """Answer and check every question of the small course's quiz on the lesson page."""
    for question, picks in answers.items():
        key = f"{lesson_id}:{round_number}:{question}"
        if question == "two":  # the one "tick every answer" question
            for index in picks:
                at.checkbox(key=f"{key}:{index}").check()
        else:
            at.radio(key=key).set_value(picks[0])
        at.button(key=f"{key}:check").click().run()
    return at
