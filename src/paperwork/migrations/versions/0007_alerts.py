"""Alerts (issue 13): token roles (every existing token stays an admin's) and the saved
searches that notify their owner's channels.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from paperwork.db import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch rebuild): admin_tokens keeps its constraints as they are.
    op.add_column(
        "admin_tokens",
        sa.Column("role", sa.String(length=16), server_default="admin", nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_token_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", JSON_TYPE, nullable=False),
        sa.Column("channels", JSON_TYPE, nullable=False),
        sa.Column("notify", JSON_TYPE, nullable=False),
        sa.Column("reminder_days", JSON_TYPE, nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failure_streak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_token_id"],
            ["admin_tokens.id"],
            name=op.f("fk_alerts_owner_token_id_admin_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_owner_token_id"), "alerts", ["owner_token_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alerts_owner_token_id"), table_name="alerts")
    op.drop_table("alerts")
    op.execute("ALTER TABLE admin_tokens DROP COLUMN role")
