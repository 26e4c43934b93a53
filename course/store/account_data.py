"""Everything stored about one account: gathered for its owner to download, and deleted with it.

``everything_about(connection, account_id)`` is the JSON document of "Download my data";
``delete_everything(connection, account_id, username_key)`` removes every row of the account
in the caller's transaction. Both list the tables one by one, and tests check both against the
schema, table by table, so a table added later can't be forgotten.

What is someone else's stays out of the download: a trainer gets the groups they run, the
homework they set and the feedback they wrote, not their members' progress.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from course.store.schema import (
    access_codes,
    accounts,
    assignment_lessons,
    assignments,
    feedback,
    feedback_replies,
    groups,
    known_devices,
    lessons_read,
    memberships,
    quiz_attempts,
    self_checks,
    sessions,
    sign_in_failures,
    submissions,
)

EXPORT_FORMAT = 1  # the "format" key of the download; raised when its shape changes


def everything_about(connection: sa.Connection, account_id: int, *, now: datetime) -> dict[str, Any]:
    """The account's data as plain JSON types (times as ISO 8601 text, in UTC)."""

    def fetch(query: sa.Select[Any]) -> list[dict[str, Any]]:
        return [{key: _plain(value) for key, value in row._mapping.items()} for row in connection.execute(query)]

    account = fetch(
        sa.select(accounts.c.username, accounts.c.display_name, accounts.c.role, accounts.c.created_at).where(
            accounts.c.id == account_id
        )
    )[0]
    trainer = accounts.alias("trainer")
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": _plain(now),
        "account": account,
        "signed_in_sessions": fetch(
            sa.select(
                sessions.c.created_at.label("signed_in_at"),
                sessions.c.last_seen_at.label("last_used_at"),
                sessions.c.expires_at,
            )
            .where(sessions.c.account_id == account_id)
            .order_by(sessions.c.created_at)
        ),
        "unused_codes": fetch(
            sa.select(access_codes.c.kind, access_codes.c.created_at, access_codes.c.expires_at)
            .where(access_codes.c.account_id == account_id)
            .order_by(access_codes.c.id)
        ),
        "known_devices": fetch(
            sa.select(known_devices.c.expires_at)
            .where(known_devices.c.account_id == account_id)
            .order_by(known_devices.c.expires_at)
        ),
        "lessons_read": fetch(
            sa.select(lessons_read.c.lesson_id, lessons_read.c.at)
            .where(lessons_read.c.account_id == account_id)
            .order_by(lessons_read.c.at)
        ),
        "quiz_attempts": [
            {**attempt, "answers": json.loads(attempt["answers"])}
            for attempt in fetch(
                sa.select(
                    quiz_attempts.c.lesson_id,
                    quiz_attempts.c.answers,
                    quiz_attempts.c.correct,
                    quiz_attempts.c.total,
                    quiz_attempts.c.at,
                )
                .where(quiz_attempts.c.account_id == account_id)
                .order_by(quiz_attempts.c.at, quiz_attempts.c.id)
            )
        ],
        "self_checks": [
            {**check, "report": json.loads(check["report"])}
            for check in fetch(
                sa.select(
                    self_checks.c.id,
                    self_checks.c.at,
                    self_checks.c.outcome,
                    self_checks.c.verdict,
                    self_checks.c.report,
                )
                .where(self_checks.c.account_id == account_id)
                .order_by(self_checks.c.at)
            )
        ],
        "groups_joined": fetch(
            sa.select(groups.c.title.label("group"), trainer.c.display_name.label("trainer"), memberships.c.joined_at)
            .join(groups, groups.c.id == memberships.c.group_id)
            .join(trainer, trainer.c.id == groups.c.trainer_id)
            .where(memberships.c.member_id == account_id)
            .order_by(memberships.c.joined_at)
        ),
        "homework_handed_in": fetch(
            sa.select(
                assignments.c.title.label("homework"),
                groups.c.title.label("group"),
                submissions.c.self_check_id,
                submissions.c.at,
            )
            .join(assignments, assignments.c.id == submissions.c.assignment_id)
            .join(groups, groups.c.id == assignments.c.group_id)
            .where(submissions.c.member_id == account_id)
            .order_by(submissions.c.at)
        ),
        "feedback_received": _with_threads(
            connection,
            fetch,
            fetch(
                sa.select(
                    feedback.c.id,
                    assignments.c.title.label("homework"),
                    trainer.c.display_name.label("trainer"),
                    feedback.c.self_check_id,
                    feedback.c.text,
                    feedback.c.at,
                )
                .join(submissions, submissions.c.id == feedback.c.submission_id)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .join(trainer, trainer.c.id == feedback.c.trainer_id)
                .where(submissions.c.member_id == account_id)
                .order_by(feedback.c.at)
            ),
        ),
        "replies_written": fetch(
            sa.select(assignments.c.title.label("homework"), feedback_replies.c.text, feedback_replies.c.at)
            .join(feedback, feedback.c.id == feedback_replies.c.feedback_id)
            .join(submissions, submissions.c.id == feedback.c.submission_id)
            .join(assignments, assignments.c.id == submissions.c.assignment_id)
            .where(feedback_replies.c.author_id == account_id)
            .order_by(feedback_replies.c.at)
        ),
        "groups_run": fetch(
            sa.select(groups.c.title, groups.c.join_code, groups.c.created_at, groups.c.closed_at)
            .where(groups.c.trainer_id == account_id)
            .order_by(groups.c.created_at)
        ),
        "homework_set": _homework_set(connection, account_id, fetch),
        "feedback_written": _with_threads(
            connection,
            fetch,
            fetch(
                sa.select(feedback.c.id, assignments.c.title.label("homework"), feedback.c.text, feedback.c.at)
                .join(submissions, submissions.c.id == feedback.c.submission_id)
                .join(assignments, assignments.c.id == submissions.c.assignment_id)
                .where(feedback.c.trainer_id == account_id)
                .order_by(feedback.c.at)
            ),
        ),
    }
    return document


