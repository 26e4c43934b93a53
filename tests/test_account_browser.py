"""Issue 12 in a real browser: a sign-out in one tab ends the other tabs, a join link asks
before it joins, and hostile names and titles stay plain text that links nowhere.

One app server on its own empty data folder; the test sets people and groups up through the
store on the same SQLite file (as a second server would) and checks there what the browser did.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from course.store import WrongCredentials, open_store
from tests.browser import DESKTOP, WAIT_MS, form_with, kept_on_failure, running_app, sign_up, wait_for_app
from tests.page_harness import CHEAP_HASHER

pytestmark = pytest.mark.browser

MEMBER = {"name": "Sam Lee", "username": "sam_lee", "password": "hinge at the hips"}


@pytest.fixture
def served(tmp_path):
    """The app on a fresh data folder, and the store on the same database."""
    data = tmp_path / "data"
    data.mkdir()
    with (
        running_app(env={"HINGE_DATA_DIR": str(data)}) as url,
        contextlib.closing(open_store(data_dir=data, hasher=CHEAP_HASHER)) as store,
    ):
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


EVIL = "evil.example"
LINKY_TITLE = f"[Week 1](https://{EVIL}) see https://{EVIL}/x or www.{EVIL}"
LINKY_GROUP = f"[Tuesday](https://{EVIL}) <b>7 pm</b> **beginners**"
TURNED_NAME = "Sam \u202egnp.exe"  # a name kept before such names were refused: shows as "Sam exe.png"

FIND_EVIL_LINKS = f"""() => [...document.querySelectorAll('a[href]')].filter(a => a.href.includes('{EVIL}'))
    .map(a => a.outerHTML)"""


def shows(page, text: str) -> None:
    """Wait until the page shows ``text`` as typed (the word joiners that stop addresses from
    becoming links show as nothing, so they are left out of the comparison)."""
    page.wait_for_function(
        "text => document.body.innerText.replaceAll('\\u2060', '').includes(text)", arg=text, timeout=WAIT_MS
    )


def sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/account")
    wait_for_app(page)  # the page's first run drawn: a loaded machine may take a while
    form = form_with(page, "Sign in")
    form.get_by_label("Username", exact=True).fill(username)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()


def inert(page) -> None:
    """Nothing on the page links outside, and nothing turns its text around."""
    wait_for_app(page)
    assert page.evaluate(FIND_EVIL_LINKS) == []
    assert "\u202e" not in page.evaluate("() => document.body.innerText")


def test_hostile_names_and_titles_show_as_plain_text_and_link_nowhere(browser, served, tmp_path):
    url, store = served
    coach = store.sign_up("coach", "kettlebells at dawn", display_name="Coach <i>Tess</i>", role="trainer")
    group = store.create_group(coach, LINKY_GROUP)
    store.create_assignment(
        coach,
        group.id,
        title=LINKY_TITLE,
        due=date.today() + timedelta(days=7),
        lesson_ids=["your-hip-joint"],
        note=f"Questions? mail me@{EVIL}",
    )
    sam = store.sign_up("sam", MEMBER["password"], display_name="Sam Lee", role="member")
    store.join_group(sam, group.join_code)
    store.progress(sam).mark_read("your-hip-joint")
    with store._engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE accounts SET display_name = :name WHERE id = :id"), {"name": TURNED_NAME, "id": sam.id}
        )
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    with contextlib.closing(context), kept_on_failure(tmp_path, page=page):
        sign_in(page, url, "sam", MEMBER["password"])
        page.get_by_role("heading", name="Homework").wait_for(timeout=WAIT_MS)
        for text in (LINKY_TITLE, f"Questions? mail me@{EVIL}", f"{LINKY_GROUP} with Coach <i>Tess</i>"):
            shows(page, text)
        inert(page)
        page.goto(f"{url}/account")
        shows(page, "Signed in as Sam �gnp.exe")
        inert(page)
        page.get_by_role("button", name=re.compile("^(logout)?Sign out$")).click()
        page.get_by_role("tab", name="Create an account").wait_for(timeout=WAIT_MS)  # signed out: then go on
        wait_for_app(page)

        sign_in(page, url, "coach", "kettlebells at dawn")
        page.get_by_role("heading", name="Groups and homework").wait_for(timeout=WAIT_MS)
        shows(page, LINKY_GROUP)
        inert(page)
        page.goto(f"{url}/dashboard")
        shows(page, "Sam �gnp.exe has read 1 of")
        inert(page)

        page.goto(f"{url}/account")
        page.get_by_role("button", name=re.compile("^(logout)?Sign out$")).click()
        page.get_by_role("tab", name="Create an account").wait_for(timeout=WAIT_MS)
        wait_for_app(page)
        page.get_by_role("tab", name="Create an account").click()
        signing_up = page.locator(".st-key-sign-up")
        signing_up.get_by_label("Your name", exact=True).fill("Amy \u202enimda")
        signing_up.get_by_label("Username", exact=True).fill("amy")
        signing_up.get_by_label("Password", exact=True).fill("squats on a sunday morning")
        signing_up.get_by_role("button", name="Create my account").click()
        page.get_by_text("can't contain characters that are invisible or turn the text around").wait_for(
            timeout=WAIT_MS
        )
        with pytest.raises(WrongCredentials):
            store.sign_in("amy", "squats on a sunday morning")
