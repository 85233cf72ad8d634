"""Korean-time helpers: every "today" and day boundary is computed in Asia/Seoul, stored UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def today_in(tz: ZoneInfo = SEOUL, *, now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(tz).date()


def start_of_day_utc(day: dt.date, tz: ZoneInfo = SEOUL) -> dt.datetime:
    """The UTC instant at which ``day`` begins in ``tz``."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
