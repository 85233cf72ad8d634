"""Whole runs against saved portal answers served over httpx: what ends in scrape_runs and
support_programs when a portal answers well, slowly, wrongly or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, update

from paperwork.collectors.runner import PortalRun, RunResult
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import PortalState, ScrapeRun, ScrapingConfig, SupportProgram

FIXTURES = Path(__file__).parent.parent / "fixtures" / "portals"
BIZINFO_KEY = "TEST-KEY-bizinfo-7f3a9c"
DATA_GO_KR_KEY = "TEST-KEY-datagokr-51be02"
Handler = Callable[[httpx.Request], httpx.Response]


def saved(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=(FIXTURES / name).read_bytes(), headers=headers)


class Sleeps:
    """A recording stand-in for asyncio.sleep: runs take no wall time, waits are asserted."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def keyed(settings: Settings, db: Database) -> Settings:
    async with db.session_scope() as session:
        await session.execute(update(ScrapingConfig).values(random_delay_min=0, random_delay_max=0))
    return settings.model_copy(
        update={
            "bizinfo_api_key": SecretStr(BIZINFO_KEY),
            "data_go_kr_key": SecretStr(DATA_GO_KR_KEY),
        }
    )


async def run(
    db: Database, settings: Settings, portal: str, handler: Handler, **options: Any
) -> RunResult:
    transport = httpx.MockTransport(handler)
    return await PortalRun(
        db, settings, portal, trigger="cli", transport=transport, **options
    ).execute()


def bizinfo_api(request: httpx.Request) -> httpx.Response:
    """Two pages; the live quirk of an item shifting onto the next page is in them (4 unique)."""
    assert request.url.path == "/uss/rss/bizinfoApi.do"
    page = request.url.params["pageIndex"]
    return saved("bizinfo_api_live.json" if page == "1" else "bizinfo_api_live_page2.json")


async def count(db: Database, statement: Any) -> int:
    async with db.session_scope() as session:
        return int(await session.scalar(statement) or 0)


async def the_run(db: Database) -> ScrapeRun:
    async with db.session_scope() as session:
        runs = (await session.scalars(select(ScrapeRun))).all()
    assert len(runs) == 1
    return runs[0]


async def test_bizinfo_api_run_pages_and_records_counts(db: Database, keyed: Settings) -> None:
    result = await run(db, keyed, "bizinfo", bizinfo_api)
    assert result.status == "succeeded", result.error
    assert result.counts.fetched == 4
    assert result.counts.new + result.counts.rejected == 4
    assert (result.counts.new, result.counts.rejected, result.counts.errors) == (4, 0, 0)
    stored = await the_run(db)
    assert (stored.status, stored.trigger, stored.fetched, stored.new) == (
        "succeeded", "cli", 4, result.counts.new,
    )  # fmt: skip
    assert stored.finished_at is not None and stored.error is None
    assert await count(db, select(func.count()).select_from(SupportProgram)) == result.counts.new


async def test_a_second_identical_run_changes_nothing(db: Database, keyed: Settings) -> None:
    first = await run(db, keyed, "bizinfo", bizinfo_api)
    second = await run(db, keyed, "bizinfo", bizinfo_api)
    assert (second.counts.new, second.counts.updated) == (0, 0)
    assert second.counts.unchanged == first.counts.new


async def test_req_err_on_http_200_fails_the_run_loudly(db: Database, keyed: Settings) -> None:
    result = await run(db, keyed, "bizinfo", lambda _r: saved("bizinfo_api_reqerr_invalid.json"))
    assert result.status == "failed"
    assert result.error and "인증키" in result.error
    stored = await the_run(db)
    assert stored.status == "failed" and stored.error == result.error
    async with db.session_scope() as session:
        state = await session.get(PortalState, "bizinfo")
    assert state is not None and state.consecutive_failures == 1


async def test_a_500_then_success_is_retried(db: Database, keyed: Settings) -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.params["pageIndex"])
        if len(calls) == 1:
            return httpx.Response(500)
        return bizinfo_api(request)

    sleeps = Sleeps()
    result = await run(db, keyed, "bizinfo", flaky, sleep=sleeps)
    assert result.status == "succeeded" and result.counts.fetched == 4
    assert calls[:2] == ["1", "1"]
    assert any(wait >= 1 for wait in sleeps.waits)  # backed off before retrying


