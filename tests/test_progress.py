"""Scoring quizzes and working out where a learner is in the course."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.content import load_course
from course.progress import (
    SessionProgress,
    choice_order,
    lesson_statuses,
    next_lesson,
    questions_to_pass,
    score_quiz,
)
from tests.content_factory import write_course

RIGHT = {"one": frozenset({1}), "two": frozenset({0, 2}), "three": frozenset({2}), "four": frozenset({0})}


@pytest.fixture
def course(tmp_path):
    return load_course(write_course(tmp_path, lessons=3))


def test_all_right_answers_score_full_marks(course):
    attempt = score_quiz(course.lessons[0], RIGHT)
    assert (attempt.correct, attempt.total, attempt.passed) == (4, 4, True)


def test_multiple_choice_needs_every_right_answer_and_no_wrong_one(course):
    lesson = course.lessons[0]
    assert score_quiz(lesson, RIGHT | {"two": frozenset({0})}).correct == 3
    assert score_quiz(lesson, RIGHT | {"two": frozenset({0, 1, 2})}).correct == 3


def test_three_of_four_passes_and_two_of_four_does_not(course):
    lesson = course.lessons[0]
    assert score_quiz(lesson, RIGHT | {"one": frozenset({0})}).passed
    assert not score_quiz(lesson, RIGHT | {"one": frozenset({0}), "four": frozenset({1})}).passed
    assert [questions_to_pass(n) for n in (4, 5, 6, 8)] == [3, 4, 5, 6]


def test_scoring_refuses_missing_or_unknown_answers(course):
    lesson = course.lessons[0]
    with pytest.raises(ValueError, match="have no answer"):
        score_quiz(lesson, {"one": frozenset({1})})
    with pytest.raises(ValueError, match="has no question"):
        score_quiz(lesson, RIGHT | {"nine": frozenset({0})})


def test_next_lesson_is_the_first_not_read_and_passed(course):
    progress = SessionProgress()
    assert next_lesson(course, progress).id == "a-1"
    progress.mark_read("a-1")
    assert next_lesson(course, progress).id == "a-1", "read but quiz not passed"
    progress.record_quiz_attempt(score_quiz(course.lessons[0], RIGHT))
    assert next_lesson(course, progress).id == "a-2"
    for lesson in course.lessons[1:]:
        progress.mark_read(lesson.id)
        progress.record_quiz_attempt(score_quiz(lesson, RIGHT))
    assert next_lesson(course, progress) is None


def test_status_keeps_the_best_attempt_and_counts_tries(course):
    progress = SessionProgress()
    lesson = course.lessons[0]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    progress.record_quiz_attempt(score_quiz(lesson, RIGHT | {"one": frozenset({0}), "four": frozenset({1})}, at=start))
    progress.record_quiz_attempt(score_quiz(lesson, RIGHT, at=start + timedelta(minutes=1)))
    progress.record_quiz_attempt(score_quiz(lesson, RIGHT | {"one": frozenset({0})}, at=start + timedelta(minutes=2)))
    status = lesson_statuses(course, progress)[0]
    assert (status.attempts, status.best_attempt.correct, status.quiz_passed) == (3, 4, True)
    assert not status.complete, "the lesson itself was never marked read"


LEARNERS = [f"account:{n}" for n in range(40)]


def test_a_learner_sees_the_same_choice_order_every_time():
    question = load_course().lesson("your-hip-joint").quiz[1]
    first = choice_order("account:7", "your-hip-joint", question)
    assert sorted(first) == list(range(len(question.choices)))
    assert all(choice_order("account:7", "your-hip-joint", question) == first for _ in range(3))


def test_the_right_answer_moves_between_learners_and_between_questions():
    lesson = load_course().lesson("your-hip-joint")
    question = next(q for q in lesson.quiz if q.kind == "single")
    (right,) = question.correct_choices
    places = {choice_order(learner, lesson.id, question).index(right) for learner in LEARNERS}
    assert places == set(range(len(question.choices))), "over 40 learners it sits in every place"
    singles = [q for q in load_course().lessons[0].quiz if q.kind == "single"]
    orders = {choice_order("account:1", lesson.id, q) for q in singles}
    assert len(orders) > 1, "one learner's questions are not all in one order"


def test_a_question_drawn_with_a_figure_keeps_its_bodies_in_order():
    question = next(q for lesson in load_course().lessons for q in lesson.quiz if q.figure)
    for learner in LEARNERS[:5]:
        assert choice_order(learner, "common-mistakes", question) == tuple(range(len(question.choices)))
