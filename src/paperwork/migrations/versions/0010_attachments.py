"""Attachments (issue 15): the stored files by content hash (``attachment_files``), each
program's attachment links and what fetching them gave (``program_attachments``), the per-portal
mark of the links' copy (``attachment_sync``), the attachments' daily download limit in
``scraping_config``, and the attachments' search units on ``support_programs``
(``attachment_vector``: a GIN index on PostgreSQL, an FTS5 table on SQLite).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from paperwork.db import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = ("INSERT", "UPDATE", "DELETE")
# The program detail shows each attachment's fetch and extraction status.
WATCHED = ("program_attachments", "attachment_files")

PG_INDEX = "ix_support_programs_attachment_vector"
FTS_TABLE = "support_programs_search_attachments"

SQLITE_FTS = (
    f"""
    CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        attachment_vector, content='support_programs', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '&'"
    )
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} (rowid, attachment_vector) VALUES (new.id, new.attachment_vector);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, attachment_vector)
        VALUES ('delete', old.id, old.attachment_vector);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF id, attachment_vector ON support_programs
    BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, attachment_vector)
        VALUES ('delete', old.id, old.attachment_vector);
        INSERT INTO {FTS_TABLE} (rowid, attachment_vector) VALUES (new.id, new.attachment_vector);
    END
    """,
)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "attachment_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
        sa.Column("extraction_status", sa.String(length=16), nullable=False),
        sa.Column("extraction_error", sa.Text(), nullable=True),
        sa.Column("extracted_at", UTCDateTime(), nullable=True),
        sa.Column("text_chars", sa.Integer(), server_default="0", nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_files")),
    )
    op.create_table(
        "program_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("requested_at", UTCDateTime(), nullable=True),
        sa.Column("fetched_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["support_programs.id"],
            name=op.f("fk_program_attachments_program_id_support_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_files.sha256"],
            name=op.f("fk_program_attachments_sha256_attachment_files"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_attachments")),
        sa.UniqueConstraint(
            "program_id", "url", name=op.f("uq_program_attachments_program_id_url")
        ),
    )
    op.create_index(
        op.f("ix_program_attachments_program_id"), "program_attachments", ["program_id"]
    )
    op.create_index(op.f("ix_program_attachments_sha256"), "program_attachments", ["sha256"])
    op.create_index(
        "ix_program_attachments_portal_status", "program_attachments", ["portal_id", "status"]
    )
    op.create_index(
        "ix_program_attachments_portal_requested_at",
        "program_attachments",
        ["portal_id", "requested_at"],
    )
    op.create_table(
        "attachment_sync",
        sa.Column("portal_id", sa.String(length=32), nullable=False),
        sa.Column("synced_until", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("portal_id", name=op.f("pk_attachment_sync")),
    )
    # Plain ADD COLUMN (no batch mode): a rebuilt table would lose its triggers.
    op.add_column(
        "scraping_config",
        sa.Column("attachment_daily_limit", sa.Integer(), server_default="200", nullable=False),
    )
    search_type = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
    op.add_column("support_programs", sa.Column("attachment_vector", search_type, nullable=True))
    if _is_postgres():
        op.execute(f"CREATE INDEX {PG_INDEX} ON support_programs USING gin (attachment_vector)")
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
            )
        return
    for statement in SQLITE_FTS:  # (the new column is empty: nothing to rebuild)
        op.execute(statement)
    for table in WATCHED:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_data_version_{event.lower()} AFTER {event} ON {table} "
                "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if _is_postgres():
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
    else:
        for name in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    op.execute("ALTER TABLE support_programs DROP COLUMN attachment_vector")
    op.execute("ALTER TABLE scraping_config DROP COLUMN attachment_daily_limit")
    op.drop_table("attachment_sync")
    op.drop_table("program_attachments")  # its triggers go with it
    op.drop_table("attachment_files")
