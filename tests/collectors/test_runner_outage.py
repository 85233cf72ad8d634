"""A run the database drops out from under (a restart, a lost network): it ends ``failed``
with the reason, and records that once the database answers again — never left ``running``.
PostgreSQL only: the outage is a proxy in front of the test server, cut and restored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, update

from apptest import empty_database
from db_proxy import database_proxy
from paperwork.collectors.runner import FINISH_RETRY_PAUSE, PortalRun
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.migrate import upgrade
from paperwork.models import ScrapeRun, ScrapingConfig

FIXTURES = Path(__file__).parent.parent / "fixtures" / "portals"


@pytest.fixture
def pg_url(postgres_server_url: str, tmp_path: Path) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own (the proxy needs a server)."""
    with empty_database(postgres_server_url, tmp_path, "outage") as url:
        upgrade(url)
        yield url


async def test_a_run_cut_by_a_database_outage_is_recorded_failed_once_it_returns(
    pg_url: str, key_file: Path, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=pg_url,
        env_ai_file=key_file,
        scheduler=False,
        attachments=False,
        files_dir=tmp_path / "files",
        bizinfo_api_key=SecretStr("TEST-KEY-bizinfo-outage"),
    )
    async with database_proxy(pg_url) as proxy:
        database = Database(proxy.url_for(pg_url), pool_size=2)

        def portal(request: httpx.Request) -> httpx.Response:
            page = request.url.params["pageIndex"]
            if page != "1":
                proxy.cut()  # the database goes away while the run is between two pages
            name = "bizinfo_api_live.json" if page == "1" else "bizinfo_api_live_page2.json"
            return httpx.Response(200, content=(FIXTURES / name).read_bytes())

        retries: list[float] = []

        async def sleep(seconds: float) -> None:
            if proxy.cut_off and seconds == FINISH_RETRY_PAUSE:
                retries.append(seconds)
                proxy.restore()  # back while the run waits to record its end

        try:
            async with database.session_scope() as session:
                await session.execute(
                    update(ScrapingConfig).values(random_delay_min=0, random_delay_max=0)
                )
            run = PortalRun(
                database, settings, "bizinfo", trigger="cli",
                transport=httpx.MockTransport(portal), sleep=sleep,
            )  # fmt: skip
            result = await run.execute()
            async with database.session_scope() as session:
                stored = await session.get(ScrapeRun, result.run_id)
                others = (await session.scalars(select(ScrapeRun.status))).all()
        finally:
            await database.dispose()
    assert retries, "the run never had to wait for the database"
    assert result.status == "failed"
    assert result.error is not None and "database became unreachable" in result.error
    assert stored is not None
    assert (stored.status, stored.error) == ("failed", result.error)
    assert stored.finished_at is not None
    # What page 1 brought was written before the outage and is still counted.
    assert stored.fetched == result.counts.fetched > 0
    assert others == ["failed"]
