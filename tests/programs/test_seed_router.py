"""/scraping-dashboard: the seed's keys, our real totals, order, filters and bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from apptest import Clock
from paperwork.db import Database
from paperwork.models import ScrapeRun
from paperwork.timeutil import SEOUL

SEED_ITEM_KEYS = {
    "id", "title", "agency", "deadline", "status", "category", "amount", "created_at",
    "scraped_at", "quality_score", "portal_name", "url", "view_count", "description",
    "target_audience", "required_documents", "evaluation_criteria", "attachments",
}  # fmt: skip


async def test_collection_list_items_have_exactly_the_seed_keys(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program(attachments=[{"name": "공고문.hwp", "url": "https://x/a"}])
    response = await client.get("/scraping-dashboard", params={"action": "collection_list"})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and "timestamp" in body
    item = body["data"]["items"][0]
    assert set(item) == SEED_ITEM_KEYS
    assert item["portal_name"] == "정부지원사업통합정보시스템"
    assert item["attachments"] == [{"name": "공고문.hwp", "url": "https://x/a"}]
    assert item["scraped_at"].endswith("+00:00")


async def test_seed_fallbacks_for_missing_values(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program(
        portal_id="kstartup",
        implementing_agency=None,
        application_period=None,
        application_status=None,
        support_field=None,
        support_amount=None,
        detail_url=None,
        description=None,
        target_audience=None,
    )
    item = (await client.get("/scraping-dashboard")).json()["data"]["items"][0]
    assert (item["agency"], item["deadline"], item["status"], item["amount"]) == ("N/A",) * 4
    assert item["category"] == "기타"
    assert (item["url"], item["description"], item["target_audience"]) == ("", "", "")
    assert item["required_documents"] == [] and item["view_count"] == 0
    assert item["portal_name"] == "K-Startup"


async def test_total_counts_every_match_and_has_more_follows_it(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    for _ in range(7):
        await make_program()
    for _ in range(3):
        await make_program(portal_id="kstartup")
    page = (await client.get("/scraping-dashboard", params={"limit": 4, "offset": 4})).json()
    data = page["data"]
    assert data["total"] == 10 and len(data["items"]) == 4
    assert data["current_page"] == 2 and data["per_page"] == 4 and data["has_more"] is True
    last = (await client.get("/scraping-dashboard", params={"limit": 4, "offset": 8})).json()
    assert len(last["data"]["items"]) == 2 and last["data"]["has_more"] is False
    only = (await client.get("/scraping-dashboard", params={"portal_id": "kstartup"})).json()
    assert only["data"]["total"] == 3
    assert {item["portal_name"] for item in only["data"]["items"]} == {"K-Startup"}


async def test_order_is_newest_scrape_first_then_id(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    base = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    old = await make_program(scraped_at=base)
    tie_low = await make_program(scraped_at=base + dt.timedelta(hours=1))
    tie_high = await make_program(scraped_at=base + dt.timedelta(hours=1))
    newest = await make_program(scraped_at=base + dt.timedelta(days=2))
    items = (await client.get("/scraping-dashboard")).json()["data"]["items"]
    assert [item["id"] for item in items] == [newest, tie_high, tie_low, old]


async def test_bad_parameters_answer_422_or_404_in_the_envelope(
    client: httpx.AsyncClient,
) -> None:
    for params, status in (
        ({"action": "drop_tables"}, 422),
        ({"limit": 0}, 422),
        ({"limit": 101}, 422),
        ({"limit": "ten"}, 422),
        ({"offset": -1}, 422),
        ({"portal_id": "naver"}, 404),
    ):
        response = await client.get("/scraping-dashboard", params=params)
        assert response.status_code == status, params
        body = response.json()
        assert body["success"] is False and body["error"], params


async def test_scraping_status_counts_today_in_seoul_and_real_errors(
    client: httpx.AsyncClient, db: Database, make_program: Any, clock: Clock
) -> None:
    now = clock.now
    await make_program(first_seen_at=now, data_quality_score=8.0)
    await make_program(first_seen_at=now - dt.timedelta(days=3), data_quality_score=6.0)
    await make_program(portal_id="kstartup", first_seen_at=now - dt.timedelta(days=3))
    async with db.session_scope() as session:
        for status in ("failed", "partial", "succeeded"):
            session.add(
                ScrapeRun(portal_id="bizinfo", trigger="cli", status=status, started_at=now)
            )
        session.add(
            ScrapeRun(
                portal_id="bizinfo", trigger="cli", status="failed",
                started_at=now - dt.timedelta(days=2),
            )
        )  # fmt: skip
    response = await client.get("/scraping-dashboard", params={"action": "scraping_status"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["total_scraped"] == 3 and data["completed"] == 3
    assert data["new_today"] == 1
    assert data["errors"] == 2
    stats = {entry["portal_id"]: entry for entry in data["portal_stats"]}
    assert stats["bizinfo"]["count"] == 2 and stats["bizinfo"]["avg_quality"] == 7.0
    assert stats["mss"]["count"] == 0 and stats["mss"]["last_scraping"] is None
    assert data["last_scraping"] is not None


async def test_scraping_status_counts_a_program_stored_after_it_was_asked(
    client: httpx.AsyncClient, make_program: Any, clock: Clock
) -> None:
    # The per-program figures are kept between writes: the next write must show at once.
    await make_program(first_seen_at=clock.now, data_quality_score=8.0)
    url = "/scraping-dashboard?action=scraping_status"
    first = (await client.get(url)).json()["data"]
    assert (first["total_scraped"], first["new_today"]) == (1, 1)
    await make_program(first_seen_at=clock.now, data_quality_score=6.0)
    data = (await client.get(url)).json()["data"]
    assert (data["total_scraped"], data["new_today"]) == (2, 2)
    bizinfo = next(entry for entry in data["portal_stats"] if entry["portal_id"] == "bizinfo")
    assert (bizinfo["count"], bizinfo["avg_quality"]) == (2, 7.0)


async def test_next_scheduled_is_an_iso_time_or_null_when_all_disabled(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    data = (await client.get("/scraping-dashboard?action=scraping_status")).json()["data"]
    assert dt.datetime.fromisoformat(data["next_scheduled"]).tzinfo is not None
    for portal in ("bizinfo", "kstartup", "mss"):
        response = await client.put(
            f"/scraping-config/{portal}", json={"is_enabled": False}, headers=admin_headers
        )
        assert response.status_code == 200
    data = (await client.get("/scraping-dashboard?action=scraping_status")).json()["data"]
    assert data["next_scheduled"] is None


async def test_new_today_uses_the_seoul_calendar_day(
    client: httpx.AsyncClient, make_program: Any, clock: Clock
) -> None:
    seoul_midnight = clock.now.astimezone(SEOUL).replace(hour=0, minute=0, second=0, microsecond=0)
    await make_program(first_seen_at=seoul_midnight + dt.timedelta(seconds=1))
    await make_program(first_seen_at=seoul_midnight - dt.timedelta(seconds=1))
    data = (await client.get("/scraping-dashboard?action=scraping_status")).json()["data"]
    assert data["new_today"] == 1
