"""A learner's progress through the course: lessons read and quiz attempts.

Pages talk to progress only through the :class:`Progress` protocol. Today it is kept in
the browser session (:class:`SessionProgress`); a database-backed store will implement
the same five methods, so the pages will not change when progress starts to last.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from course.content import Course, Lesson, Question

QUIZ_PASS_FRACTION = 0.75
"""Share of a quiz's questions answered right to pass it: 3 of 4, 4 of 5.

A quiz checks understanding, not memory of wording; one slip still passes, two do not."""


def questions_to_pass(total: int) -> int:
    """How many of ``total`` questions must be right to pass."""
    return math.ceil(QUIZ_PASS_FRACTION * total - 1e-9)


def choice_order(learner: str, lesson_id: str, question: Question) -> tuple[int, ...]:
    """The order a learner sees a question's choices in: indexes into ``question.choices``.

    ``learner`` is any text that stays the same for one learner (their account, or their browser
    session when they are not signed in). The same learner gets the same order for the same
    question on every visit and every try; other learners and other questions get other orders,
    so the right answer is not always in the same place. A question drawn with a figure keeps
    its written order, because its choices follow the figure ("Body A", "Body B", then both or
    neither). Answers are kept as these indexes, never as places on the screen, so an attempt
    stored before the order changed still marks the same choices.
    """
    indexes = range(len(question.choices))
    if question.figure is not None:
        return tuple(indexes)

    def rank(index: int) -> bytes:  # a hash, not random.shuffle: the same on every Python
        return hashlib.sha256(f"{learner}\n{lesson_id}\n{question.id}\n{index}".encode()).digest()

    return tuple(sorted(indexes, key=rank))


@dataclass(frozen=True, slots=True)
class QuizAttempt:
    """One complete pass through a lesson's quiz."""

    lesson_id: str
    answers: Mapping[str, frozenset[int]]  # question id -> indexes of the choices picked
    correct: int  # questions answered right
    total: int  # questions in the quiz
    at: datetime

    @property
    def passed(self) -> bool:
        return self.correct >= questions_to_pass(self.total)

    @property
    def score_text(self) -> str:
        return f"{self.correct} of {self.total}"


class Progress(Protocol):
    """What the pages may ask of and tell about a learner's progress."""

    def mark_read(self, lesson_id: str) -> None: ...

    def lessons_read(self) -> frozenset[str]: ...

    def record_quiz_attempt(self, attempt: QuizAttempt) -> None: ...

    def quiz_attempts(self, lesson_id: str) -> Sequence[QuizAttempt]:
        """Attempts at one lesson's quiz, oldest first."""
        ...


@dataclass
class SessionProgress:
    """Progress kept in memory for one browser session; lost when the tab closes."""

    _read: set[str] = field(default_factory=set)
    _attempts: list[QuizAttempt] = field(default_factory=list)

    def mark_read(self, lesson_id: str) -> None:
        self._read.add(lesson_id)

    def lessons_read(self) -> frozenset[str]:
        return frozenset(self._read)

    def record_quiz_attempt(self, attempt: QuizAttempt) -> None:
        self._attempts.append(attempt)

    def quiz_attempts(self, lesson_id: str) -> Sequence[QuizAttempt]:
        return tuple(a for a in self._attempts if a.lesson_id == lesson_id)


def score_quiz(lesson: Lesson, answers: Mapping[str, frozenset[int]], at: datetime | None = None) -> QuizAttempt:
    """Mark a complete set of answers (question id -> picked choice indexes).

    Raises ``ValueError`` when a question of the quiz has no answer or an answer
    names a question the quiz does not have.
    """
    quiz_ids = {question.id for question in lesson.quiz}
    unknown = set(answers) - quiz_ids
    if unknown:
        raise ValueError(f"lesson {lesson.id!r} has no question(s) {sorted(unknown)}")
    missing = quiz_ids - set(answers)
    if missing:
        raise ValueError(f"question(s) {sorted(missing)} of lesson {lesson.id!r} have no answer")
    correct = sum(question.is_correct(answers[question.id]) for question in lesson.quiz)
    return QuizAttempt(
        lesson_id=lesson.id,
        answers={qid: frozenset(picked) for qid, picked in answers.items()},
        correct=correct,
        total=len(lesson.quiz),
        at=at or datetime.now(UTC),
    )


@dataclass(frozen=True, slots=True)
class LessonStatus:
    lesson: Lesson
    read: bool
    best_attempt: QuizAttempt | None
    attempts: int

    @property
    def quiz_passed(self) -> bool:
        return self.best_attempt is not None and self.best_attempt.passed

    @property
    def complete(self) -> bool:
        return self.read and self.quiz_passed


def lesson_statuses(course: Course, progress: Progress) -> list[LessonStatus]:
    read = progress.lessons_read()
    statuses = []
    for lesson in course.lessons:
        attempts = progress.quiz_attempts(lesson.id)
        best = max(attempts, key=lambda a: (a.correct, a.at), default=None)
        statuses.append(LessonStatus(lesson=lesson, read=lesson.id in read, best_attempt=best, attempts=len(attempts)))
    return statuses


def next_lesson(course: Course, progress: Progress) -> Lesson | None:
    """The first lesson not yet complete (read with its quiz passed), or None when all are."""
    for status in lesson_statuses(course, progress):
        if not status.complete:
            return status.lesson
    return None
