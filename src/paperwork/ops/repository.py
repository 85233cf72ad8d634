"""The operators' reads: the database server's version, per-table write statistics and raw
items by outcome; and the grouped counts ``/metrics/prometheus`` reads from the tables every
process writes (runs, the alerts' outbox, the AI usage log). The statements of ``/health``,
``/metrics`` and ``/admin/stats`` live here, with the SQLite/PostgreSQL differences they need."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import case, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from paperwork.db import Base
from paperwork.models import AIUsage, AlertDelivery, RawScrapedData, ScrapeRun


class ItemTotals(NamedTuple):
    """Items summed over runs, by what each run recorded of them (``scrape_runs`` columns)."""

    fetched: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    errors: int


class RunTotals(NamedTuple):
    portal_id: str
    status: str
    runs: int
    items: ItemTotals
    last_finished_at: dt.datetime | None


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


# --- /metrics/prometheus: what every process shares, read when Prometheus scrapes ---
# Runs, alert sends and AI calls happen in other processes (workers, the other API processes):
# their figures are counted here, from the tables all of them write, not in this process's
# memory. Each is one grouped statement over its table.


async def runs_by_portal_and_status(session: AsyncSession) -> list[RunTotals]:
    """Per portal and run status: the runs, their item counts summed and the latest finish."""
    SR = ScrapeRun
    statement = select(
        SR.portal_id,
        SR.status,
        func.count(),
        func.coalesce(func.sum(SR.fetched), 0),
        func.coalesce(func.sum(SR.new), 0),
        func.coalesce(func.sum(SR.updated), 0),
        func.coalesce(func.sum(SR.unchanged), 0),
        func.coalesce(func.sum(SR.rejected), 0),
        func.coalesce(func.sum(SR.errors), 0),
        func.max(SR.finished_at),
    ).group_by(SR.portal_id, SR.status)
    return [
        RunTotals(portal, status, int(runs), ItemTotals(*(int(n) for n in items)), last_finished)
        for portal, status, runs, *items, last_finished in await session.execute(statement)
    ]


async def deliveries_by_scheme_and_status(session: AsyncSession) -> list[tuple[str, str, int]]:
    """``(scheme, status, messages)`` of the alerts' outbox. A channel is an Apprise URL (a
    secret): only its scheme (``json``, ``mailto``, ``discord``…) leaves the database."""
    AD = AlertDelivery
    if session.get_bind().dialect.name == "postgresql":
        separator = func.strpos(AD.channel, "://")
    else:
        separator = func.instr(AD.channel, "://")
    scheme = case((separator > 1, func.lower(func.substr(AD.channel, 1, separator - 1))), else_="")
    # Grouped over a subquery: PostgreSQL would not match the expression's bound parameters in
    # SELECT with those repeated in GROUP BY.
    each = select(scheme.label("scheme"), AD.status.label("status")).subquery()
    statement = select(each.c.scheme, each.c.status, func.count()).group_by(
        each.c.scheme, each.c.status
    )
    return [
        (str(scheme), str(status), int(n)) for scheme, status, n in await session.execute(statement)
    ]


async def ai_usage_by_provider_and_status(
    session: AsyncSession,
) -> list[tuple[str, str, int, int]]:
    """``(provider, status, calls, cost in nano-dollars)`` of the AI usage log."""
    statement = select(
        AIUsage.provider,
        AIUsage.status,
        func.count(),
        func.coalesce(func.sum(AIUsage.cost_nanos), 0),
    ).group_by(AIUsage.provider, AIUsage.status)
    return [
        (str(provider), str(status), int(calls), int(nanos))
        for provider, status, calls, nanos in await session.execute(statement)
    ]
