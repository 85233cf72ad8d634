"""When a portal's next scheduled run is: pure functions of a config and a clock.

Rules:
- A disabled portal has no next run.
- The next run is ``interval`` after the last run *started*; with no last run it is due now.
- Runs happen only inside the active window (Asia/Seoul wall clock, end exclusive) on a run
  day. A window whose end is before its start crosses midnight (22:00–06:00). A missing start
  or end, or start == end, means all day.
- A window belongs to the day it opens on, and only that day has to be a run day: with
  ``weekdays_only``, Saturday 01:00 lies in Friday's 22:00–06:00 window and may run, while
  Monday 01:00 lies in Sunday's window and may not (Monday's opens at 22:00 Monday).
- A moment due outside a window moves to the next window's opening. A window that passed
  while nothing ran (the scheduler was down) is not owed: the run waits for the next one.
- After 3 consecutive failed runs the interval doubles with each failure (3 → ×2, 4 → ×4, …),
  capped at 24 h, so a broken portal is not hammered all day. Such a portal is "degraded".

Every datetime returned is timezone-aware UTC; naive inputs are rejected.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from paperwork.timeutil import SEOUL

BACKOFF_AFTER_FAILURES = 3
BACKOFF_CAP = dt.timedelta(hours=24)
# Longest stretch without a run day we search through (Chuseok plus a weekend is ~5 days).
_SEARCH_DAYS = 31


@dataclass(frozen=True)
class ScheduleConfig:
    """The schedule part of a portal's scraping config."""

    is_enabled: bool
    interval_hours: int
    interval_minutes: int
    start_time: dt.time | None  # Asia/Seoul wall clock
    end_time: dt.time | None  # exclusive; before start_time = crosses midnight
    weekdays_only: bool

    def __post_init__(self) -> None:
        if self.interval_hours < 0 or self.interval_minutes < 0:
            raise ValueError("interval must not be negative")
        if self.interval_hours == 0 and self.interval_minutes == 0:
            raise ValueError("interval must be at least one minute")

    @classmethod
    def from_row(cls, obj: Any) -> ScheduleConfig:
        """From any object with these attributes (an ORM row, a schema); times may be "HH:MM"."""
        return cls(
            is_enabled=bool(obj.is_enabled),
            interval_hours=int(obj.interval_hours or 0),
            interval_minutes=int(obj.interval_minutes or 0),
            start_time=_as_time(obj.start_time),
            end_time=_as_time(obj.end_time),
            weekdays_only=bool(obj.weekdays_only),
        )

    @property
    def interval(self) -> dt.timedelta:
        return dt.timedelta(hours=self.interval_hours, minutes=self.interval_minutes)

    @property
    def all_day(self) -> bool:
        return self.start_time is None or self.end_time is None or self.start_time == self.end_time


def _as_time(value: object) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    raise TypeError(f"not a time of day: {value!r}")


@functools.lru_cache(maxsize=16)
def _kr_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("KR", years=year))


def is_run_day(day: dt.date, weekdays_only: bool) -> bool:
    """Every day, or with ``weekdays_only`` Monday–Friday except Korean public holidays."""
    if not weekdays_only:
        return True
    return day.weekday() < 5 and day not in _kr_holidays(day.year)


def is_degraded(consecutive_failures: int) -> bool:
    """A portal is degraded once its failures stretch the interval: the scheduler warns, /health
    says "degraded", and the status shows it, all by this one rule."""
    return consecutive_failures >= BACKOFF_AFTER_FAILURES


def effective_interval(config: ScheduleConfig, consecutive_failures: int) -> dt.timedelta:
    """The configured interval, stretched after repeated failures (never shortened)."""
    if consecutive_failures < 0:
        raise ValueError("consecutive_failures must not be negative")
    base = config.interval
    if consecutive_failures < BACKOFF_AFTER_FAILURES:
        return base
    # 2**16 minutes is already far past the cap; bounding the exponent avoids overflow.
    exponent = min(consecutive_failures - BACKOFF_AFTER_FAILURES + 1, 16)
    # A configured interval above the cap stays as configured: backoff only ever lengthens.
    return max(base, min(base * (1 << exponent), BACKOFF_CAP))


def next_run_at(
    config: ScheduleConfig,
    last_run_started_at: dt.datetime | None,
    now: dt.datetime,
    *,
    consecutive_failures: int = 0,
    tz: ZoneInfo = SEOUL,
) -> dt.datetime | None:
    """The moment (UTC) the next run is due; ``None`` when disabled; ``<= now`` means overdue."""
    _require_aware(now, "now")
    if not config.is_enabled:
        return None
    if last_run_started_at is None:
        candidate = now
    else:
        _require_aware(last_run_started_at, "last_run_started_at")
        candidate = last_run_started_at + effective_interval(config, consecutive_failures)
    moment = _first_allowed(config, candidate, tz)
    if moment <= now:
        upcoming = _first_allowed(config, now, tz)
        if upcoming > now:
            # Due in a window that has since closed: wait for the next one, don't run outside it.
            moment = upcoming
    return moment.astimezone(dt.UTC)


def is_due(
    config: ScheduleConfig,
    last_run_started_at: dt.datetime | None,
    now: dt.datetime,
    *,
    consecutive_failures: int = 0,
    tz: ZoneInfo = SEOUL,
) -> bool:
    """Whether a run should start at ``now``."""
    when = next_run_at(
        config, last_run_started_at, now, consecutive_failures=consecutive_failures, tz=tz
    )
    return when is not None and when <= now


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def _window(config: ScheduleConfig, day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The active window opening on ``day``: [open, close) as aware datetimes."""
    if config.all_day:
        start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    assert config.start_time is not None and config.end_time is not None  # all_day said so
    start = dt.datetime.combine(day, config.start_time, tzinfo=tz)
    end_day = day if config.end_time > config.start_time else day + dt.timedelta(days=1)
    return start, dt.datetime.combine(end_day, config.end_time, tzinfo=tz)


def _first_allowed(config: ScheduleConfig, moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The earliest moment at or after ``moment`` inside a window opening on a run day."""
    # Start a day early: the window that opened yesterday evening may still be open.
    first_day = moment.astimezone(tz).date() - dt.timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = first_day + dt.timedelta(days=offset)
        if not is_run_day(day, config.weekdays_only):
            continue
        opens, closes = _window(config, day, tz)
        if closes > moment:
            return max(opens, moment)
    raise RuntimeError(f"no run day within {_SEARCH_DAYS} days of {moment.isoformat()}")
