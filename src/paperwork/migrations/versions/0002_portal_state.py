"""Scheduler state per portal: the run lease and consecutive failures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from paperwork.db import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    portal_state = op.create_table(
        "portal_state",
        sa.Column("portal_id", sa.String(32), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_failure", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("portal_id", name=op.f("pk_portal_state")),
    )
    portal_ids = [
        row[0] for row in op.get_bind().execute(sa.text("SELECT portal_id FROM scraping_config"))
    ]
    op.bulk_insert(portal_state, [{"portal_id": portal_id} for portal_id in portal_ids])


def downgrade() -> None:
    op.drop_table("portal_state")
