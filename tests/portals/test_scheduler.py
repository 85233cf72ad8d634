"""The scheduler in-process: due portals run once, leases keep processes apart, dead runs are
abandoned and redone, stops end runs as cancelled, failures back off and show in /health.
(The runs API over the scheduler: tests/runs/test_v1_router.py.)"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, update

from apptest import Clock, bizinfo_api_pages, only_bizinfo_runnable, serve
from paperwork.config import Settings
from paperwork.db import Database, utcnow
from paperwork.models import PortalState, ScrapeRun, ScrapingConfig, SupportProgram
from paperwork.portals.scheduler import Scheduler


def slow(seconds: float) -> Any:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(seconds)
        return bizinfo_api_pages(request)

    return handler


@pytest.fixture
async def keyed(settings: Settings, db: Database) -> Settings:
    """bizinfo runnable all day, every day, without pauses; the other portals disabled."""
    await only_bizinfo_runnable(db)
    return settings.model_copy(update={"bizinfo_api_key": SecretStr("TEST-KEY-sched-01")})


def scheduler(db: Database, settings: Settings, handler: Any, **options: Any) -> Scheduler:
    return Scheduler(db, settings, transport=httpx.MockTransport(handler), **options)


async def runs(db: Database) -> list[ScrapeRun]:
    async with db.session_scope() as session:
        return list((await session.scalars(select(ScrapeRun).order_by(ScrapeRun.id))).all())


async def age_runs(db: Database, by: dt.timedelta) -> None:
    """Move every run into the past, as if ``by`` had gone by."""
    async with db.session_scope() as session:
        for run in await session.scalars(select(ScrapeRun)):
            run.started_at -= by


async def test_a_due_portal_runs_once_per_slot(db: Database, keyed: Settings) -> None:
    worker = scheduler(db, keyed, bizinfo_api_pages)
    assert await worker.tick() == ["bizinfo"]
    await worker.wait_idle()
    assert await worker.tick() == []  # not due again for an hour
    [run] = await runs(db)
    assert (run.portal_id, run.trigger, run.status, run.fetched) == (
        "bizinfo", "schedule", "succeeded", 4,
    )  # fmt: skip
    async with db.session_scope() as session:
        state = await session.get(PortalState, "bizinfo")
    assert state is not None and state.lease_owner is None  # released


async def test_two_schedulers_racing_run_a_portal_once(db: Database, keyed: Settings) -> None:
    first = scheduler(db, keyed, slow(0.05), owner="a")
    second = scheduler(db, keyed, slow(0.05), owner="b")
    started = await asyncio.gather(first.tick(), second.tick())
    assert sorted(started) == [[], ["bizinfo"]]
    await asyncio.gather(first.wait_idle(), second.wait_idle())
    assert await asyncio.gather(first.tick(), second.tick()) == [[], []]
    assert len(await runs(db)) == 1


async def test_disabled_portals_never_run_and_config_changes_apply_next_tick(
    db: Database, keyed: Settings
) -> None:
    async with db.session_scope() as session:
        await session.execute(update(ScrapingConfig).values(is_enabled=False))
    worker = scheduler(db, keyed, bizinfo_api_pages)
    assert await worker.tick() == []
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(is_enabled=True)
        )
    assert await worker.tick() == ["bizinfo"]
    await worker.wait_idle()


async def test_a_dead_runs_lease_expires_and_the_portal_runs_again(
    db: Database, keyed: Settings
) -> None:
    # What a SIGKILLed worker leaves behind: a running run and a lease that ran out.
    past = utcnow() - dt.timedelta(minutes=5)
    async with db.session_scope() as session:
        session.add(ScrapeRun(portal_id="bizinfo", trigger="schedule", status="running",
                              started_at=past, fetched=1))  # fmt: skip
        await session.execute(
            update(PortalState)
            .where(PortalState.portal_id == "bizinfo")
            .values(lease_owner="dead-host:1", lease_expires_at=past + dt.timedelta(minutes=2))
        )
    worker = scheduler(db, keyed, bizinfo_api_pages)
    assert await worker.tick() == ["bizinfo"]
    await worker.wait_idle()
    dead, redone = await runs(db)
    assert dead.status == "abandoned" and dead.finished_at is not None
    assert redone.status == "succeeded"


async def test_a_live_lease_keeps_others_out(db: Database, keyed: Settings) -> None:
    async with db.session_scope() as session:
        await session.execute(
            update(PortalState)
            .where(PortalState.portal_id == "bizinfo")
            .values(lease_owner="other", lease_expires_at=utcnow() + dt.timedelta(minutes=2))
        )
    assert await scheduler(db, keyed, bizinfo_api_pages).tick() == []
    assert await runs(db) == []


async def test_shutdown_mid_run_cancels_it_with_its_counts(db: Database, keyed: Settings) -> None:
    page_two_asked, cut = asyncio.Event(), asyncio.Event()

    async def first_page_fast_then_hang(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("pageIndex") != "1":
            page_two_asked.set()  # page 1's items are stored by now: the next page is asked
            try:
                await asyncio.Event().wait()  # never answers: only the grace's cut ends it
            except asyncio.CancelledError:
                cut.set()
                raise
        return bizinfo_api_pages(request)

    worker = scheduler(db, keyed, first_page_fast_then_hang)
    await worker.tick()
    await asyncio.wait_for(page_two_asked.wait(), timeout=60)
    # Shutdown returns although the portal never answers: the grace ran out and cut the hung
    # request (what a wall-clock limit used to stand for). wait_for only keeps a broken
    # shutdown from hanging the suite.
    await asyncio.wait_for(worker.shutdown(grace=0.5), timeout=60)
    assert cut.is_set()
    [run] = await runs(db)
    assert run.status == "cancelled" and run.fetched == 3 and run.finished_at is not None
    async with db.session_scope() as session:
        assert await session.scalar(select(func.count()).select_from(SupportProgram)) == run.new
        state = await session.get(PortalState, "bizinfo")
    assert state is not None and state.lease_owner is None


async def test_three_failures_back_off_and_show_as_degraded(
    db: Database, keyed: Settings, clock: Clock
) -> None:
    # The scheduler and the app stand at the test clock (noon in Seoul): "errors today" must
    # not depend on the hour the suite runs at.
    refused = lambda _r: httpx.Response(200, json={"reqErr": "인증키 오류"})  # noqa: E731
    worker = scheduler(db, keyed, refused, clock=lambda: clock.now)
    for _ in range(3):
        assert await worker.tick() == ["bizinfo"]
        await worker.wait_idle()
        await age_runs(db, dt.timedelta(hours=1))  # make the next slot due now
    assert [run.status for run in await runs(db)] == ["failed"] * 3
    # The fourth slot is not due after 1 h any more: the interval doubled to 2 h.
    assert await worker.tick() == []
    assert worker.status()["degraded_portals"] == ["bizinfo"]
    async for api in serve(keyed, clock):
        health = (await api.get("/health")).json()
        assert health["status"] == "degraded"
        assert health["checks"]["scheduler"]["degraded_portals"] == ["bizinfo"]
        status = (await api.get("/scraping-dashboard?action=scraping_status")).json()["data"]
        bizinfo = next(p for p in status["portal_stats"] if p["portal_id"] == "bizinfo")
        assert bizinfo["consecutive_failures"] == 3 and bizinfo["last_run_status"] == "failed"
        assert bizinfo["errors_today"] == 3
        assert status["errors"] == 3