async def test_429_with_retry_after_is_honoured(db: Database, keyed: Settings) -> None:
    calls = 0

    def limited(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return bizinfo_api(request)

    sleeps = Sleeps()
    result = await run(db, keyed, "bizinfo", limited, sleep=sleeps)
    assert result.status == "succeeded"
    assert max(sleeps.waits) >= 7


async def test_timeouts_exhaust_the_retries_and_fail(db: Database, keyed: Settings) -> None:
    def timing_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    result = await run(db, keyed, "bizinfo", timing_out, sleep=Sleeps())
    assert result.status == "failed"
    assert result.error and "bizinfoApi.do" in result.error
    assert BIZINFO_KEY not in result.error  # query strings (the key) never reach messages


async def test_malformed_json_fails_with_a_reason(db: Database, keyed: Settings) -> None:
    result = await run(db, keyed, "bizinfo", lambda _r: httpx.Response(200, text="{not json"))
    assert result.status == "failed" and result.error


async def test_html_page_without_rows_is_a_structural_failure(
    db: Database, settings: Settings
) -> None:
    def site(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return saved("bizinfo_list_empty.html")

    result = await run(db, settings, "bizinfo", site, sleep=Sleeps())
    assert result.status == "failed"
    assert result.error and result.counts.new == 0
    assert (await the_run(db)).status == "failed"


async def test_html_fallback_is_polite_between_requests(db: Database, settings: Settings) -> None:
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(random_delay_min=2, random_delay_max=4)
        )
    requested: list[str] = []

    def site(request: httpx.Request) -> httpx.Response:
        requested.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /uploads/\n")
        if "Detail" in request.url.path:
            return saved("bizinfo_detail.html")
        return saved("bizinfo_list.html")

    sleeps = Sleeps()
    result = await run(db, settings, "bizinfo", site, sleep=sleeps)
    assert result.status == "succeeded", result.error
    assert (result.counts.fetched, result.counts.new) == (4, 4)
    assert requested.count("/robots.txt") == 1
    page_requests = len(requested) - 1
    assert page_requests >= 5  # the list and a detail page per item
    # robots.txt once, the one list page (4 rows < 15), then the 4 rows' detail pages
    assert requested == [
        "/robots.txt",
        "/sii/siia/selectSIIA200View.do",
        *["/sii/siia/selectSIIA200Detail.do"] * 4,
    ]
    pauses = [wait for wait in sleeps.waits if wait > 0]
    assert len(pauses) >= page_requests - 2
    assert all(0 < wait <= 4 for wait in pauses)


async def test_daily_limit_holds_across_runs(db: Database, keyed: Settings) -> None:
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(daily_limit=3)
        )
    first = await run(db, keyed, "bizinfo", bizinfo_api)
    assert first.counts.fetched == 3
    second = await run(db, keyed, "bizinfo", bizinfo_api)
    assert second.status == "skipped" and second.error and "daily limit" in second.error
    assert await count(db, select(func.count()).select_from(ScrapeRun)) == 1


async def test_mss_without_a_key_is_skipped_not_failed(db: Database, settings: Settings) -> None:
    result = await run(db, settings, "mss", lambda _r: httpx.Response(500))
    assert result.status == "skipped"
    assert result.error and "PAPERWORK_DATA_GO_KR_KEY" in result.error
    assert await count(db, select(func.count()).select_from(ScrapeRun)) == 0


async def test_mss_error_result_code_fails_the_run(db: Database, keyed: Settings) -> None:
    result = await run(db, keyed, "mss", lambda _r: saved("mss_error.xml"))
    assert result.status == "failed" and result.error


async def test_mss_and_kstartup_api_runs(db: Database, keyed: Settings) -> None:
    mss = await run(db, keyed, "mss", lambda _r: saved("mss_list.xml"))
    assert mss.status in ("succeeded", "partial") and mss.counts.fetched > 0
    assert mss.status == "succeeded"
    assert (mss.counts.fetched, mss.counts.new, mss.counts.rejected) == (3, 3, 0)

    def kstartup(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "1")
        return saved("kstartup_api_page1.json" if page == "1" else "kstartup_api_page2.json")

    ks = await run(db, keyed, "kstartup", kstartup)
    assert ks.status in ("succeeded", "partial"), ks.error
    assert ks.counts.fetched > 0
    # 4 recruiting items over the two pages (176120 is not recruiting); 178701 (no period, a
    # short body) scores 6.5, below the threshold of 7.
    assert ks.status == "succeeded"
    assert (ks.counts.fetched, ks.counts.new, ks.counts.rejected) == (4, 3, 1)


async def test_dry_run_writes_nothing(db: Database, keyed: Settings) -> None:
    result = await run(db, keyed, "bizinfo", bizinfo_api, dry_run=True)
    assert result.counts.fetched == 4 and result.counts.new > 0
    assert result.counts.new == 4  # counted as if written, though nothing is
    assert await count(db, select(func.count()).select_from(SupportProgram)) == 0
    assert await count(db, select(func.count()).select_from(ScrapeRun)) == 0


async def test_max_items_caps_the_run(db: Database, keyed: Settings) -> None:
    result = await run(db, keyed, "bizinfo", bizinfo_api, max_items=2)
    assert result.counts.fetched == 2


async def test_keys_never_reach_the_logs(
    db: Database, keyed: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")

    def failing(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("crtfcKey") != BIZINFO_KEY:
            return httpx.Response(400)
        return httpx.Response(503)

    result = await run(db, keyed, "bizinfo", failing, sleep=Sleeps())
    assert result.status == "failed"
    assert caplog.records and BIZINFO_KEY not in caplog.text
