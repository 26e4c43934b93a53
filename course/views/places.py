"""Where each page of the course lives: its address (url path), title and icon.

The navigation (course.views.navigation) makes the pages from these; every other page links to
a page through :func:`link`, so the pages never import the navigation (which imports them all)
and the import graph has no circle. Streamlit knows a page by its url path alone (a page's
identity is a hash of it), so the stand-in that :func:`link` returns finds the page the
navigation registered, with the title and icon it was given there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from course.content import Lesson


@dataclass(frozen=True, slots=True)
class Place:
    """A page's address, its title in the menu and the browser tab, and its menu icon."""

    url_path: str
    title: str
    icon: str | None = None


HOME = Place("course-home", "Home", ":material/home:")  # served at the root, "/" (the default page)
HOME_ADDRESS = Place("home", "Home")
"""``/home``, which a learner may type or bookmark: it forwards to the root. Streamlit serves the
default page at "/" only, yet reserves its url path too, so Home's own url path is one nobody
types and ``home`` is left free for this forwarding page."""
SELF_CHECK = Place("self-check", "Check your hinge", ":material/videocam:")
GLOSSARY = Place("glossary", "Glossary", ":material/menu_book:")
ACCOUNT = Place("account", "Your account", ":material/person:")  # "Sign in" in the menu until signed in
HOMEWORK = Place("homework", "Homework", ":material/assignment:")
GROUPS = Place("groups", "Groups and homework", ":material/groups:")
DASHBOARD = Place("dashboard", "Dashboard", ":material/monitoring:")


def lesson_place(lesson: Lesson) -> Place:
    """A lesson's page: its id is its address."""
    return Place(lesson.id, f"{lesson.order}. {lesson.title}")


def page(place: Place, render: Callable[[], None], *, title: str | None = None, default: bool = False) -> st.Page:
    """The page at `place`, drawn by `render` (for st.navigation)."""
    return st.Page(render, title=title or place.title, icon=place.icon, url_path=place.url_path, default=default)


def link(place: Place) -> st.Page:
    """The page at `place`, for st.page_link and st.switch_page."""
    return page(place, _drawn_by_the_navigation)


def _drawn_by_the_navigation() -> None:
    """Never run: Streamlit runs the page the navigation registered at the same address."""
    raise RuntimeError("a page link's stand-in was run instead of the registered page")
