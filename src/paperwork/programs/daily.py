"""Programs first seen per local day and portal: the SQL (each dialect's "local date of a UTC
instant") and the zero-filling that turns sparse rows into a series a chart can draw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from paperwork.models import SupportProgram
from paperwork.portals.catalog import PORTAL_NAMES, portal_name
from paperwork.timeutil import start_of_day_utc

SP = SupportProgram


def _local_day(dialect: str, tz: ZoneInfo, now: dt.datetime) -> ColumnElement[Any]:
    """The local calendar day of ``first_seen_at`` (stored UTC), computed in the database."""
    if dialect == "postgresql":
        # timestamptz AT TIME ZONE zone → the local wall time, whose date is the local day.
        # Rendered inline (literal_execute): with a bound parameter in both SELECT and GROUP BY,
        # PostgreSQL would see two different expressions ($1 vs $2).
        return cast(func.timezone(literal(tz.key, literal_execute=True), SP.first_seen_at), Date)
    # SQLite stores naive UTC text and knows no zones: shift by the zone's UTC offset. Exact for
    # Asia/Seoul, which has had no daylight saving time since 1988.
    offset = now.astimezone(tz).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return func.date(SP.first_seen_at, literal(f"{minutes:+d} minutes", literal_execute=True))


async def first_seen_counts(
    session: AsyncSession, *, start_day: dt.date, tz: ZoneInfo, now: dt.datetime
) -> list[tuple[dt.date, str, int]]:
    """(local day, portal, programs first seen) from ``start_day`` on; days without any are
    absent. The range is a plain ``first_seen_at >= start`` so the index on it bounds the scan."""
    bind = session.get_bind()
    day = _local_day(bind.dialect.name, tz, now).label("day")
    statement = (
        select(day, SP.portal_id, func.count())
        .where(SP.first_seen_at >= start_of_day_utc(start_day, tz))
        .group_by(day, SP.portal_id)
    )
    rows = (await session.execute(statement)).all()
    return [(_as_date(value), portal, int(count)) for value, portal, count in rows]


def _as_date(value: Any) -> dt.date:
    # PostgreSQL answers a date, SQLite the text 'YYYY-MM-DD'.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def daily_series(
    rows: Iterable[tuple[dt.date, str, int]], *, start_day: dt.date, end_day: dt.date
) -> dict[str, Any]:
    """Every day from ``start_day`` to ``end_day`` with a count for every known portal (and any
    other portal found in ``rows``), zeros where nothing was first seen."""
    counts: dict[tuple[dt.date, str], int] = {}
    portal_ids = dict.fromkeys(PORTAL_NAMES)
    for day, portal, count in rows:
        if start_day <= day <= end_day:
            counts[day, portal] = counts.get((day, portal), 0) + count
            portal_ids.setdefault(portal, None)
    portals: Sequence[str] = list(portal_ids)
    days = [
        start_day + dt.timedelta(days=offset) for offset in range((end_day - start_day).days + 1)
    ]
    series = []
    for day in days:
        per_portal = {portal: counts.get((day, portal), 0) for portal in portals}
        series.append({"date": day, "counts": per_portal, "total": sum(per_portal.values())})
    totals = [
        {
            "portal_id": portal,
            "portal_name": portal_name(portal),
            "total": sum(counts.get((day, portal), 0) for day in days),
        }
        for portal in portals
    ]
    return {
        "start_date": start_day,
        "end_date": end_day,
        "portals": totals,
        "series": series,
        "total": sum(entry["total"] for entry in totals),
    }
