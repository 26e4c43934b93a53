"""End to end, issue 12: a trainer's day in a real browser, on a store set up in code.

Amy has handed in a self-check (a real report of the analysis, from a synthetic hinge) for
homework that is due tomorrow; Ben is in the same group and has done nothing. Coach Tess sees
the new hand-in, answers it, and the two talk it over in the reply thread; she changes the
homework and Ben sees the change; she removes Ben (asked first: keeping him keeps him) and he
sees the group no more; she closes the group and its join code stops working.

Three browser contexts (three people, three cookie jars), each signed in by the session its
account was given in the store, on one real app server with its own data folder.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

import pytest

from course.store import open_store
from course.views.session import SESSION_COOKIE
from tests.browser import (
    DESKTOP,
    PHONE,
    WAIT_MS,
    kept_on_failure,
    open_selectbox,
    running_app,
    selectbox_text,
    wait_for_app,
)
from tests.gym_factory import hinge_report
from tests.page_harness import member, trainer

pytestmark = pytest.mark.browser

GROUP = "Tuesday beginners"
HOMEWORK = "Week 1: film your hinge"
RENAMED = "Week 1: film three hinges"
FEEDBACK = "Lovely hips-back hinge. Keep the bar closer on the way down."
QUESTION = "Thanks! Should my knees bend more?"
ANSWER = "Only a little: soft knees, shins nearly upright."


@pytest.fixture
def gym(tmp_path):
    """The store on disk, set up as the day starts; the app served on it; a session per person."""
    data = tmp_path / "data"
    data.mkdir()
    store = open_store(data_dir=data)
    try:
        tess = trainer(store, "tess")
        amy, ben, cal = member(store, "amy"), member(store, "ben"), member(store, "cal")
        group = store.create_group(tess, GROUP)
        for person in (amy, ben):
            store.join_group(person, group.join_code)
        week1 = store.create_assignment(tess, group.id, title=HOMEWORK, due=date.today() + timedelta(days=1))
        store.submit_self_check(amy, week1.id, store.save_self_check(amy, hinge_report()).id)
        sessions = {person.username: store.start_session(person) for person in (tess, amy, ben, cal)}
    finally:
        store.close()
    with running_app(env={"HINGE_DATA_DIR": str(data)}) as url:
        yield type("Gym", (), dict(url=url, code=group.join_code, sessions=sessions))


def signed_in(browser, gym, username: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": SESSION_COOKIE, "value": gym.sessions[username], "url": gym.url}])
    return context


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=WAIT_MS)
    wait_for_app(page)


def choose_member(page, name: str) -> None:
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Member")
    if f"{name} (" not in selectbox_text(picker):  # the first member is chosen to begin with
        open_selectbox(page, picker)
        page.get_by_role("option", name=re.compile(rf"^{name} \(")).click()
    page.get_by_text(f"{name} has read").wait_for(timeout=WAIT_MS)


def test_a_trainers_day_answer_talk_change_remove_and_close(browser, gym, tmp_path):
    contexts = [
        signed_in(browser, gym, "tess", DESKTOP),
        signed_in(browser, gym, "amy", PHONE),
        signed_in(browser, gym, "ben", PHONE),
        signed_in(browser, gym, "cal", PHONE),
    ]
    tess, amy, ben, cal = (context.new_page() for context in contexts)
    with contextlib.ExitStack() as closing, kept_on_failure(tmp_path, tess=tess, amy=amy, ben=ben, cal=cal):
        for context in contexts:
            closing.callback(context.close)

        # 1. Morning: the dashboard says a hand-in came in, and whose.
        open_page(tess, f"{gym.url}/dashboard", "Dashboard")
        tess.get_by_text("1 new hand-in").wait_for(timeout=WAIT_MS)
        assert f"Amy: {HOMEWORK} ({GROUP})" in tess.get_by_test_id("stMain").inner_text()

        # 2. She opens Amy's self-check and answers it; the notice is gone once it was opened.
        choose_member(tess, "Amy")
        tess.get_by_text(f"Self-check for {HOMEWORK}").wait_for(timeout=WAIT_MS)
        tess.get_by_label("Feedback for your member", exact=True).fill(FEEDBACK)
        tess.get_by_role("button", name=re.compile("Send feedback")).click()
        tess.get_by_text(FEEDBACK).wait_for(timeout=WAIT_MS)
        open_page(tess, f"{gym.url}/dashboard", "Dashboard")
        assert tess.get_by_text("new hand-in").count() == 0

        # 3. Amy, on her phone: her homework is done, the note is there, and she asks back.
        open_page(amy, f"{gym.url}/homework", "Homework")
        assert amy.get_by_text("Due soon").count() == 0, "done homework is not due"
        amy.get_by_text(re.compile(r"Done \(1\) · 1 note from your trainer")).click()
        amy.get_by_text(FEEDBACK).wait_for(timeout=WAIT_MS)
        amy.get_by_label("Reply", exact=True).fill(QUESTION)
        amy.get_by_role("button", name=re.compile("Send reply")).click()
        amy.get_by_text(QUESTION).wait_for(timeout=WAIT_MS)

        # 4. Tess, looking again, reads the question under her note and answers; Amy reads it.
        open_page(tess, f"{gym.url}/dashboard", "Dashboard")
        choose_member(tess, "Amy")
        tess.get_by_text(QUESTION).wait_for(timeout=WAIT_MS)
        tess.get_by_label("Reply", exact=True).fill(ANSWER)
        tess.get_by_role("button", name=re.compile("Send reply")).click()
        tess.get_by_text(ANSWER).wait_for(timeout=WAIT_MS)
        open_page(amy, f"{gym.url}/homework", "Homework")
        amy.get_by_text(re.compile(r"Done \(1\)")).first.click()
        amy.get_by_text(ANSWER).wait_for(timeout=WAIT_MS)
        thread = amy.get_by_test_id("stMain").inner_text()
        assert thread.index(FEEDBACK) < thread.index(QUESTION) < thread.index(ANSWER), "the thread is out of order"

        # 5. She renames the homework on the groups page; Ben, who hasn't done it, sees the new
        # title, due tomorrow.
        open_page(tess, f"{gym.url}/groups", "Groups and homework")
        editing = tess.get_by_test_id("stExpander").filter(has_text=f"Change or delete {HOMEWORK}")
        editing.get_by_text(f"Change or delete {HOMEWORK}").click()
        editing.get_by_label("Title", exact=True).fill(RENAMED)
        editing.get_by_role("button", name="Save the changes").click()
        tess.get_by_text(re.compile(f"{re.escape(RENAMED)}, due ")).wait_for(timeout=WAIT_MS)
        open_page(ben, f"{gym.url}/homework", "Homework")
        ben.get_by_text(f"Due soon: {RENAMED}").wait_for(timeout=WAIT_MS)
        assert HOMEWORK not in ben.get_by_test_id("stMain").inner_text()

        # 6. She removes Ben: it asks first, and "Keep them" keeps him.
        open_page(tess, f"{gym.url}/dashboard", "Dashboard")
        choose_member(tess, "Ben")
        tess.get_by_role("button", name="Remove Ben from the group").click()
        tess.get_by_text(f"Remove Ben from {GROUP}?").wait_for(timeout=WAIT_MS)
        tess.get_by_role("button", name="Keep them").click()
        wait_for_app(tess)
        open_page(ben, f"{gym.url}/homework", "Homework")
        ben.get_by_text(RENAMED).first.wait_for(timeout=WAIT_MS)
        tess.get_by_role("button", name="Remove Ben from the group").click()
        tess.get_by_role("button", name="Remove them").click()
        tess.get_by_text(f"Ben is no longer in {GROUP}").first.wait_for(timeout=WAIT_MS)
        open_page(ben, f"{gym.url}/homework", "Homework")
        main = ben.get_by_test_id("stMain").inner_text()
        assert RENAMED not in main and GROUP not in main, "a removed member still sees the group's homework"

        # 7. She closes the group: asked first, then its code joins nobody.
        open_page(tess, f"{gym.url}/groups", "Groups and homework")
        tess.get_by_role("button", name="Close this group").click()
        tess.get_by_role("button", name="Close the group").click()
        tess.get_by_text(re.compile("Closed: the join code no longer works")).wait_for(timeout=WAIT_MS)
        open_page(cal, f"{gym.url}/homework?join={gym.code}", "Homework")
        cal.get_by_text(re.compile("This group is closed")).first.wait_for(timeout=WAIT_MS)
        assert cal.get_by_role("button", name=re.compile("Join this group$")).count() == 0
