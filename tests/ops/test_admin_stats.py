"""/admin/stats (ops/admin_stats.py): per portal, programs, raw items by outcome, the last
24 hours' runs by status and their error rate; live admin tokens. (Its token guard:
tests/test_auth.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from apptest import Clock
from paperwork.db import Database
from paperwork.models import RawScrapedData, ScrapeRun
from paperwork.ops.admin_stats import error_rate
from paperwork.ops.seed_schemas import AdminStats


async def test_stats_per_portal(
    client: httpx.AsyncClient,
    db: Database,
    clock: Clock,
    admin_headers: dict[str, str],
    make_program: Any,
) -> None:
    await make_program()
    await make_program()
    await make_program(portal_id="mss")
    now = clock.now
    async with db.session_scope() as session:
        for number, status in enumerate(["promoted", "promoted", "rejected", None]):
            session.add(
                RawScrapedData(portal_id="bizinfo", external_id=f"X{number}", payload={},
                               status=status, scraped_at=now)
            )  # fmt: skip
        for hours, status in [(1, "succeeded"), (2, "failed"), (3, "partial"), (4, "succeeded"),
                              (30, "failed")]:  # fmt: skip
            session.add(
                ScrapeRun(portal_id="bizinfo", trigger="schedule", status=status,
                          started_at=now - dt.timedelta(hours=hours))
            )  # fmt: skip
    response = await client.get("/admin/stats", headers=admin_headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["programs_total"] == 3 and data["active_admin_tokens"] == 1
    portals = {entry["portal_id"]: entry for entry in data["portals"]}
    assert list(portals) == ["bizinfo", "mss"]
    bizinfo = portals["bizinfo"]
    assert bizinfo["programs"] == 2
    assert bizinfo["raw_by_status"] == {"promoted": 2, "rejected": 1, "pending": 1}
    # The run 30 hours ago is outside the window.
    assert bizinfo["runs_last_24h"] == {"succeeded": 2, "failed": 1, "partial": 1}
    assert bizinfo["error_rate_last_24h"] == 0.5
    assert portals["mss"] == {
        "portal_id": "mss", "programs": 1, "raw_by_status": {}, "runs_last_24h": {},
        "error_rate_last_24h": 0.0,
    }  # fmt: skip
    assert AdminStats.model_validate(data).model_dump(mode="json") == data


def test_error_rate() -> None:
    assert error_rate({}) == 0.0
    assert error_rate({"succeeded": 2, "cancelled": 1}) == 0.0
    assert error_rate({"failed": 1, "partial": 1, "succeeded": 1}) == 0.6667
