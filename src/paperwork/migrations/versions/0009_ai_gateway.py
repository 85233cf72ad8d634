"""The AI gateway (issue 14): the daily spend per scope with its reservations (``ai_spend``), the
log of every call (``ai_usage``), and the programs' AI summaries per content version
(``program_summaries``, watched by ``data_version`` like the programs: the detail shows them).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from paperwork.db import UTCDateTime

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
EVENTS = ("INSERT", "UPDATE", "DELETE")

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_spend",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("spent_nanos", sa.BigInteger(), nullable=False),
        sa.Column("reserved_nanos", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "scope", name=op.f("pk_ai_spend")),
    )
    op.create_table(
        "ai_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("cost_nanos", sa.BigInteger(), nullable=False),
        sa.Column("reserved_nanos", sa.BigInteger(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["admin_tokens.id"],
            name=op.f("fk_ai_usage_token_id_admin_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
    )
    op.create_index(op.f("ix_ai_usage_token_id"), "ai_usage", ["token_id"])
    op.create_index(op.f("ix_ai_usage_day"), "ai_usage", ["day"])
    op.create_table(
        "program_summaries",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", JSON_TYPE, nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["support_programs.id"],
            name=op.f("fk_program_summaries_program_id_support_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("program_id", "content_hash", name=op.f("pk_program_summaries")),
    )
    # The program detail shows the summary: its cached answers must go when one is stored
    # (the trigger function is 0005's).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER program_summaries_data_version AFTER INSERT OR UPDATE OR DELETE "
            "ON program_summaries FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )
    else:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER program_summaries_data_version_{event.lower()} AFTER {event} "
                "ON program_summaries "
                "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    op.drop_table("program_summaries")  # its triggers go with it
    op.drop_table("ai_usage")
    op.drop_table("ai_spend")
