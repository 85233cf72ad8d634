"""When portals run: explicit datetimes instead of a clock, Asia/Seoul wall time throughout."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from paperwork.portals.schedule import (
    BACKOFF_AFTER_FAILURES,
    ScheduleConfig,
    effective_interval,
    is_degraded,
    is_due,
    is_run_day,
    next_run_at,
)
from paperwork.timeutil import SEOUL

KST = SEOUL
H = dt.timedelta(hours=1)


def kst(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=KST)


def cfg(
    *,
    enabled: bool = True,
    hours: int = 1,
    minutes: int = 0,
    start: str | None = None,
    end: str | None = None,
    weekdays_only: bool = False,
) -> ScheduleConfig:
    return ScheduleConfig(
        is_enabled=enabled,
        interval_hours=hours,
        interval_minutes=minutes,
        start_time=dt.time.fromisoformat(start) if start else None,
        end_time=dt.time.fromisoformat(end) if end else None,
        weekdays_only=weekdays_only,
    )


def test_the_calendar_these_tests_assume() -> None:
    assert kst(7, 3).strftime("%a") == "Fri"
    assert kst(12, 25).strftime("%a") == "Fri"


def test_disabled_portal_never_runs() -> None:
    config = cfg(enabled=False)
    assert next_run_at(config, None, kst(7, 1, 12)) is None
    assert next_run_at(config, kst(7, 1, 0), kst(7, 1, 12)) is None
    assert not is_due(config, None, kst(7, 1, 12))


def test_no_last_run_is_due_now() -> None:
    now = kst(7, 1, 12, 34)
    assert next_run_at(cfg(), None, now) == now
    assert is_due(cfg(), None, now)


def test_no_last_run_outside_the_window_waits_for_it() -> None:
    config = cfg(start="09:00", end="18:00")
    now = kst(7, 1, 20)  # Wednesday evening
    assert next_run_at(config, None, now) == kst(7, 2, 9)
    assert not is_due(config, None, now)


def test_interval_with_minutes_counts_from_the_last_start() -> None:
    config = cfg(hours=1, minutes=30)
    last = kst(7, 1, 10)
    assert next_run_at(config, last, kst(7, 1, 10, 5)) == kst(7, 1, 11, 30)
    assert not is_due(config, last, kst(7, 1, 11, 29))
    assert is_due(config, last, kst(7, 1, 11, 30))


def test_minutes_only_interval() -> None:
    assert next_run_at(cfg(hours=0, minutes=45), kst(7, 1, 10), kst(7, 1, 10)) == kst(7, 1, 10, 45)


def test_end_time_is_exclusive() -> None:
    config = cfg(start="09:00", end="18:00")
    assert next_run_at(config, kst(7, 1, 16, 59), kst(7, 1, 17)) == kst(7, 1, 17, 59)
    assert next_run_at(config, kst(7, 1, 17), kst(7, 1, 17, 30)) == kst(7, 2, 9)
    assert not is_due(config, None, kst(7, 1, 18))
    assert is_due(config, None, kst(7, 1, 9))  # the start is inclusive


def test_window_crossing_midnight() -> None:
    config = cfg(hours=2, start="22:00", end="06:00")
    assert next_run_at(config, kst(7, 1, 23), kst(7, 1, 23)) == kst(7, 2, 1)  # after midnight
    assert next_run_at(config, kst(7, 2, 5), kst(7, 2, 5)) == kst(7, 2, 22)  # 07:00 is outside
    assert is_due(config, None, kst(7, 2, 3))
    assert not is_due(config, None, kst(7, 2, 6))
    assert next_run_at(config, None, kst(7, 2, 12)) == kst(7, 2, 22)


def test_weekend_is_skipped_when_weekdays_only() -> None:
    all_day = cfg(hours=2, weekdays_only=True)
    assert next_run_at(all_day, kst(7, 3, 23), kst(7, 3, 23)) == kst(7, 6, 0)  # Fri → Mon 00:00
    office = cfg(hours=2, start="09:00", end="18:00", weekdays_only=True)
    assert next_run_at(office, kst(7, 3, 17), kst(7, 3, 17)) == kst(7, 6, 9)
    assert not is_due(office, None, kst(7, 4, 10))  # Saturday
    assert is_due(cfg(hours=2), None, kst(7, 4, 10))  # every day


def test_midnight_window_belongs_to_the_day_it_opens_on() -> None:
    config = cfg(start="22:00", end="06:00", weekdays_only=True)
    assert is_due(config, None, kst(7, 4, 1))  # Saturday 01:00: Friday's window
    assert not is_due(config, None, kst(7, 4, 22))  # Saturday's window: not a run day
    # Monday 01:00 lies in Sunday's window; Monday's own opens at 22:00.
    assert next_run_at(config, None, kst(7, 6, 1)) == kst(7, 6, 22)


def test_korean_public_holidays_are_not_run_days() -> None:
    assert not is_run_day(dt.date(2026, 12, 25), True)  # Christmas, a Friday
    assert not is_run_day(dt.date(2026, 9, 25), True)  # Chuseok
    assert not is_run_day(dt.date(2026, 10, 5), True)  # alternative holiday, a Monday
    assert not is_run_day(dt.date(2026, 7, 4), True)  # Saturday
    assert is_run_day(dt.date(2026, 12, 24), True)
    assert is_run_day(dt.date(2026, 12, 25), False)

    config = cfg(start="09:00", end="18:00", weekdays_only=True)
    # Thursday 17:00 + 1 h hits the exclusive end; Friday is Christmas → Monday 09:00.
    assert next_run_at(config, kst(12, 24, 17), kst(12, 24, 17)) == kst(12, 28, 9)
    # Chuseok Thu–Sat plus Sunday.
    assert next_run_at(config, None, kst(9, 23, 19)) == kst(9, 28, 9)


def test_backoff_after_three_failures_doubles_up_to_a_day() -> None:
    config = cfg(hours=1)
    got = [effective_interval(config, n) for n in range(9)]
    assert got == [H, H, H, 2 * H, 4 * H, 8 * H, 16 * H, 24 * H, 24 * H]
    assert effective_interval(config, 10_000) == 24 * H
    assert effective_interval(cfg(hours=30), 5) == 30 * H  # never shorter than configured
    with pytest.raises(ValueError):
        effective_interval(config, -1)


def test_a_portal_is_degraded_exactly_when_backoff_starts() -> None:
    config = cfg(hours=2)
    for failures in range(BACKOFF_AFTER_FAILURES + 2):
        stretched = effective_interval(config, failures) > config.interval
        assert is_degraded(failures) is stretched, failures
    assert not is_degraded(0) and is_degraded(3)


def test_backoff_moves_the_next_run() -> None:
    config = cfg(hours=1)
    last = kst(7, 1, 10)
    assert next_run_at(config, last, last, consecutive_failures=2) == kst(7, 1, 11)
    assert next_run_at(config, last, last, consecutive_failures=4) == kst(7, 1, 14)
    assert next_run_at(config, last, last, consecutive_failures=20) == kst(7, 2, 10)
    assert not is_due(config, last, kst(7, 1, 13), consecutive_failures=4)


def test_overdue_returns_the_computed_moment() -> None:
    config = cfg(hours=1)
    now = kst(7, 1, 15)
    when = next_run_at(config, kst(7, 1, 10), now)
    assert when == kst(7, 1, 11)
    assert when is not None and when < now
    assert is_due(config, kst(7, 1, 10), now)


def test_a_window_missed_while_down_is_not_owed() -> None:
    config = cfg(start="09:00", end="18:00")
    # Due at 11:00 Wednesday, but nothing ran and it is now 20:00: wait for Thursday.
    assert next_run_at(config, kst(7, 1, 10), kst(7, 1, 20)) == kst(7, 2, 9)
    assert not is_due(config, kst(7, 1, 10), kst(7, 1, 20))


@pytest.mark.parametrize(
    ("start", "end"), [(None, None), ("09:00", None), (None, "18:00"), ("09:00", "09:00")]
)
def test_open_or_equal_bounds_mean_all_day(start: str | None, end: str | None) -> None:
    config = cfg(start=start, end=end)
    assert is_due(config, None, kst(7, 1, 3))
    assert next_run_at(config, kst(7, 1, 23, 30), kst(7, 1, 23, 30)) == kst(7, 2, 0, 30)


def test_results_are_utc_and_inputs_may_be_any_aware_zone() -> None:
    config = cfg(start="09:00", end="18:00")
    now_utc = dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC)  # 20:00 KST
    when = next_run_at(config, None, now_utc)
    assert when is not None and when.tzinfo is dt.UTC
    assert when == dt.datetime(2026, 7, 2, 0, 0, tzinfo=dt.UTC)  # 09:00 KST
    # A custom zone for the window.
    utc_window = next_run_at(config, None, now_utc, tz=ZoneInfo("UTC"))
    assert utc_window == now_utc


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="now"):
        next_run_at(cfg(), None, dt.datetime(2026, 7, 1, 12))
    with pytest.raises(ValueError, match="last_run_started_at"):
        next_run_at(cfg(), dt.datetime(2026, 7, 1, 12), kst(7, 1, 12))
    with pytest.raises(ValueError):
        is_due(cfg(), None, dt.datetime(2026, 7, 1, 12))


def test_from_row_accepts_orm_like_objects() -> None:
    row = SimpleNamespace(
        is_enabled=True,
        interval_hours=2,
        interval_minutes=None,
        start_time="22:00",
        end_time=dt.time(6, 0),
        weekdays_only=False,
    )
    assert ScheduleConfig.from_row(row) == cfg(hours=2, start="22:00", end="06:00")


def test_a_zero_interval_is_rejected() -> None:
    with pytest.raises(ValueError):
        cfg(hours=0, minutes=0)
