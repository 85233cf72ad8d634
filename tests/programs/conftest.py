"""The programs API's tests stand at a clock they set (no sleeping until KST midnight)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from apptest import Clock, create_app
from paperwork.config import Settings
from paperwork.programs.clock import current_time


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def api(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its clock set by the test."""
    app = create_app(settings)

    async def now() -> dt.datetime:
        return clock.now

    app.dependency_overrides[current_time] = now
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
