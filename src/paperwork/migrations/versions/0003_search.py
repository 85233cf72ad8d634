"""Search over programs that matches inside Korean words (issue 5).

PostgreSQL: the ``pg_trgm`` extension and one multicolumn GIN trigram index over title, agency,
description and target, which serves ``col ILIKE '%term%'`` on each column (the planner ORs the
per-column scans of the one index). SQLite: an FTS5 table with the trigram tokenizer, external
content on ``support_programs``, kept in step by triggers and filled here from the existing rows.

Neither object is in the models (SQLAlchemy cannot describe them);
``paperwork.programs.search_repository`` names them so autogenerate comparisons leave them alone.

A later migration that rebuilds ``support_programs`` in SQLite batch mode drops these triggers
with the old table: it must create them again and ``rebuild`` the FTS table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept literal here (a migration must not change when application code does); the same names
# are in paperwork.programs.search_repository.
PG_INDEX = "ix_support_programs_search_trgm"
FTS_TABLE = "support_programs_fts"
COLUMNS = "title, implementing_agency, description, target_audience"
NEW_VALUES = "new.title, new.implementing_agency, new.description, new.target_audience"
OLD_VALUES = "old.title, old.implementing_agency, old.description, old.target_audience"

SQLITE_UPGRADE = (
    # External content: the text lives once, in support_programs; the FTS table holds only
    # the trigram index, so the database does not double in size.
    f"""
    CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        {COLUMNS}, content='support_programs', content_rowid='id', tokenize='trigram'
    )
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END
    """,
    # An external-content index forgets a row only when told its old values exactly.
    f"""
    CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD_VALUES});
    END
    """,
    # Only when a searched column changes: the pipeline's frequent "seen again" updates
    # (last_seen_at, view_count) leave the index alone.
    f"""
    CREATE TRIGGER {FTS_TABLE}_update
    AFTER UPDATE OF id, {COLUMNS} ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD_VALUES});
        INSERT INTO {FTS_TABLE} (rowid, {COLUMNS}) VALUES (new.id, {NEW_VALUES});
    END
    """,
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",
)

SQLITE_DOWNGRADE = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)

PG_UPGRADE = (
    # Trusted since PostgreSQL 13: a database owner may create it without superuser.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Hangul syllables count as word characters (so make trigrams) under any UTF-8 LC_CTYPE,
    # C.UTF-8 included; only a plain "C" ctype database would leave Korean text unindexed.
    f"""
    CREATE INDEX {PG_INDEX} ON support_programs USING gin (
        title gin_trgm_ops,
        implementing_agency gin_trgm_ops,
        description gin_trgm_ops,
        target_audience gin_trgm_ops
    )
    """,
)

# The extension stays: other schemas in the database may use it, and keeping it is harmless.
PG_DOWNGRADE = (f"DROP INDEX IF EXISTS {PG_INDEX}",)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for statement in PG_UPGRADE if _is_postgres() else SQLITE_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWNGRADE if _is_postgres() else SQLITE_DOWNGRADE:
        op.execute(statement)
