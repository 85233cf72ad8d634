"""Search v2 (issue 12): a token index that answers one- and two-syllable Korean words.

- ``support_programs.search_vector`` and ``search_head``: tsvectors on PostgreSQL (the positioned
  units of ``paperwork.search.index``, weighted by field), text on SQLite (the units an FTS5 table
  indexes). Filled here for the existing rows, in batches (a progress bar when the CLI runs it).
- PostgreSQL: a GIN index over ``search_vector``, built after the fill (faster than growing it
  row by row); the pg_trgm index of 0003 goes: nothing reads it any more, and it was most of
  what ingest cost the database.
- SQLite: the trigram FTS5 table of 0003 and its triggers go; a new FTS5 table over
  ``search_vector`` (external content, kept in step by triggers) replaces it.

The fill uses the application's tokenizer (the index must be what the query code expects), so
``paperwork search reindex`` can rebuild it after a tokenizer change. Re-running is harmless:
only rows without a vector are filled.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from paperwork.programs.search_repository import fill_search_columns

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_INDEX = "ix_support_programs_search_vector"
PG_TRIGRAM_INDEX = "ix_support_programs_search_trgm"
FTS_TABLE = "support_programs_search"
OLD_FTS_TABLE = "support_programs_fts"

SQLITE_OLD = (
    f"DROP TRIGGER IF EXISTS {OLD_FTS_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {OLD_FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {OLD_FTS_TABLE}_insert",
    f"DROP TABLE IF EXISTS {OLD_FTS_TABLE}",
)

SQLITE_NEW = (
    # The units are letters and digits, "&" inside a word ("r&d"): unicode61 with "&" as a token
    # character keeps each unit whole; diacritics are already folded by the tokenizer.
    f"""
    CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        search_vector, content='support_programs', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '&'"
    )
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} (rowid, search_vector) VALUES (new.id, new.search_vector);
    END
    """,
    # An external-content index forgets a row only when told its old values exactly.
    f"""
    CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON support_programs BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, search_vector)
        VALUES ('delete', old.id, old.search_vector);
    END
    """,
    f"""
    CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF id, search_vector ON support_programs
    BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, search_vector)
        VALUES ('delete', old.id, old.search_vector);
        INSERT INTO {FTS_TABLE} (rowid, search_vector) VALUES (new.id, new.search_vector);
    END
    """,
)

# 0003's trigram table and triggers, for the downgrade (kept literal, as 0003 wrote them).
_COLUMNS = "title, implementing_agency, description, target_audience"
_NEW = "new.title, new.implementing_agency, new.description, new.target_audience"
_OLD = "old.title, old.implementing_agency, old.description, old.target_audience"
SQLITE_TRIGRAM_UPGRADE = (
    f"CREATE VIRTUAL TABLE {OLD_FTS_TABLE} USING fts5({_COLUMNS}, content='support_programs', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {OLD_FTS_TABLE}_insert AFTER INSERT ON support_programs BEGIN "
    f"INSERT INTO {OLD_FTS_TABLE} (rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END",
    f"CREATE TRIGGER {OLD_FTS_TABLE}_delete AFTER DELETE ON support_programs BEGIN "
    f"INSERT INTO {OLD_FTS_TABLE} ({OLD_FTS_TABLE}, rowid, {_COLUMNS}) "
    f"VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER {OLD_FTS_TABLE}_update AFTER UPDATE OF id, {_COLUMNS} ON support_programs "
    f"BEGIN INSERT INTO {OLD_FTS_TABLE} ({OLD_FTS_TABLE}, rowid, {_COLUMNS}) "
    f"VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO {OLD_FTS_TABLE} (rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END",
    f"INSERT INTO {OLD_FTS_TABLE} ({OLD_FTS_TABLE}) VALUES ('rebuild')",
)


# The head (title A, agency and target B) cut from the vector in the database, in C: the ingest
# neither builds nor sends it.
PG_HEAD = (
    """
    CREATE FUNCTION support_programs_search_head() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_head := ts_filter(NEW.search_vector, '{a,b}');
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER support_programs_search_head
    BEFORE INSERT OR UPDATE OF search_vector ON support_programs
    FOR EACH ROW EXECUTE FUNCTION support_programs_search_head()
    """,
)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _fill() -> None:
    config = op.get_context().config
    on_progress = config.attributes.get("on_progress") if config is not None else None
    fill_search_columns(op.get_bind(), only_missing=True, on_progress=on_progress)


def upgrade() -> None:
    search_type = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
    with op.batch_alter_table("support_programs") as batch:
        batch.add_column(sa.Column("search_vector", search_type, nullable=True))
        batch.add_column(sa.Column("search_head", search_type, nullable=True))
    if _is_postgres():
        op.execute(f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}")
        # Keep the rows small: a row over 256 bytes has its long columns (description, the
        # vector) moved to TOAST, so a scan over many matches reads a small table; the title
        # and the head vector, which ranking reads for every candidate, stay in the row.
        op.execute(
            "ALTER TABLE support_programs SET (toast_tuple_target = 256), "
            "ALTER COLUMN search_head SET STORAGE MAIN, ALTER COLUMN title SET STORAGE MAIN"
        )
        for statement in PG_HEAD:
            op.execute(statement)
        _fill()
        op.execute(f"CREATE INDEX {PG_INDEX} ON support_programs USING gin (search_vector)")
        return
    for statement in SQLITE_OLD:
        op.execute(statement)
    # Filled before the FTS5 table exists: its update trigger would first delete each row's old
    # (absent) entry, which corrupts an external-content index. Then one rebuild reads them all.
    _fill()
    for statement in SQLITE_NEW:
        op.execute(statement)
    op.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


def downgrade() -> None:
    if _is_postgres():
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        op.execute("DROP TRIGGER IF EXISTS support_programs_search_head ON support_programs")
        op.execute("DROP FUNCTION IF EXISTS support_programs_search_head()")
        op.execute(
            "ALTER TABLE support_programs RESET (toast_tuple_target), "
            "ALTER COLUMN title SET STORAGE EXTENDED"
        )
        op.execute(
            f"CREATE INDEX {PG_TRIGRAM_INDEX} ON support_programs USING gin (title gin_trgm_ops, "
            "implementing_agency gin_trgm_ops, description gin_trgm_ops, "
            "target_audience gin_trgm_ops)"
        )
    else:
        for name in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    # Plain ALTER TABLE (SQLite 3.35+), not batch mode: a rebuilt table would lose the
    # triggers of 0003 and 0005.
    op.execute("ALTER TABLE support_programs DROP COLUMN search_head")
    op.execute("ALTER TABLE support_programs DROP COLUMN search_vector")
    if not _is_postgres():
        for statement in SQLITE_TRIGRAM_UPGRADE:
            op.execute(statement)
