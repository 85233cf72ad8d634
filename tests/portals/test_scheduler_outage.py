"""The lease of a running portal outlives a short database outage: the heartbeat that renews
it logs the failed renewals and goes on, so the run (which records its end once the database
is back) is not taken away as abandoned. PostgreSQL only: the outage is a proxy in front of
the test server, cut and restored."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from apptest import empty_database
from db_proxy import database_proxy
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.migrate import upgrade
from paperwork.models import PortalState
from paperwork.portals.scheduler import Scheduler
from paperwork.runs import repository as runs_repository

START = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)
WAIT_LIMIT = 20.0  # seconds: a bound on each poll, never a pace


@pytest.fixture
def pg_url(postgres_server_url: str, tmp_path: Path) -> Iterator[str]:
    with empty_database(postgres_server_url, tmp_path, "heartbeat") as url:
        upgrade(url)
        yield url


async def _lease_until(database: Database) -> dt.datetime | None:
    async with database.session_scope() as session:
        return await session.scalar(
            select(PortalState.lease_expires_at).where(PortalState.portal_id == "bizinfo")
        )


async def _until(condition: object, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_LIMIT
    while not await condition():  # type: ignore[operator]
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_the_heartbeat_renews_the_lease_again_after_an_outage(
    pg_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=pg_url,
        env_ai_file=tmp_path / "absent.env.ai",
        scheduler=False,
        attachments=False,
    )
    # Each reading of the clock a second later: every renewal moves the lease's end.
    ticks = itertools.count()
    direct = Database(pg_url, pool_size=1)
    async with database_proxy(pg_url) as proxy:
        database = Database(proxy.url_for(pg_url), pool_size=2)
        scheduler = Scheduler(
            database, settings, owner="heartbeat-test", lease_seconds=0.6,
            clock=lambda: START + dt.timedelta(seconds=next(ticks)),
        )  # fmt: skip
        try:
            async with database.session_scope() as session:
                assert await runs_repository.claim_lease(
                    session, "bizinfo", owner="heartbeat-test", now=START,
                    until=START + dt.timedelta(seconds=1),
                )  # fmt: skip
            heartbeat = asyncio.create_task(scheduler._heartbeat("bizinfo"))
            proxy.cut()

            async def renewal_refused() -> bool:
                return proxy.refused > 0

            await _until(renewal_refused, "a renewal to meet the outage")
            before = await _lease_until(direct)
            assert not heartbeat.done(), "the heartbeat ended with the outage"
            proxy.restore()

            async def renewed() -> bool:
                until = await _lease_until(direct)
                return until is not None and before is not None and until > before

            await _until(renewed, "the lease to be renewed after the outage")
            assert not heartbeat.done()
            heartbeat.cancel()
        finally:
            await database.dispose()
            await direct.dispose()
