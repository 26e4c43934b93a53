"""The first schema: accounts and sign-in, progress, self-checks, groups and homework.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand from course/store/schema.py; tests/store/test_store_database.py checks that the
result matches it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)  # schema.UTCDateTime stores this type


def _account_fk(name: str, *, primary_key: bool = False) -> sa.Column:
    return sa.Column(
        name, sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, primary_key=primary_key
    )


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("username_key", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(60), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("role IN ('member', 'trainer')", name="ck_accounts_role"),
        sa.UniqueConstraint("username_key", name="uq_accounts_username_key"),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username_key", sa.String(256), nullable=False),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_index("ix_sign_in_failures_username_key_at", "sign_in_failures", ["username_key", "at"])
    op.create_table(
        "sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        _account_fk("account_id"),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
    )
    op.create_index("ix_sessions_account_id", "sessions", ["account_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "lessons_read",
        _account_fk("account_id", primary_key=True),
        sa.Column("lesson_id", sa.String(80), primary_key=True),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        _account_fk("account_id"),
        sa.Column("lesson_id", sa.String(80), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("correct", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.CheckConstraint("total > 0 AND correct >= 0 AND correct <= total", name="ck_quiz_attempts_score"),
    )
    op.create_index("ix_quiz_attempts_account_id_lesson_id_at", "quiz_attempts", ["account_id", "lesson_id", "at"])
    op.create_table(
        "self_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        _account_fk("account_id"),
        sa.Column("at", UTC, nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("verdict", sa.String(200), nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.CheckConstraint("outcome IN ('judged', 'partial', 'refused')", name="ck_self_checks_outcome"),
    )
    op.create_index("ix_self_checks_account_id_at", "self_checks", ["account_id", "at"])
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer, primary_key=True),
        _account_fk("trainer_id"),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("join_code", sa.String(8), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.UniqueConstraint("join_code", name="uq_groups_join_code"),
    )
    op.create_index("ix_groups_trainer_id", "groups", ["trainer_id"])
    op.create_table(
        "memberships",
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        _account_fk("member_id", primary_key=True),
        sa.Column("joined_at", UTC, nullable=False),
    )
    op.create_index("ix_memberships_member_id", "memberships", ["member_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("pass_fraction", sa.Float, nullable=False),
        sa.Column("self_check", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("pass_fraction > 0 AND pass_fraction <= 1", name="ck_assignments_pass_fraction"),
    )
    op.create_index("ix_assignments_group_id", "assignments", ["group_id"])
    op.create_table(
        "assignment_lessons",
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("task", sa.String(4), primary_key=True),
        sa.Column("lesson_id", sa.String(80), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.CheckConstraint("task IN ('read', 'quiz')", name="ck_assignment_lessons_task"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
        _account_fk("member_id"),
        sa.Column("self_check_id", sa.Integer, sa.ForeignKey("self_checks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.UniqueConstraint("assignment_id", "member_id", name="uq_submissions_assignment_id_member_id"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
        _account_fk("trainer_id"),
        sa.Column("self_check_id", sa.Integer, sa.ForeignKey("self_checks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_index("ix_feedback_submission_id", "feedback", ["submission_id"])


def downgrade() -> None:
    for table in (
        "feedback",
        "submissions",
        "assignment_lessons",
        "assignments",
        "memberships",
        "groups",
        "self_checks",
        "quiz_attempts",
        "lessons_read",
        "sessions",
        "sign_in_failures",
        "accounts",
    ):
        op.drop_table(table)
