"""Issue 12 in a real browser: a sign-out in one tab ends the other tabs.

One app server on its own empty data folder; the test sets people and groups up through the
store on the same SQLite file (as a second server would) and checks there what the browser did.
"""

from __future__ import annotations

import contextlib
import re

import pytest

from course.store import open_store
from tests.browser import DESKTOP, browser, running_app  # noqa: F401  (browser: a fixture)
from tests.page_harness import CHEAP_HASHER
from tests.test_homework_browser import WAIT_MS, form_with, kept_on_failure, sign_up, wait_for_app

pytestmark = pytest.mark.browser

MEMBER = {"name": "Sam Lee", "username": "sam_lee", "password": "hinge at the hips"}


@pytest.fixture
def served(tmp_path):
    """The app on a fresh data folder, and the store on the same database."""
    data = tmp_path / "data"
    data.mkdir()
    with running_app(env={"HINGE_DATA_DIR": str(data)}) as url, \
            contextlib.closing(open_store(data_dir=data, hasher=CHEAP_HASHER)) as store:
        yield url, store


def test_signing_out_in_one_tab_signs_the_other_tab_out_before_its_next_click_saves(browser, served, tmp_path):
    url, store = served
    coach = store.sign_up("coach", "kettlebells at dawn", display_name="Coach Tess", role="trainer")
    group = store.create_group(coach, "Tuesday 7 pm")
    context = browser.new_context(viewport=DESKTOP)
    first, second = context.new_page(), context.new_page()
    with contextlib.closing(context), kept_on_failure(tmp_path, first=first, second=second):
        first.goto(f"{url}/account")
        first.get_by_role("heading", name="Your account").wait_for(timeout=WAIT_MS)
        sign_up(first, MEMBER, trainer=False)
        first.get_by_role("heading", name="Homework").wait_for(timeout=WAIT_MS)

        second.goto(f"{url}/homework")  # the same browser: the session cookie signs this tab in too
        joining = form_with(second, "Join")
        joining.get_by_label("Join a group", exact=True).wait_for(timeout=WAIT_MS)

        first.goto(f"{url}/account")
        first.get_by_role("button", name=re.compile("^(logout)?Sign out$")).click()
        first.get_by_role("tab", name="Sign in").wait_for(timeout=WAIT_MS)

        joining.get_by_label("Join a group", exact=True).fill(group.join_code)
        joining.get_by_role("button", name=re.compile("Join$")).click()
        second.get_by_text("You're signed out.").wait_for(timeout=WAIT_MS)
        form_with(second, "Sign in").get_by_label("Password", exact=True).wait_for(timeout=WAIT_MS)
        wait_for_app(second)
        sam = store.sign_in(MEMBER["username"], MEMBER["password"])
        assert store.groups(sam) == [], "the click after the sign-out joined nothing"


def test_a_join_link_asks_first_naming_the_trainer_and_joins_only_on_a_yes(browser, served, tmp_path):
    url, store = served
    coach = store.sign_up("coach", "kettlebells at dawn", display_name="Coach Tess", role="trainer")
    group = store.create_group(coach, "Tuesday 7 pm")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    asked = page.get_by_role("heading", name="Join Tuesday 7 pm, Coach Tess's group?")
    with contextlib.closing(context), kept_on_failure(tmp_path, page=page):
        page.goto(f"{url}/account")
        sign_up(page, MEMBER, trainer=False)
        page.get_by_role("heading", name="Homework").wait_for(timeout=WAIT_MS)
        sam = store.sign_in(MEMBER["username"], MEMBER["password"])

        page.goto(f"{url}/homework?join={group.join_code}")  # a link a stranger sent in a chat
        asked.wait_for(timeout=WAIT_MS)
        page.get_by_text("which lessons you have read, and every quiz attempt with its score").wait_for()
        wait_for_app(page)
        assert store.groups(sam) == [] and store.dashboard(coach, group.id).rows == ()
        page.get_by_role("button", name="Not now").click()
        asked.wait_for(state="detached", timeout=WAIT_MS)
        wait_for_app(page)
        assert store.groups(sam) == []

        page.goto(f"{url}/homework?join={group.join_code}")
        asked.wait_for(timeout=WAIT_MS)
        page.get_by_role("button", name=re.compile("Join this group$")).click()
        page.get_by_text("Tuesday 7 pm with Coach Tess").wait_for(timeout=WAIT_MS)
        assert [g.id for g in store.groups(sam)] == [group.id]
