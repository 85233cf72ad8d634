"""ops/repository.py on both databases: the server's version, per-table figures (counted on
SQLite, the statistics collector's on PostgreSQL), raw items by outcome."""

from __future__ import annotations

from paperwork.db import Database
from paperwork.models import RawScrapedData
from paperwork.ops import repository


async def test_server_version(db: Database) -> None:
    async with db.engine.connect() as connection:
        version = await repository.server_version(connection)
    assert version[0].isdigit() and " " not in version


async def test_table_stats_cover_every_table(db: Database) -> None:
    async with db.session_scope() as session:
        stats = await repository.table_stats(session)
    tables = {row["name"]: row for row in stats}
    assert {"support_programs", "scrape_runs", "scraping_config", "portal_state"} <= set(tables)
    keys = {"name", "inserts", "updates", "deletes", "live_tuples"}
    assert all(set(row) == keys for row in stats)
    assert [row["name"] for row in stats] == sorted(tables)
    if db.dialect == "sqlite":
        assert tables["scraping_config"]["live_tuples"] == 3
        assert tables["scraping_config"]["inserts"] is None


async def test_raw_counts_by_portal_and_outcome(db: Database) -> None:
    async with db.session_scope() as session:
        for number, status in enumerate(["promoted", None, None]):
            session.add(
                RawScrapedData(portal_id="mss", external_id=str(number), payload={}, status=status)
            )
    async with db.session_scope() as session:
        assert await repository.raw_counts_by_portal_and_status(session) == {
            "mss": {"promoted": 1, None: 2}
        }
