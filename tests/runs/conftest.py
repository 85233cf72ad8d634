"""The runs tests' app: bizinfo runnable at once (a key, all day, no pauses) against saved
answers served through a mock transport; the other portals disabled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from apptest import bizinfo_api_pages, create_app, only_bizinfo_runnable
from paperwork.config import Settings
from paperwork.db import Database


async def bizinfo_pages(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(0.05)  # long enough for a second "run now" to find this one running
    return bizinfo_api_pages(request)


@pytest.fixture
async def run_api(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    await only_bizinfo_runnable(db)
    keyed = settings.model_copy(update={"bizinfo_api_key": SecretStr("TEST-KEY-runs-01")})
    app = create_app(keyed, portal_transport=httpx.MockTransport(bizinfo_pages))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client
