"""``/api/v1/stats`` use cases: the daily series of programs first seen, ending today."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.programs import stats_repository
from paperwork.programs.daily_series import daily_series
from paperwork.programs.v1_stats_schemas import DailyStats


async def daily_stats(
    session: AsyncSession, *, days: int, today: dt.date, tz: ZoneInfo, now: dt.datetime
) -> DailyStats:
    """The last ``days`` days, today (Asia/Seoul) included."""
    start_day = today - dt.timedelta(days=days - 1)
    rows = await stats_repository.first_seen_counts(session, start_day=start_day, tz=tz, now=now)
    return daily_series(rows, start_day=start_day, end_day=today)
