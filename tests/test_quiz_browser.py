"""A lesson's quiz in headless Chromium: "Check answer" reruns only its question, never the page.

What the server sends is read off the page's websocket (Streamlit's ForwardMsg protobufs): a run
of the whole page ends in FINISHED_SUCCESSFULLY, a run of fragments only in
FINISHED_FRAGMENT_RUN_SUCCESSFULLY, and a run that a callback's st.rerun(keys) cuts short, before
the page is drawn, in FINISHED_EARLY_FOR_RERUN; each element drawn comes as a delta."""

from __future__ import annotations

import re
import time

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from course.content import CONTENT_DIR_SETTING
from tests.browser import PHONE, WAIT_MS, running_app, wait_for_app
from tests.content_factory import write_course

pytestmark = pytest.mark.browser

# The small course's quiz (tests/content_factory.py): the choices that answer every question right.
RIGHT_ANSWERS = {"one": [1], "two": [0, 2], "three": [2], "four": [0]}
TICK_EVERY = "two"  # the one "tick every answer" question


class ServerRuns:
    """How each run the server made for one page ended, in order, and how many elements it drew."""

    def __init__(self, page) -> None:
        self.ends: list[str] = []
        self.drawn: list[int] = []
        self._drawing = 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "delta":
            self._drawing += 1
        elif kind == "script_finished":
            self.ends.append(ForwardMsg.ScriptFinishedStatus.Name(message.script_finished))
            self.drawn.append(self._drawing)
            self._drawing = 0

    def mark(self) -> int:
        return len(self.ends)

    def since(self, mark: int) -> list[str]:
        return self.ends[mark:]

    def wait_past(self, page, mark: int) -> list[str]:
        """Until a run the server started after ``mark`` has ended; the runs ended since."""
        deadline = time.monotonic() + WAIT_MS / 1000
        while len(self.ends) <= mark:
            assert time.monotonic() < deadline, "the server did not finish a run"
            page.wait_for_timeout(50)
        wait_for_app(page)
        return self.since(mark)

    def only_fragments_ran(self, mark: int) -> bool:
        """Whether every run since ``mark`` was of fragments, or was cut short before drawing anything."""
        runs = list(zip(self.ends[mark:], self.drawn[mark:], strict=True))
        return bool(runs) and all(
            end == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" or (end == "FINISHED_EARLY_FOR_RERUN" and drawn == 0)
            for end, drawn in runs
        )


@pytest.fixture(scope="module")
def small_course_url(tmp_path_factory):
    folder = write_course(tmp_path_factory.mktemp("content") / "content", lessons=2)
    with running_app(env={CONTENT_DIR_SETTING: str(folder)}) as url:
        yield url


def open_lesson(page, runs: ServerRuns, url: str) -> None:
    """Open the lesson and wait for the page's own run to end (seen on the websocket)."""
    page.goto(url)
    page.get_by_role("heading", name="Check your understanding").wait_for(timeout=WAIT_MS)
    deadline = time.monotonic() + WAIT_MS / 1000
    while "FINISHED_SUCCESSFULLY" not in runs.ends:
        assert time.monotonic() < deadline, "the page's own run was not seen on the websocket"
        page.wait_for_timeout(50)
    wait_for_app(page)


def answer(page, runs: ServerRuns, question_id: str, picks: list[int]) -> None:
    """Pick or tick the choices of one question of lesson a-1 (by their text, as a learner does),
    each time until the run it starts has ended."""
    block = page.locator(f".st-key-quiz-a-1-{question_id}")
    for index in picks:
        before = runs.mark()
        block.get_by_text(f"Choice {question_id} {index}", exact=True).click()
        runs.wait_past(page, before)


def test_checking_an_answer_reruns_only_that_question_and_the_last_one_shows_the_score(browser, small_course_url):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    runs = ServerRuns(page)
    open_lesson(page, runs, f"{small_course_url}/a-1")

    for number, (question_id, picks) in enumerate(RIGHT_ANSWERS.items(), start=1):
        answer(page, runs, question_id, picks)
        block = page.locator(f".st-key-quiz-a-1-{question_id}")
        before = runs.mark()
        block.get_by_role("button", name="Check answer").click()
        block.get_by_test_id("stAlertContentSuccess").filter(has_text="Right.").wait_for(timeout=WAIT_MS)
        runs.wait_past(page, before)
        assert runs.only_fragments_ran(before), (question_id, runs.since(before), runs.drawn[before:])
        assert block.get_by_role("button", name="Check answer").count() == 0, "a checked question keeps its button"
        score = page.get_by_text(re.compile(r"You got \d of 4 right"))
        if number < len(RIGHT_ANSWERS):
            assert score.count() == 0, f"a score shows after only {number} answers"
    # The last check drew the score box too, without a run of the page.
    page.get_by_text("You got 4 of 4 right: quiz passed.").wait_for(timeout=WAIT_MS)
    assert page.get_by_role("heading", name="Lesson a-1").count() == 1

    before = runs.mark()
    page.get_by_role("button", name="Try the quiz again").click()
    page.get_by_text("You got 4 of 4 right").wait_for(state="detached", timeout=WAIT_MS)
    runs.wait_past(page, before)
    assert runs.only_fragments_ran(before), (runs.since(before), runs.drawn[before:])
    assert page.get_by_role("button", name="Check answer").count() == len(RIGHT_ANSWERS), "a new round starts open"
    assert page.get_by_test_id("stAlertContentSuccess").count() == 0, "a new round starts without feedback"

    # One round finished, one attempt recorded: the learner's progress says so.
    page.get_by_role("link", name="Back to your progress").click()
    page.get_by_text("quiz best 4 of 4, passed (1 try)").wait_for(timeout=WAIT_MS)
    page.close()


def test_checking_with_nothing_picked_asks_for_an_answer_without_a_page_run(browser, small_course_url):
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    runs = ServerRuns(page)
    open_lesson(page, runs, f"{small_course_url}/a-1")
    block = page.locator(".st-key-quiz-a-1-one")
    before = runs.mark()
    block.get_by_role("button", name="Check answer").click()
    block.get_by_text("Pick an answer first.").wait_for(timeout=WAIT_MS)
    runs.wait_past(page, before)
    assert runs.only_fragments_ran(before), (runs.since(before), runs.drawn[before:])
    answer(page, runs, "one", RIGHT_ANSWERS["one"])
    assert block.get_by_text("Pick an answer first.").count() == 0, "the reminder stays after an answer is picked"
    page.close()
