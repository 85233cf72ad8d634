"""The migrations build exactly the schema the models describe, and revert cleanly."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from apptest import empty_database
from paperwork.db import Base, Database
from paperwork.migrate import downgrade, upgrade
from paperwork.programs.search_repository import include_name


async def _diff(database: Database) -> list[Any]:
    async with database.engine.connect() as conn:

        def compare(sync_conn: Any) -> list[Any]:
            opts = {"compare_type": True, "include_name": include_name}
            context = MigrationContext.configure(sync_conn, opts=opts)
            return list(compare_metadata(context, Base.metadata))

        return await conn.run_sync(compare)


async def _tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_models_and_migrations_agree(db: Database) -> None:
    assert await _diff(db) == []


async def test_migration_creates_one_config_per_portal_with_sensible_defaults(
    db: Database,
) -> None:
    async with db.engine.connect() as conn:
        rows = (
            (await conn.execute(text("SELECT * FROM scraping_config ORDER BY portal_id")))
            .mappings()
            .all()
        )
    assert [row["portal_id"] for row in rows] == ["bizinfo", "kstartup", "mss"]
    for row in rows:
        assert row["is_enabled"] and row["weekdays_only"] and row["auto_retry"]
        assert (row["daily_limit"], row["interval_hours"], row["max_retries"]) == (100, 24, 3)
        assert (row["random_delay_min"], row["random_delay_max"]) == (1, 5)
        assert row["quality_threshold"] == 7.0


async def test_program_counts_follow_inserts_and_deletes(db: Database, make_program: Any) -> None:
    first = await make_program(portal_id="kstartup")
    await make_program(portal_id="kstartup")
    await make_program(portal_id="bizinfo")
    async with db.session_scope() as session:
        await session.execute(text("DELETE FROM support_programs WHERE id = :id"), {"id": first})
    async with db.engine.connect() as conn:
        counts = dict(
            (await conn.execute(text("SELECT portal_id, count FROM program_counts"))).all()
        )
    assert counts == {"kstartup": 1, "bizinfo": 1}


def test_downgrade_to_base_and_upgrade_again(database_url: str, tmp_path: Path) -> None:
    with empty_database(database_url, tmp_path, "roundtrip") as url:
        _roundtrip(url)


def _roundtrip(url: str) -> None:
    upgrade(url)
    downgrade(url, "base")

    async def tables() -> set[str]:
        database = Database(url, pool_size=1)
        try:
            return await _tables(database)
        finally:
            await database.dispose()

    assert asyncio.run(tables()) <= {"alembic_version"}
    upgrade(url)
    assert {"support_programs", "scraping_config", "scrape_runs"} <= asyncio.run(tables())
