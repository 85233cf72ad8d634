"""Initial schema: the seed's tables plus runs, changes, admin tokens and program counts.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from paperwork.db import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Sensible defaults for a polite daily collection (issue 2); operators tune them with
# PUT /scraping-config/{portal_id}.
DEFAULT_PORTALS = ("bizinfo", "kstartup", "mss")

PG_COUNT_TRIGGERS = (
    """
    CREATE FUNCTION program_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO program_counts (portal_id, count)
        SELECT portal_id, count(*) FROM new_rows GROUP BY portal_id
        ON CONFLICT (portal_id) DO UPDATE SET count = program_counts.count + EXCLUDED.count;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION program_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE program_counts AS pc SET count = pc.count - gone.n
        FROM (SELECT portal_id, count(*) AS n FROM old_rows GROUP BY portal_id) AS gone
        WHERE pc.portal_id = gone.portal_id;
        RETURN NULL;
    END $$
    """,
    # Statement-level triggers with transition tables: one counter update per bulk insert,
    # not one per row, so ingest stays fast.
    """
    CREATE TRIGGER support_programs_count_insert AFTER INSERT ON support_programs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION program_counts_add()
    """,
    """
    CREATE TRIGGER support_programs_count_delete AFTER DELETE ON support_programs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION program_counts_remove()
    """,
)

SQLITE_COUNT_TRIGGERS = (
    """
    CREATE TRIGGER support_programs_count_insert AFTER INSERT ON support_programs BEGIN
        INSERT INTO program_counts (portal_id, count) VALUES (NEW.portal_id, 1)
        ON CONFLICT (portal_id) DO UPDATE SET count = count + 1;
    END
    """,
    """
    CREATE TRIGGER support_programs_count_delete AFTER DELETE ON support_programs BEGIN
        UPDATE program_counts SET count = count - 1 WHERE portal_id = OLD.portal_id;
    END
    """,
)


def upgrade() -> None:
    op.create_table(
        "scrape_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal_id", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scrape_runs")),
    )
    op.create_index("ix_scrape_runs_portal_started_at", "scrape_runs", ["portal_id", "started_at"])
    op.create_index("ix_scrape_runs_started_at", "scrape_runs", ["started_at"])

    op.create_table(
        "raw_scraped_data",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal_id", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("scraped_at", UTCDateTime(), nullable=False),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scrape_runs.id"],
            name=op.f("fk_raw_scraped_data_run_id_scrape_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_scraped_data")),
    )
    op.create_index(
        "ix_raw_scraped_data_portal_scraped_at", "raw_scraped_data", ["portal_id", "scraped_at"]
    )
    op.create_index(
        "ix_raw_scraped_data_portal_external", "raw_scraped_data", ["portal_id", "external_id"]
    )

    op.create_table(
        "support_programs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal_id", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("implementing_agency", sa.Text(), nullable=True),
        sa.Column("application_period", sa.Text(), nullable=True),
        sa.Column("application_status", sa.String(16), nullable=True),
        sa.Column("support_field", sa.Text(), nullable=True),
        sa.Column("support_amount", sa.Text(), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("target_audience", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("required_documents", JSONType, nullable=False),
        sa.Column("evaluation_criteria", JSONType, nullable=False),
        sa.Column("attachments", JSONType, nullable=False),
        sa.Column("detail_url", sa.Text(), nullable=True),
        sa.Column("view_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("data_quality_score", sa.Float(), nullable=True),
        sa.Column("original_raw_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("apply_start", sa.Date(), nullable=True),
        sa.Column("apply_end", sa.Date(), nullable=True),
        sa.Column("period_kind", sa.String(16), server_default="unknown", nullable=False),
        sa.Column("scraped_at", UTCDateTime(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["original_raw_id"],
            ["raw_scraped_data.id"],
            name=op.f("fk_support_programs_original_raw_id_raw_scraped_data"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_programs")),
        sa.UniqueConstraint(
            "portal_id", "external_id", name=op.f("uq_support_programs_portal_id_external_id")
        ),
    )
    op.create_index(
        "ix_support_programs_scraped_at_id",
        "support_programs",
        ["scraped_at", "id"],
    )
    op.create_index(
        "ix_support_programs_portal_scraped_at_id",
        "support_programs",
        ["portal_id", "scraped_at", "id"],
    )
    op.create_index("ix_support_programs_first_seen_at", "support_programs", ["first_seen_at"])
    op.create_index("ix_support_programs_apply_end", "support_programs", ["apply_end"])

    op.create_table(
        "program_counts",
        sa.Column("portal_id", sa.String(32), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("portal_id", name=op.f("pk_program_counts")),
    )

    op.create_table(
        "program_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["support_programs.id"],
            name=op.f("fk_program_changes_program_id_support_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scrape_runs.id"],
            name=op.f("fk_program_changes_run_id_scrape_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_changes")),
    )
    op.create_index(
        "ix_program_changes_program_changed_at", "program_changes", ["program_id", "changed_at"]
    )

    scraping_config = op.create_table(
        "scraping_config",
        sa.Column("portal_id", sa.String(32), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("interval_hours", sa.Integer(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("random_delay_min", sa.Integer(), nullable=False),
        sa.Column("random_delay_max", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("weekdays_only", sa.Boolean(), nullable=False),
        sa.Column("quality_threshold", sa.Float(), nullable=False),
        sa.Column("auto_retry", sa.Boolean(), nullable=False),
        sa.Column("max_retries", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("portal_id", name=op.f("pk_scraping_config")),
    )

    op.create_table(
        "admin_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_admin_tokens_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_admin_tokens_token_hash")),
    )

    is_postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_COUNT_TRIGGERS if is_postgres else SQLITE_COUNT_TRIGGERS:
        op.execute(statement)

    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        scraping_config,
        [
            {
                "portal_id": portal_id,
                "is_enabled": True,
                "daily_limit": 100,
                "interval_hours": 24,
                "interval_minutes": 0,
                "random_delay_min": 1,
                "random_delay_max": 5,
                "start_time": dt.time(9, 0),
                "end_time": dt.time(18, 0),
                "weekdays_only": True,
                "quality_threshold": 7.0,
                "auto_retry": True,
                "max_retries": 3,
                "updated_at": now,
            }
            for portal_id in DEFAULT_PORTALS
        ],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS support_programs_count_insert ON support_programs")
        op.execute("DROP TRIGGER IF EXISTS support_programs_count_delete ON support_programs")
        op.execute("DROP FUNCTION IF EXISTS program_counts_add()")
        op.execute("DROP FUNCTION IF EXISTS program_counts_remove()")
    else:
        op.execute("DROP TRIGGER IF EXISTS support_programs_count_insert")
        op.execute("DROP TRIGGER IF EXISTS support_programs_count_delete")
    op.drop_table("admin_tokens")
    op.drop_table("scraping_config")
    op.drop_index("ix_program_changes_program_changed_at", table_name="program_changes")
    op.drop_table("program_changes")
    op.drop_table("program_counts")
    for index in (
        "ix_support_programs_apply_end",
        "ix_support_programs_first_seen_at",
        "ix_support_programs_portal_scraped_at_id",
        "ix_support_programs_scraped_at_id",
    ):
        op.drop_index(index, table_name="support_programs")
    op.drop_table("support_programs")
    op.drop_index("ix_raw_scraped_data_portal_external", table_name="raw_scraped_data")
    op.drop_index("ix_raw_scraped_data_portal_scraped_at", table_name="raw_scraped_data")
    op.drop_table("raw_scraped_data")
    op.drop_index("ix_scrape_runs_started_at", table_name="scrape_runs")
    op.drop_index("ix_scrape_runs_portal_started_at", table_name="scrape_runs")
    op.drop_table("scrape_runs")
