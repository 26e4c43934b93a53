"""Throttling by growing waits, per username and per client, instead of a lock-out.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

sign_in_failures is made anew: it now keeps hashes of the username and of the client, not the
username as typed. The rows it held were only counters of recent failures, so nothing of value
is lost; known_devices is new.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_index("ix_sign_in_failures_username_key_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username_sha256", sa.String(64), nullable=False),
        sa.Column("client_sha256", sa.String(64), nullable=True),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_index("ix_sign_in_failures_at", "sign_in_failures", ["at"])
    op.create_index("ix_sign_in_failures_username_sha256_at", "sign_in_failures", ["username_sha256", "at"])
    op.create_index("ix_sign_in_failures_client_sha256_at", "sign_in_failures", ["client_sha256", "at"])
    op.create_table(
        "known_devices",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("expires_at", UTC, nullable=False),
    )
    op.create_index("ix_known_devices_account_id", "known_devices", ["account_id"])
    op.create_index("ix_known_devices_expires_at", "known_devices", ["expires_at"])


def downgrade() -> None:
    op.drop_table("known_devices")
    op.drop_table("sign_in_failures")
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username_key", sa.String(256), nullable=False),
        sa.Column("at", UTC, nullable=False),
    )
    op.create_index("ix_sign_in_failures_username_key_at", "sign_in_failures", ["username_key", "at"])
