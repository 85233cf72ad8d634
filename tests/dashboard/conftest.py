"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against the app under
uvicorn on a free port, over a database filled through the real import pipeline.

Never ``playwright install``: it downloads a browser of its own, which fails here. CI installs
Debian's ``chromium`` (``.ci/run``); outside CI the browser tests skip when it is missing."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright
from pydantic import SecretStr
from sqlalchemy import select, update

from apptest import Clock, bizinfo_api_pages
from paperwork.app import create_app
from paperwork.clock import current_time
from paperwork.collectors.importer import ingest_items, parse_saved
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import (
    PortalState,
    ProgramChange,
    ScrapeRun,
    ScrapingConfig,
    SupportProgram,
)
from paperwork.timeutil import today_in

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Screenshots are a by-product for people to look at; /test-output/ is ignored by git.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
WIDTHS = (1280, 375)


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = (
            f"the browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get install chromium fonts-noto-cjk (never `playwright install`)"
        )
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


class Dashboard:
    """One browser tab on the dashboard at one width, collecting console errors as it goes."""

    def __init__(self, page: Page, base_url: str, width: int, shots: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.width = width
        self.shots = shots
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    async def open(self, route: str) -> None:
        await self.page.goto(f"{self.base_url}/admin-dashboard#/{route}")
        await self.settled()

    async def settled(self) -> None:
        """Wait until the view has its data: no loading line, nothing busy."""
        await self.page.wait_for_function(
            "() => document.querySelector('#main .view') !== null"
            " && !document.querySelector('#main .loading, #main [aria-busy=\"true\"]')"
        )

    async def overflow(self) -> int:
        """How far the page is wider than the window (0 = no horizontal scrolling)."""
        return int(
            await self.page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
        )

    async def screenshot(self, name: str) -> Path:
        path = self.shots / f"{name}-{self.width}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    def console_errors(self, *, expected_failed_loads: int = 0) -> list[str]:
        """Console errors, less the "Failed to load resource" lines a test provoked itself."""
        failed = [e for e in self.errors if e.startswith("Failed to load resource")]
        others = [e for e in self.errors if not e.startswith("Failed to load resource")]
        return others + failed[expected_failed_loads:]


@pytest.fixture
def shots(db: Database, request: pytest.FixtureRequest) -> Path:
    path = SCREENSHOTS / db.dialect / request.node.name.split("[")[0]
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def open_tab(browser: Browser, live_server: str, shots: Path) -> Any:
    """``await open_tab(width)`` → a Dashboard in a fresh context (its own sessionStorage)."""

    async def open_at(width: int = 1280) -> Dashboard:
        context = await browser.new_context(
            viewport={"width": width, "height": 900},
            locale="ko-KR",
            timezone_id="Asia/Seoul",
        )
        page = await context.new_page()
        page.set_default_timeout(15_000)
        return Dashboard(page, live_server, width, shots)

    return open_at


# --- the data -----------------------------------------------------------------------------


@dataclass
class Seed:
    """What the seeding wrote, for the tests to compare the page with."""

    today: dt.date
    programs: Counter[str] = field(default_factory=Counter)  # per portal
    first_seen: Counter[tuple[str, str]] = field(default_factory=Counter)  # (day, portal)
    detail_id: int = 0  # a bizinfo program with a change history and a twin on kstartup
    detail_title: str = ""
    twin_id: int = 0
    urgent_id: int = 0
    urgent_title: str = ""


def _sample(name: str) -> bytes:
    return (resources.files("paperwork") / "samples" / name).read_bytes()


async def _ingest(database: Database, settings: Settings, portal_id: str, body: bytes) -> None:
    result = await ingest_items(
        database, settings, portal_id, parse_saved(portal_id, settings, body)
    )
    assert result.status == "succeeded", result.error


@pytest.fixture
def dashboard_settings(settings: Settings) -> Settings:
    """The app's settings with a bizinfo key, so "지금 실행" collects (from saved pages)."""
    return settings.model_copy(
        update={"bizinfo_api_key": SecretStr("TEST-KEY-dashboard-01"), "log_level": "WARNING"}
    )


@pytest.fixture
async def seed(db: Database, dashboard_settings: Settings, make_program: Any, clock: Clock) -> Seed:
    """The three shipped samples through the import pipeline, the same program announced on
    kstartup too, a later import that changes it, programs first seen over the last days, a
    program closing in three days, and a few runs (one failed, one partial)."""
    settings = dashboard_settings
    for portal_id, name in (
        ("bizinfo", "bizinfo.json"),
        ("kstartup", "kstartup.json"),
        ("mss", "mss.xml"),
    ):
        await _ingest(db, settings, portal_id, _sample(name))

    bizinfo = json.loads(_sample("bizinfo.json"))
    first = bizinfo["jsonArray"][0]
    # The same announcement on K-Startup: same title, agency and deadline.
    kstartup = json.loads(_sample("kstartup.json"))
    twin = copy.deepcopy(kstartup["data"][0])
    twin.update(
        pbanc_sn=990001,
        biz_pbanc_nm=first["pblancNm"],
        pbanc_ntrp_nm=first["excInsttNm"],
        pbanc_rcpt_bgng_dt="20261120",
        pbanc_rcpt_end_dt="20261210",
        detl_pg_url="https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=990001",
    )
    kstartup["data"] = [twin]
    await _ingest(db, settings, "kstartup", json.dumps(kstartup).encode())
    # bizinfo announces a change to it: a change history.
    changed = copy.deepcopy(first)
    changed["trgetNm"] = "중소기업, 예비창업자"
    changed["bsnsSumryCn"] += "<p>□ 변경 안내</p><p>- 지원 대상에 예비창업자 추가</p>"
    bizinfo["jsonArray"] = [changed]
    await _ingest(db, settings, "bizinfo", json.dumps(bizinfo).encode())

    now = clock.now
    today = today_in(settings.tz, now=now)
    urgent_title = "2026년 수출바우처 긴급 추가 모집 공고"
    urgent_id = await make_program(
        title=urgent_title,
        external_id="PBLN_URGENT_0001",
        apply_start=today - dt.timedelta(days=7),
        apply_end=today + dt.timedelta(days=3),
        application_period=f"{today - dt.timedelta(days=7)} ~ {today + dt.timedelta(days=3)}",
        implementing_agency="KOTRA",
    )

    seed = Seed(today=today, urgent_id=urgent_id, urgent_title=urgent_title)
    async with db.session_scope() as session:
        await _before_the_clock(session, now - dt.timedelta(hours=1), spared_id=urgent_id)
        programs = (
            await session.execute(
                select(
                    SupportProgram.id, SupportProgram.portal_id, SupportProgram.external_id
                ).order_by(SupportProgram.id)
            )
        ).all()
        # First seen over the last six days, so the chart has something to draw.
        for index, (program_id, portal_id, external_id) in enumerate(programs):
            days_ago = index % 6
            await session.execute(
                update(SupportProgram)
                .where(SupportProgram.id == program_id)
                .values(first_seen_at=now - dt.timedelta(days=days_ago))
            )
            seed.programs[portal_id] += 1
            seed.first_seen[(today - dt.timedelta(days=days_ago)).isoformat(), portal_id] += 1
            if portal_id == "bizinfo" and external_id == first["pblancId"]:
                seed.detail_id = program_id
            if portal_id == "kstartup" and external_id == "990001":
                seed.twin_id = program_id
        seed.detail_title = first["pblancNm"]

        session.add_all(
            [
                ScrapeRun(
                    portal_id="kstartup", trigger="schedule", status="partial",
                    started_at=now - dt.timedelta(days=1, minutes=3),
                    finished_at=now - dt.timedelta(days=1, minutes=2),
                    fetched=12, new=0, updated=1, unchanged=9, rejected=0, errors=2,
                    error="2 items failed: detail page 404",
                ),
                ScrapeRun(
                    portal_id="mss", trigger="schedule", status="failed",
                    started_at=now + dt.timedelta(seconds=1),
                    finished_at=now + dt.timedelta(seconds=3),
                    error="StructuralError: mss answered resultCode 30 "
                    "(SERVICE_KEY_IS_NOT_REGISTERED_ERROR)",
                ),
            ]
        )  # fmt: skip
        await session.execute(
            update(PortalState)
            .where(PortalState.portal_id == "mss")
            .values(consecutive_failures=3, last_failure="resultCode 30")
        )
        # Runs of bizinfo start at once (no politeness pause against saved pages).
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(random_delay_min=0, random_delay_max=0)
        )
    assert seed.detail_id and seed.twin_id, "the seeded twin programs are missing"
    return seed


# --- the server ---------------------------------------------------------------------------


async def _before_the_clock(session: Any, moment: dt.datetime, *, spared_id: int) -> None:
    """The imports ran at the real time; move what they stamped to ``moment``, just before the
    test clock's now, where the rest of the seed stands (on a later real date they would
    otherwise be the newest runs, scrapes and changes)."""
    await session.execute(update(ScrapeRun).values(started_at=moment, finished_at=moment))
    await session.execute(update(ProgramChange).values(changed_at=moment))
    stamps = ("scraped_at", "last_seen_at", "created_at", "updated_at")
    await session.execute(
        update(SupportProgram)
        .where(SupportProgram.id != spared_id)
        .values(dict.fromkeys(stamps, moment))
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def live_server(dashboard_settings: Settings, seed: Seed, clock: Clock) -> AsyncIterator[str]:
    """The app under uvicorn on a free port (its own thread and loop), standing at the test
    clock; yields the base URL."""
    app = create_app(dashboard_settings, portal_transport=httpx.MockTransport(bizinfo_api_pages))
    app.dependency_overrides[current_time] = clock.current_time
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the dashboard's server did not start")
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 15)
