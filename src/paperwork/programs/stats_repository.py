"""SQL for the statistics: programs first seen per local day and portal, with each dialect's
"local date of a UTC instant". Days without any are absent; ``daily_series`` zero-fills."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from paperwork.models import SupportProgram
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