def _with_threads(connection: sa.Connection, fetch: Any, notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each feedback note (with its "id") with its whole reply thread in order, both sides
    (who wrote each reply, what and when), and without the id: the data of a conversation
    belongs to both people in it."""
    thread: dict[int, list[dict[str, Any]]] = {note["id"]: [] for note in notes}
    if thread:
        author = accounts.alias("author")
        for reply in fetch(
            sa.select(
                feedback_replies.c.feedback_id,
                author.c.display_name.label("by"),
                feedback_replies.c.text,
                feedback_replies.c.at,
            )
            .join(author, author.c.id == feedback_replies.c.author_id)
            .where(feedback_replies.c.feedback_id.in_(list(thread)))
            .order_by(feedback_replies.c.at, feedback_replies.c.id)
        ):
            thread[reply.pop("feedback_id")].append(reply)
    return [
        {key: value for key, value in note.items() if key != "id"} | {"replies": thread[note["id"]]} for note in notes
    ]


def _homework_set(connection: sa.Connection, account_id: int, fetch: Any) -> list[dict[str, Any]]:
    homework = fetch(
        sa.select(
            assignments.c.id,
            groups.c.title.label("group"),
            assignments.c.title,
            assignments.c.due,
            assignments.c.pass_fraction,
            assignments.c.self_check,
            assignments.c.note,
            assignments.c.created_at,
        )
        .join(groups, groups.c.id == assignments.c.group_id)
        .where(groups.c.trainer_id == account_id)
        .order_by(assignments.c.created_at, assignments.c.id)
    )
    tasks: dict[int, dict[str, list[str]]] = {work["id"]: {"read": [], "quiz": []} for work in homework}
    if tasks:
        for task in connection.execute(
            sa.select(assignment_lessons)
            .where(assignment_lessons.c.assignment_id.in_(list(tasks)))
            .order_by(assignment_lessons.c.position)
        ):
            tasks[task.assignment_id][task.task].append(task.lesson_id)
    return [
        {key: value for key, value in work.items() if key != "id"}
        | {"lessons_to_read": tasks[work["id"]]["read"], "quizzes_to_pass": tasks[work["id"]]["quiz"]}
        for work in homework
    ]


def delete_everything(connection: sa.Connection, account_id: int, username_key: str) -> None:
    """Delete every row of the account, inside the caller's transaction: its own records, its
    sign-ins and failed ones, and what hangs on them (a trainer's groups take their homework,
    memberships and the hand-ins to it; a member's self-checks take their hand-ins and the
    feedback on them). Foreign keys would cascade most of it; it is written out so it holds
    however a database was set up."""
    own_checks = sa.select(self_checks.c.id).where(self_checks.c.account_id == account_id)
    own_groups = sa.select(groups.c.id).where(groups.c.trainer_id == account_id)
    their_homework = sa.select(assignments.c.id).where(assignments.c.group_id.in_(own_groups))
    touching = sa.select(submissions.c.id).where(
        sa.or_(
            submissions.c.member_id == account_id,
            submissions.c.self_check_id.in_(own_checks),
            submissions.c.assignment_id.in_(their_homework),
        )
    )
    own_notes = sa.select(feedback.c.id).where(
        sa.or_(
            feedback.c.trainer_id == account_id,
            feedback.c.submission_id.in_(touching),
            feedback.c.self_check_id.in_(own_checks),
        )
    )
    for statement in (
        feedback_replies.delete().where(
            sa.or_(feedback_replies.c.author_id == account_id, feedback_replies.c.feedback_id.in_(own_notes))
        ),
        feedback.delete().where(
            sa.or_(
                feedback.c.trainer_id == account_id,
                feedback.c.submission_id.in_(touching),
                feedback.c.self_check_id.in_(own_checks),
            )
        ),
        submissions.delete().where(submissions.c.id.in_(touching)),
        assignment_lessons.delete().where(assignment_lessons.c.assignment_id.in_(their_homework)),
        assignments.delete().where(assignments.c.id.in_(their_homework)),
        memberships.delete().where(
            sa.or_(memberships.c.member_id == account_id, memberships.c.group_id.in_(own_groups))
        ),
        groups.delete().where(groups.c.trainer_id == account_id),
        self_checks.delete().where(self_checks.c.account_id == account_id),
        quiz_attempts.delete().where(quiz_attempts.c.account_id == account_id),
        lessons_read.delete().where(lessons_read.c.account_id == account_id),
        sessions.delete().where(sessions.c.account_id == account_id),
        known_devices.delete().where(known_devices.c.account_id == account_id),
        access_codes.delete().where(access_codes.c.account_id == account_id),
        sign_in_failures.delete().where(sign_in_failures.c.username_sha256 == username_hash(username_key)),
        accounts.delete().where(accounts.c.id == account_id),
    ):
        connection.execute(statement)


def username_hash(username_key: str) -> str:
    """How sign_in_failures keeps a username: the SHA-256 of "user:" and its lower-cased form."""
    return hashlib.sha256(f"user:{username_key}".encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
