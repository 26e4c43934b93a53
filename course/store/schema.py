"""The tables, as SQLAlchemy Core. Migrations in ``migrations/versions`` create them; a test
checks that a migrated database matches this file exactly.

Core rather than the ORM: every query is written out, rows become frozen records at once,
and there is no session or lazy loading for a page to get hold of.

Times are stored as UTC (:class:`UTCDateTime`). Lesson ids are the content's slugs, not keys
of a table: lessons live in files, not in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC.

    PostgreSQL keeps it as ``timestamptz``; SQLite has no time zones, so it is stored as UTC
    text without an offset (which sorts in time order) and read back with UTC attached.
    Naive datetimes are refused: their time zone would be a guess.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps timezone-aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _account_fk(name: str, **kw: Any) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, **kw)


accounts = sa.Table(
    "accounts",
    metadata,
    _id(),
    sa.Column("username", sa.String(40), nullable=False),  # as typed
    sa.Column("username_key", sa.String(40), nullable=False, unique=True),  # lower case: unique ignoring case
    sa.Column("display_name", sa.String(60), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),  # Argon2id, PHC string format
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("role IN ('member', 'trainer')", name="role"),
)

# A failed sign-in (or re-entered password), kept for rules.FAILURE_MEMORY. What was typed as a
# username is kept only as a SHA-256 (a password typed into the username box is never stored
# as typed); the client is a network address or a known device, also hashed.
sign_in_failures = sa.Table(
    "sign_in_failures",
    metadata,
    _id(),
    sa.Column("username_sha256", sa.String(64), nullable=False),  # hex, of the lower-cased username
    sa.Column("client_sha256", sa.String(64), nullable=True),  # hex; None: the client is unknown
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Index(None, "username_sha256", "at"),
    sa.Index(None, "client_sha256", "at"),
)

# Browsers that signed in to an account: their failures don't slow down, and aren't slowed by,
# anyone else's. One random token per browser (its cookie), one row per account it signed in to.
known_devices = sa.Table(
    "known_devices",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),
    _account_fk("account_id", primary_key=True, index=True),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True),  # hex; the token itself is never stored
    _account_fk("account_id", index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),  # 12 h after sign-in, fixed
    sa.Column("last_seen_at", UTCDateTime, nullable=False),  # for the idle timeout
)

# One-time codes that set a new password without the old one: "reset" codes a trainer makes for
# a member of their group (expiring), "recovery" codes an account prints at sign-up. Only the
# code's SHA-256 is kept; a used code is deleted.
access_codes = sa.Table(
    "access_codes",
    metadata,
    _id(),
    _account_fk("account_id", index=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("code_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=True),  # None: a recovery code, good until used or replaced
    sa.CheckConstraint("kind IN ('reset', 'recovery')", name="kind"),
)

lessons_read = sa.Table(
    "lessons_read",
    metadata,
    _account_fk("account_id", primary_key=True),
    sa.Column("lesson_id", sa.String(80), primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),  # first read
)

quiz_attempts = sa.Table(
    "quiz_attempts",
    metadata,
    _id(),
    _account_fk("account_id"),
    sa.Column("lesson_id", sa.String(80), nullable=False),
    sa.Column("answers", sa.Text, nullable=False),  # JSON {question id: [choice indexes]}
    sa.Column("correct", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.CheckConstraint("total > 0 AND correct >= 0 AND correct <= total", name="score"),
    sa.Index(None, "account_id", "lesson_id", "at"),
)

self_checks = sa.Table(
    "self_checks",
    metadata,
    _id(),
    _account_fk("account_id"),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("outcome", sa.String(10), nullable=False),  # judged | partial | refused
    sa.Column("verdict", sa.String(200), nullable=False),
    sa.Column("report", sa.Text, nullable=False),  # Report.to_json(), as JSON text
    sa.CheckConstraint("outcome IN ('judged', 'partial', 'refused')", name="outcome"),
    sa.Index(None, "account_id", "at"),
)

groups = sa.Table(
    "groups",
    metadata,
    _id(),
    _account_fk("trainer_id", index=True),
    sa.Column("title", sa.String(80), nullable=False),
    sa.Column("join_code", sa.String(8), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("closed_at", UTCDateTime, nullable=True),  # None: open; set: no more joins or homework
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    _account_fk("member_id", primary_key=True, index=True),
    sa.Column("joined_at", UTCDateTime, nullable=False),
)

assignments = sa.Table(
    "assignments",
    metadata,
    _id(),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("pass_fraction", sa.Float, nullable=False),
    sa.Column("self_check", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("pass_fraction > 0 AND pass_fraction <= 1", name="pass_fraction"),
)

assignment_lessons = sa.Table(
    "assignment_lessons",
    metadata,
    sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("task", sa.String(4), primary_key=True),  # read | quiz
    sa.Column("lesson_id", sa.String(80), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),  # order the trainer listed them in
    sa.CheckConstraint("task IN ('read', 'quiz')", name="task"),
)

submissions = sa.Table(
    "submissions",
    metadata,
    _id(),
    sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    _account_fk("member_id"),
    sa.Column("self_check_id", sa.Integer, sa.ForeignKey("self_checks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("seen_at", UTCDateTime, nullable=True),  # None: the trainer hasn't looked since it came in
    sa.UniqueConstraint("assignment_id", "member_id"),  # resubmitting replaces
)

feedback = sa.Table(
    "feedback",
    metadata,
    _id(),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    _account_fk("trainer_id"),
    sa.Column("self_check_id", sa.Integer, sa.ForeignKey("self_checks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)

# A short thread under a trainer's feedback: the member answers, the trainer answers back.
# rules.FEEDBACK_THREAD_REPLIES caps how many replies one piece of feedback takes.
feedback_replies = sa.Table(
    "feedback_replies",
    metadata,
    _id(),
    sa.Column("feedback_id", sa.Integer, sa.ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True),
    _account_fk("author_id"),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)
