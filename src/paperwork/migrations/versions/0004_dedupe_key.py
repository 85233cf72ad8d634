"""support_programs.dedupe_key: pairs one program's copies on several portals via an index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from paperwork.programs.dedupe import dedupe_key

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    # add_column outside batch mode: on SQLite a batch rebuild would drop the FTS and count
    # triggers that live on this table.
    op.add_column("support_programs", sa.Column("dedupe_key", sa.Text(), nullable=True))
    op.create_index("ix_support_programs_dedupe_key", "support_programs", ["dedupe_key"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, title, implementing_agency, apply_end FROM support_programs "
            "WHERE apply_end IS NOT NULL"
        )
    ).all()
    update = sa.text("UPDATE support_programs SET dedupe_key = :key WHERE id = :id")
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        bind.execute(
            update,
            [
                {"id": row.id, "key": dedupe_key(row.title, row.implementing_agency, _date(row))}
                for row in batch
            ],
        )


def _date(row: Any) -> dt.date:
    value = row.apply_end  # SQLite hands back the stored text
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def downgrade() -> None:
    op.drop_index("ix_support_programs_dedupe_key", table_name="support_programs")
    # A plain ALTER on both (SQLite ≥ 3.35), not a batch rebuild that would lose the triggers.
    op.execute("ALTER TABLE support_programs DROP COLUMN dedupe_key")
