"""Alerts at scale (issue 13's ten thousand alerts): the outbox is the record of what each channel
was told — a message holds its programs, its reminder offset and where its pass started looking
— so the notice per program and channel (``alert_notices``) goes; a message's body is rendered
when it is sent, not stored; passes take a lock row, so two never queue the same message; an
index for reading a pass's recent messages.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paperwork.db import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lock = op.create_table(
        "alert_pass_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_started_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_pass_lock")),
    )
    op.bulk_insert(lock, [{"id": 1}])
    op.add_column("alert_deliveries", sa.Column("reminder_days", sa.Integer(), nullable=True))
    op.add_column("alert_deliveries", sa.Column("window_start", UTCDateTime(), nullable=True))
    op.create_index(op.f("ix_alert_deliveries_created_at"), "alert_deliveries", ["created_at"])
    # A reminder queued before this revision does not say its offset: read from its notices.
    op.execute(
        "UPDATE alert_deliveries SET reminder_days = ("
        " SELECT MIN(CAST(SUBSTR(kind, 10) AS INTEGER)) FROM alert_notices"
        " WHERE alert_notices.delivery_id = alert_deliveries.id"
        " AND alert_notices.kind LIKE 'reminder:%')"
        " WHERE kind = 'reminder'"
    )
    op.drop_index(op.f("ix_alert_notices_delivery_id"), table_name="alert_notices")
    op.drop_table("alert_notices")
    for column in ("text", "markdown", "html"):
        op.execute(f"ALTER TABLE alert_deliveries DROP COLUMN {column}")


def downgrade() -> None:
    # The notices of messages queued before the downgrade are not rebuilt: the alerts' marks
    # keep them from being told again as new. Messages not yet sent keep an empty body.
    for column in ("text", "markdown", "html"):
        op.add_column(
            "alert_deliveries", sa.Column(column, sa.Text(), server_default="", nullable=False)
        )
    op.create_table(
        "alert_notices",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel_key", sa.String(length=64), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_notices_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["alert_deliveries.id"],
            name=op.f("fk_alert_notices_delivery_id_alert_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["support_programs.id"],
            name=op.f("fk_alert_notices_program_id_support_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "alert_id", "channel_key", "program_id", "kind", name=op.f("pk_alert_notices")
        ),
    )
    op.create_index(op.f("ix_alert_notices_delivery_id"), "alert_notices", ["delivery_id"])
    op.drop_index(op.f("ix_alert_deliveries_created_at"), table_name="alert_deliveries")
    op.execute("ALTER TABLE alert_deliveries DROP COLUMN window_start")
    op.execute("ALTER TABLE alert_deliveries DROP COLUMN reminder_days")
    op.drop_table("alert_pass_lock")
