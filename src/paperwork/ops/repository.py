"""The operators' reads: the database server's version, per-table write statistics and raw
items by outcome. The statements of ``/health``, ``/metrics`` and ``/admin/stats`` live here,
with the SQLite/PostgreSQL differences they need (runs and tokens: their own repositories)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from paperwork.db import Base
from paperwork.models import RawScrapedData

_SERVER_VERSION = {"sqlite": "SELECT sqlite_version()", "postgresql": "SHOW server_version"}

PG_TABLE_STATS = text(
    "SELECT relname AS name, n_tup_ins AS inserts, n_tup_upd AS updates, "
    "n_tup_del AS deletes, n_live_tup AS live_tuples "
    "FROM pg_stat_user_tables WHERE schemaname = current_schema() ORDER BY relname"
)


async def server_version(connection: AsyncConnection) -> str:
    """The database server's version, e.g. ``3.45.1`` or ``16.4`` (without build details)."""
    query = _SERVER_VERSION.get(connection.dialect.name, _SERVER_VERSION["postgresql"])
    return str(await connection.scalar(text(query))).split()[0]


async def table_stats(session: AsyncSession) -> list[dict[str, Any]]:
    """Per table: ``name, inserts, updates, deletes, live_tuples``, by table name."""
    if session.get_bind().dialect.name == "postgresql":
        return [dict(row._mapping) for row in await session.execute(PG_TABLE_STATS)]
    # SQLite keeps no write statistics: live rows are counted, the rest is unknown (null).
    stats = []
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        count = await session.scalar(select(func.count()).select_from(table))
        stats.append(
            {
                "name": table.name,
                "inserts": None,
                "updates": None,
                "deletes": None,
                "live_tuples": int(count or 0),
            }
        )
    return stats


async def raw_counts_by_portal_and_status(
    session: AsyncSession,
) -> dict[str, dict[str | None, int]]:
    """``{portal_id: {status: raw items}}``; a raw item without an outcome yet has status None."""
    rows = await session.execute(
        select(RawScrapedData.portal_id, RawScrapedData.status, func.count()).group_by(
            RawScrapedData.portal_id, RawScrapedData.status
        )
    )
    counts: dict[str, dict[str | None, int]] = {}
    for portal_id, status, count in rows.all():
        counts.setdefault(portal_id, {})[status] = count
    return counts
