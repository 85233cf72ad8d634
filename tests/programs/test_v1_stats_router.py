"""GET /api/v1/stats/daily: programs first seen per Asia/Seoul day and portal, zero-filled, with
the day boundary at the Korean midnight, and bad input answered 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from apptest import Clock
from paperwork.timeutil import SEOUL

URL = "/api/v1/stats/daily"
TODAY = dt.date(2026, 12, 15)


async def stats(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get(URL, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and "timestamp" in body
    data: dict[str, Any] = body["data"]
    return data


def kst(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SEOUL)


def by_day(data: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {entry["date"]: entry["counts"] for entry in data["series"]}


async def test_empty_database_gives_thirty_zero_days_for_every_portal(
    api: httpx.AsyncClient,
) -> None:
    data = await stats(api)
    assert (data["start_date"], data["end_date"]) == ("2026-11-16", "2026-12-15")
    assert [entry["date"] for entry in data["series"]][:2] == ["2026-11-16", "2026-11-17"]
    assert len(data["series"]) == 30 and data["total"] == 0
    assert [p["portal_id"] for p in data["portals"]] == ["bizinfo", "kstartup", "mss"]
    assert data["portals"][1] == {"portal_id": "kstartup", "portal_name": "K-Startup", "total": 0}
    assert all(
        entry["counts"] == {"bizinfo": 0, "kstartup": 0, "mss": 0} and entry["total"] == 0
        for entry in data["series"]
    )


async def test_counts_per_korean_day_and_portal(api: httpx.AsyncClient, make_program: Any) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    # 23:59:59 in Seoul is still yesterday; 00:00:00 is today (15:00 UTC the day before).
    await make_program(first_seen_at=kst(yesterday, 23, 59, 59))
    await make_program(first_seen_at=kst(TODAY, 0, 0, 0))
    await make_program(first_seen_at=kst(TODAY, 11, 0), portal_id="kstartup")
    await make_program(first_seen_at=kst(TODAY, 11, 30), portal_id="kstartup")
    await make_program(first_seen_at=kst(TODAY - dt.timedelta(days=29), 9), portal_id="mss")
    data = await stats(api)
    days = by_day(data)
    assert days["2026-12-14"] == {"bizinfo": 1, "kstartup": 0, "mss": 0}
    assert days["2026-12-15"] == {"bizinfo": 1, "kstartup": 2, "mss": 0}
    assert days["2026-11-16"] == {"bizinfo": 0, "kstartup": 0, "mss": 1}
    assert data["series"][-1] == {
        "date": "2026-12-15",
        "counts": {"bizinfo": 1, "kstartup": 2, "mss": 0},
        "total": 3,
    }
    assert {p["portal_id"]: p["total"] for p in data["portals"]} == {
        "bizinfo": 2,
        "kstartup": 2,
        "mss": 1,
    }
    assert data["total"] == 5


async def test_the_range_starts_at_the_korean_midnight_days_ago(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    first_day = TODAY - dt.timedelta(days=2)  # days=3: the 13th, 14th and 15th
    await make_program(first_seen_at=kst(first_day, 0, 0, 0) - dt.timedelta(microseconds=1))
    await make_program(first_seen_at=kst(first_day, 0, 0, 0))
    data = await stats(api, days=3)
    assert [entry["date"] for entry in data["series"]] == [
        "2026-12-13",
        "2026-12-14",
        "2026-12-15",
    ]
    assert data["series"][0]["counts"]["bizinfo"] == 1 and data["total"] == 1


async def test_moves_with_the_clock_at_korean_midnight(
    api: httpx.AsyncClient, clock: Clock, make_program: Any
) -> None:
    await make_program(first_seen_at=kst(TODAY, 10))
    clock.now = kst(TODAY, 23, 59, 59).astimezone(dt.UTC)
    assert (await stats(api, days=1))["series"] == [
        {"date": "2026-12-15", "counts": {"bizinfo": 1, "kstartup": 0, "mss": 0}, "total": 1}
    ]
    clock.now = kst(TODAY + dt.timedelta(days=1), 0).astimezone(dt.UTC)
    data = await stats(api, days=1)
    assert data["series"][0]["date"] == "2026-12-16" and data["total"] == 0


async def test_unknown_portals_are_listed_and_later_rows_ignored(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program(portal_id="naver", first_seen_at=kst(TODAY, 8))
    # Seen "tomorrow" by this clock: outside the range, never a 31st day.
    await make_program(first_seen_at=kst(TODAY + dt.timedelta(days=1), 8))
    data = await stats(api)
    assert [p["portal_id"] for p in data["portals"]] == ["bizinfo", "kstartup", "mss", "naver"]
    assert data["portals"][3] == {"portal_id": "naver", "portal_name": "naver", "total": 1}
    assert data["series"][-1]["counts"] == {"bizinfo": 0, "kstartup": 0, "mss": 0, "naver": 1}
    assert len(data["series"]) == 30 and data["total"] == 1


async def test_a_whole_year(api: httpx.AsyncClient, make_program: Any) -> None:
    await make_program(first_seen_at=kst(TODAY - dt.timedelta(days=364), 12))
    data = await stats(api, days=365)
    assert len(data["series"]) == 365 and data["start_date"] == "2025-12-16"
    assert data["series"][0]["total"] == 1


@pytest.mark.parametrize("days", ["0", "366", "-1", "abc", "1.5", ""])
async def test_bad_days_are_422_in_the_envelope(api: httpx.AsyncClient, days: str) -> None:
    response = await api.get(URL, params={"days": days})
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False and "days" in body["error"]
