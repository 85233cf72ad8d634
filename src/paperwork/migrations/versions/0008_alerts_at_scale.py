"""Alerts at scale (issue 13's ten thousand alerts): passes take a lock row, so a program new to
an alert is recorded by the message that tells it (no notice per program); a message records
where its pass started looking, so giving it up rewinds its alert only that far; indexes for
reading a pass's recent messages and the notices of its programs.

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
    op.add_column("alert_deliveries", sa.Column("window_start", UTCDateTime(), nullable=True))
    op.create_index(op.f("ix_alert_deliveries_created_at"), "alert_deliveries", ["created_at"])
    op.create_index(op.f("ix_alert_notices_program_id"), "alert_notices", ["program_id"])
    # "changed:<change id>" outgrows 16 characters at the hundred-millionth change.
    with op.batch_alter_table("alert_notices") as batch:
        batch.alter_column("kind", type_=sa.String(length=32), existing_type=sa.String(length=16))


def downgrade() -> None:
    with op.batch_alter_table("alert_notices") as batch:
        batch.alter_column("kind", type_=sa.String(length=16), existing_type=sa.String(length=32))
    op.drop_index(op.f("ix_alert_notices_program_id"), table_name="alert_notices")
    op.drop_index(op.f("ix_alert_deliveries_created_at"), table_name="alert_deliveries")
    op.execute("ALTER TABLE alert_deliveries DROP COLUMN window_start")
    op.drop_table("alert_pass_lock")
