"""The runs API (runs/v1_router.py): "run now" for admins (202, 409 while running, 404 for an
unknown portal), one run, and the history newest first with its filters."""

from __future__ import annotations

import datetime as dt

import httpx

from paperwork.db import Database
from paperwork.models import ScrapeRun

RUN_KEYS = {
    "id", "portal_id", "trigger", "status", "started_at", "finished_at", "duration_seconds",
    "fetched", "new", "updated", "unchanged", "rejected", "errors", "error",
}  # fmt: skip


async def test_run_now_api(run_api: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    assert (await run_api.post("/api/v1/portals/bizinfo/runs")).status_code == 401
    started = await run_api.post("/api/v1/portals/bizinfo/runs", headers=admin_headers)
    assert started.status_code == 202
    assert started.json()["data"]["status"] == "running"
    assert started.json()["data"]["portal_id"] == "bizinfo"
    run_id = started.json()["data"]["run_id"]
    again = await run_api.post("/api/v1/portals/bizinfo/runs", headers=admin_headers)
    assert again.status_code == 409 and again.json()["success"] is False
    unknown = await run_api.post("/api/v1/portals/naver/runs", headers=admin_headers)
    assert unknown.status_code == 404
    await run_api.app.state.scheduler.wait_idle()  # type: ignore[attr-defined]
    run = (await run_api.get(f"/api/v1/runs/{run_id}")).json()["data"]
    assert set(run) == RUN_KEYS
    assert (run["trigger"], run["status"], run["fetched"]) == ("manual", "succeeded", 4)
    assert run["duration_seconds"] >= 0 and run["finished_at"]
    listed = (await run_api.get("/api/v1/runs", params={"portal_id": "bizinfo"})).json()["data"]
    assert listed["total"] == 1 and listed["items"][0]["id"] == run_id
    none = (await run_api.get("/api/v1/runs", params={"status": "failed"})).json()["data"]
    assert none["total"] == 0 and none["items"] == []
    assert (await run_api.get("/api/v1/runs/999999")).status_code == 404
    assert (await run_api.get("/api/v1/runs", params={"status": "exploded"})).status_code == 422


async def test_history_is_newest_first_filtered_and_paged(
    run_api: httpx.AsyncClient, db: Database
) -> None:
    start = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)
    async with db.session_scope() as session:
        for hour, (portal, status) in enumerate(
            [("bizinfo", "succeeded"), ("mss", "failed"), ("bizinfo", "partial")]
        ):
            session.add(
                ScrapeRun(portal_id=portal, trigger="schedule", status=status,
                          started_at=start + dt.timedelta(hours=hour))
            )  # fmt: skip
    page = (await run_api.get("/api/v1/runs", params={"limit": 2})).json()["data"]
    assert [item["status"] for item in page["items"]] == ["partial", "failed"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert page["items"][0]["finished_at"] is None
    assert page["items"][0]["duration_seconds"] is None
    rest = (await run_api.get("/api/v1/runs", params={"limit": 2, "offset": 2})).json()["data"]
    assert [item["status"] for item in rest["items"]] == ["succeeded"]
    either = await run_api.get("/api/v1/runs", params=[("status", "failed"), ("status", "partial")])
    assert [item["status"] for item in either.json()["data"]["items"]] == ["partial", "failed"]
