"""The store's records of learning: lessons read, quiz attempts and self-check summaries, always
the acting account's own."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from course.progress import Progress, QuizAttempt
from course.store import validate
from course.store.core import StoreCore
from course.store.records import (
    Account,
    SelfCheckRecord,
)
from course.store.schema import (
    lessons_read,
    quiz_attempts,
    self_checks,
)


class LearningPart(StoreCore):
    """A learner's own records: lessons read, quiz attempts and self-checks."""

    # --- progress ----------------------------------------------------------------------------

    def progress(self, actor: Account) -> StoredProgress:
        """The actor's own progress, as a ``course.progress.Progress``: every call reads or
        writes the database. Raises NotAllowed for an unknown account."""
        with self._reading() as connection:
            self._actor(connection, actor)
        return StoredProgress(self, actor)

    def _mark_read(self, actor: Account, lesson_id: str) -> None:
        lesson_id = validate.lesson_id(lesson_id)
        with self._writing() as connection:
            self._actor(connection, actor)
            connection.execute(
                self._insert(lessons_read).on_conflict_do_nothing(),
                {"account_id": actor.id, "lesson_id": lesson_id, "at": self._now()},
            )

    def _lessons_read(self, actor: Account) -> frozenset[str]:
        with self._reading() as connection:
            self._actor(connection, actor)
            return frozenset(
                connection.execute(
                    sa.select(lessons_read.c.lesson_id).where(lessons_read.c.account_id == actor.id)
                ).scalars()
            )

    def _record_attempt(self, actor: Account, attempt: QuizAttempt) -> None:
        values = validate.attempt(attempt)
        with self._writing() as connection:
            self._actor(connection, actor)
            _insert_attempt(connection, actor.id, values)

    def _quiz_attempts(self, actor: Account, lesson_id: str) -> tuple[QuizAttempt, ...]:
        with self._reading() as connection:
            self._actor(connection, actor)
            rows = connection.execute(
                sa.select(quiz_attempts)
                .where(quiz_attempts.c.account_id == actor.id, quiz_attempts.c.lesson_id == lesson_id)
                .order_by(quiz_attempts.c.at, quiz_attempts.c.id)
            )
            return tuple(attempt_record(row) for row in rows)

    def _all_progress(self, actor: Account) -> tuple[frozenset[str], tuple[QuizAttempt, ...]]:
        with self._reading() as connection:
            self._actor(connection, actor)
            read = frozenset(
                connection.execute(
                    sa.select(lessons_read.c.lesson_id).where(lessons_read.c.account_id == actor.id)
                ).scalars()
            )
            rows = connection.execute(
                sa.select(quiz_attempts)
                .where(quiz_attempts.c.account_id == actor.id)
                .order_by(quiz_attempts.c.at, quiz_attempts.c.id)
            )
            return read, tuple(attempt_record(row) for row in rows)

    def keep_progress(self, actor: Account, earlier: Progress, lesson_ids: Iterable[str]) -> None:
        """Copy progress made before signing in (e.g. a ``SessionProgress``) into the actor's
        records, in one transaction: the lessons read and every quiz attempt at ``lesson_ids``
        (and at the lessons read), with their times. Attempts already kept are not copied
        twice, so calling it again changes nothing. Raises InvalidInput for a malformed
        attempt, and then nothing is copied."""
        read = earlier.lessons_read()
        wanted = dict.fromkeys([*lesson_ids, *sorted(read)])
        attempts = [attempt for lesson_id in wanted for attempt in earlier.quiz_attempts(lesson_id)]
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, actor)
            kept = {
                (row.lesson_id, row.at, row.answers, row.correct, row.total)
                for row in connection.execute(sa.select(quiz_attempts).where(quiz_attempts.c.account_id == actor.id))
            }
            for lesson_id in sorted(read):
                connection.execute(
                    self._insert(lessons_read).on_conflict_do_nothing(),
                    {"account_id": actor.id, "lesson_id": validate.lesson_id(lesson_id), "at": now},
                )
            for attempt in attempts:
                values = validate.attempt(attempt)
                key = (values["lesson_id"], values["at"], values["answers"], values["correct"], values["total"])
                if key not in kept:
                    _insert_attempt(connection, actor.id, values)
                    kept.add(key)

    # --- self-checks -------------------------------------------------------------------------

    def save_self_check(self, actor: Account, report: Mapping[str, Any]) -> SelfCheckRecord:
        """Keep a self-check's report (``Report.to_json()``): its outcome and verdict as columns,
        the whole report as JSON text. Never the clip. Raises InvalidInput for something that is
        not a report."""
        outcome, verdict, encoded = validate.report(report)
        now = self._now()
        with self._writing() as connection:
            self._actor(connection, actor)
            check_id = connection.execute(
                self_checks.insert().returning(self_checks.c.id),
                {"account_id": actor.id, "at": now, "outcome": outcome, "verdict": verdict, "report": encoded},
            ).scalar_one()
        return SelfCheckRecord(check_id, actor.id, now, outcome, verdict, json.loads(encoded))

    def self_checks(self, actor: Account) -> list[SelfCheckRecord]:
        """The actor's own self-checks, newest first."""
        with self._reading() as connection:
            self._actor(connection, actor)
            rows = connection.execute(
                sa.select(self_checks)
                .where(self_checks.c.account_id == actor.id)
                .order_by(self_checks.c.at.desc(), self_checks.c.id.desc())
            )
            return [
                SelfCheckRecord(row.id, row.account_id, row.at, row.outcome, row.verdict, json.loads(row.report))
                for row in rows
            ]


class StoredProgress:
    """One account's progress in the store, as ``course.progress.Progress``. Made by
    :meth:`Store.progress`; each call is its own transaction."""

    def __init__(self, store: LearningPart, actor: Account) -> None:
        self._store = store
        self._actor = actor

    def mark_read(self, lesson_id: str) -> None:
        self._store._mark_read(self._actor, lesson_id)

    def lessons_read(self) -> frozenset[str]:
        return self._store._lessons_read(self._actor)

    def record_quiz_attempt(self, attempt: QuizAttempt) -> None:
        self._store._record_attempt(self._actor, attempt)

    def quiz_attempts(self, lesson_id: str) -> Sequence[QuizAttempt]:
        """Attempts at one lesson's quiz, oldest first."""
        return self._store._quiz_attempts(self._actor, lesson_id)

    def read_all(self) -> tuple[frozenset[str], tuple[QuizAttempt, ...]]:
        """The lessons read and every quiz attempt of every lesson (oldest first), read in one
        transaction: a page that shows the whole course (home: a status per lesson) pays for one
        read instead of one per lesson."""
        return self._store._all_progress(self._actor)


def _insert_attempt(connection: sa.Connection, account_id: int, values: Mapping[str, Any]) -> None:
    connection.execute(quiz_attempts.insert(), {"account_id": account_id, **values})


def attempt_record(row: Any) -> QuizAttempt:
    answers = {question: frozenset(picked) for question, picked in json.loads(row.answers).items()}
    return QuizAttempt(row.lesson_id, answers, row.correct, row.total, row.at)
