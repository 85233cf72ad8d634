"""Helpers the test modules share (a module of its own: every test folder may have a conftest)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from paperwork.app import create_app
from paperwork.config import Settings

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


async def serve(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and talk to it in-process over httpx."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
