"""The runs tests' app: bizinfo runnable at once (a key, all day, no pauses) against saved
answers served through a mock transport; the other portals disabled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import update

from apptest import create_app
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import ScrapingConfig

FIXTURES = Path(__file__).parent.parent / "fixtures" / "portals"


async def bizinfo_pages(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(0.05)  # long enough for a second "run now" to find this one running
    page = request.url.params.get("pageIndex", "1")
    name = "bizinfo_api_live.json" if page == "1" else "bizinfo_api_live_page2.json"
    return httpx.Response(200, content=(FIXTURES / name).read_bytes())


@pytest.fixture
async def run_api(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
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
    keyed = settings.model_copy(update={"bizinfo_api_key": SecretStr("TEST-KEY-runs-01")})
    app = create_app(keyed, portal_transport=httpx.MockTransport(bizinfo_pages))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client
