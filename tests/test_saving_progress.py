"""A signed-in learner's progress on a page: read from the store once per page run, whatever the
page asks, and still right after the page's own writes and at the next run after another tab's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from course.content import load_course
from course.progress import QuizAttempt, SessionProgress, lesson_statuses
from course.store import open_store
from course.views.session import SavingProgress
from tests.content_factory import write_course
from tests.store.helpers import FAST_HASHER

LESSONS = 9  # as many as the course has: the home page asks about every one


@pytest.fixture
def store(tmp_path):
    opened = open_store(f"sqlite:///{tmp_path / 'course.sqlite3'}", hasher=FAST_HASHER)
    yield opened
    opened.close()


@pytest.fixture
def member(store):
    return store.sign_up("amy", "correct horse battery", display_name="Amy", role="member")


def on_a_page(store, member) -> SavingProgress:
    """What learner_progress makes for one page run of a signed-in member."""
    return SavingProgress(store.progress(member), SessionProgress(), SessionProgress())


def attempt(lesson_id: str, correct: int) -> QuizAttempt:
    return QuizAttempt(lesson_id, {}, correct, 4, datetime.now(UTC))


def test_the_home_pages_status_of_every_lesson_costs_one_read_of_the_store(tmp_path, store, member):
    course = load_course(write_course(tmp_path / "content", lessons=LESSONS))
    store.progress(member).mark_read("a-2")
    store.progress(member).record_quiz_attempt(attempt("a-2", 4))
    progress = on_a_page(store, member)
    selects: list[str] = []
    sa.event.listen(
        store._engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: selects.append(statement) if statement.lstrip().startswith("SELECT") else None,
    )

    statuses = lesson_statuses(course, progress)
    lesson_statuses(course, progress)  # the home page asks twice (its list, and the lesson to carry on with)

    # one transaction: who is asking, the lessons read, the quiz attempts (it was 2 per lesson, twice)
    assert len(selects) == 3
    second = statuses[1]
    assert second.read and second.quiz_passed and second.attempts == 1
    assert not any(status.read or status.attempts for status in statuses[:1] + statuses[2:])


def test_what_a_page_saves_is_read_back_on_the_same_page(store, member):
    progress = on_a_page(store, member)
    assert progress.lessons_read() == frozenset()
    assert progress.quiz_attempts("a-1") == ()

    progress.mark_read("a-1")
    progress.record_quiz_attempt(attempt("a-1", 2))
    progress.record_quiz_attempt(attempt("a-1", 3))

    assert progress.lessons_read() == {"a-1"}
    assert [tried.correct for tried in progress.quiz_attempts("a-1")] == [2, 3]
    assert store.progress(member).lessons_read() == {"a-1"}  # saved, not only kept on the page


def test_what_another_tab_saved_shows_at_the_next_page_run(store, member):
    on_a_page(store, member).lessons_read()
    other_tab = on_a_page(store, member)
    other_tab.mark_read("a-3")
    other_tab.record_quiz_attempt(attempt("a-3", 4))

    next_run = on_a_page(store, member)
    assert next_run.lessons_read() == {"a-3"}
    assert len(next_run.quiz_attempts("a-3")) == 1
