"""A trainer's day: groups that close, hand-ins the trainer hasn't seen yet, replies to feedback.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("groups", sa.Column("closed_at", UTC, nullable=True))
    op.add_column("submissions", sa.Column("seen_at", UTC, nullable=True))
    op.create_table(
        "feedback_replies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feedback_id", sa.Integer, sa.ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_index("ix_feedback_replies_feedback_id", "feedback_replies", ["feedback_id"])


def downgrade() -> None:
    op.drop_table("feedback_replies")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("seen_at")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("closed_at")
