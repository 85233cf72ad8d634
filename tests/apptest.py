"""Helpers the test modules share (a module of its own: every test folder may have a conftest)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
import httpx
from sqlalchemy import update
from sqlalchemy.engine import make_url

from paperwork.app import create_app

__all__ = [
    "NOON_KST",
    "TEST_RATE_LIMIT",
    "Clock",
    "SavedPortal",
    "admin_execute",
    "bizinfo_api_pages",
    "create_app",
    "empty_database",
    "only_bizinfo_runnable",
    "serve",
]
from paperwork.clock import current_time
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import ScrapingConfig

# 2026-12-15 12:00 in Seoul: where the API's tests stand (they move it). Tests never read the real
# date: what they store and what the app computes "today" from both come from this clock.
NOON_KST = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)


@dataclass
class Clock:
    """The app's clock in a test (the ``clock`` fixture)."""

    now: dt.datetime = NOON_KST

    async def current_time(self) -> dt.datetime:
        return self.now


# Generous, so ordinary tests never meet the rate limit; its own test lowers it.
TEST_RATE_LIMIT = 100_000


async def admin_execute(server_url: str, statement: str) -> None:
    url = make_url(server_url)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextmanager
def empty_database(database_url: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A brand-new, unmigrated database on the same backend as ``database_url`` (for tests
    that migrate up and down: the session's shared database must stay as it is)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
        return
    unique = f"paperwork_{name}_" + tmp_path.name[-8:].replace("-", "_")
    base = database_url.rsplit("/", 1)[0]
    asyncio.run(admin_execute(base + "/postgres", f'CREATE DATABASE "{unique}"'))
    try:
        yield f"{base}/{unique}"
    finally:
        asyncio.run(
            admin_execute(base + "/postgres", f'DROP DATABASE IF EXISTS "{unique}" WITH (FORCE)')
        )


FIXTURES = Path(__file__).parent / "fixtures" / "portals"


def bizinfo_api_pages(request: httpx.Request) -> httpx.Response:
    """The bizinfo Open API answering from saved pages: page 1, then page 2 for any other."""
    page = request.url.params.get("pageIndex", "1")
    name = "bizinfo_api_live.json" if page == "1" else "bizinfo_api_live_page2.json"
    return httpx.Response(
        200,
        content=(FIXTURES / name).read_bytes(),
        headers={"content-type": "application/json;charset=UTF-8"},
    )


async def only_bizinfo_runnable(db: Database) -> None:
    """bizinfo due all day, every day, hourly and without pauses; the other portals disabled."""
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig).values(
                start_time=None, end_time=None, weekdays_only=False,
                random_delay_min=0, random_delay_max=0, interval_hours=1,
            )
        )  # fmt: skip
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id != "bizinfo")
            .values(is_enabled=False)
        )


async def serve(settings: Settings, clock: Clock | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and talk to it in-process over httpx; with ``clock``, the app's
    "now" (every handler's, through ``paperwork.clock.current_time``) is the test's."""
    app = create_app(settings)
    if clock is not None:
        app.dependency_overrides[current_time] = clock.current_time
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


class SavedPortal:
    """A real HTTP server on localhost answering like the bizinfo Open API from saved files,
    by ``pageIndex`` (any other page: the ``"*"`` entry), optionally slowly: the portal for
    tests that run whole processes."""

    PAGES: ClassVar[dict[str, str]] = {
        "1": "bizinfo_api_live.json",
        "*": "bizinfo_api_live_page2.json",
    }

    def __init__(self, *, delay: float = 0.0, pages: dict[str, str] | None = None) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlparse

        fixtures = FIXTURES
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                import time

                query = parse_qs(urlparse(self.path).query)
                page = query.get("pageIndex", ["1"])[0]
                portal.requests += 1
                time.sleep(portal.delay)
                name = portal.pages.get(page, portal.pages["*"])
                body = (fixtures / name).read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.delay = delay
        self.pages = pages or self.PAGES
        self.requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def api_get(base_url: str, path: str, **params: Any) -> Any:
    """The ``data`` of a 200 answer from a server running on ``base_url`` (browser tests)."""
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]
