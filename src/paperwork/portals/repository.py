"""SQL for portal configs and scrape runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import ScrapeRun, ScrapingConfig

FAILED_RUN_STATUSES = ("failed", "partial")


async def list_configs(
    session: AsyncSession, *, portal_id: str | None = None
) -> Sequence[ScrapingConfig]:
    statement = select(ScrapingConfig).order_by(ScrapingConfig.portal_id)
    if portal_id is not None:
        statement = statement.where(ScrapingConfig.portal_id == portal_id)
    return (await session.scalars(statement)).all()


async def get_config(session: AsyncSession, portal_id: str) -> ScrapingConfig | None:
    return await session.get(ScrapingConfig, portal_id)


async def update_config(
    session: AsyncSession, config: ScrapingConfig, changes: dict[str, Any]
) -> ScrapingConfig:
    for name, value in changes.items():
        setattr(config, name, value)
    await session.flush()
    return config


async def count_runs_since(
    session: AsyncSession, since: dt.datetime, *, statuses: Sequence[str]
) -> int:
    statement = select(func.count()).where(
        ScrapeRun.started_at >= since, ScrapeRun.status.in_(statuses)
    )
    return int(await session.scalar(statement) or 0)


async def last_runs_started(session: AsyncSession) -> dict[str, dt.datetime]:
    """When each portal's latest run started (what the schedule counts intervals from)."""
    rows = await session.execute(
        select(ScrapeRun.portal_id, func.max(ScrapeRun.started_at)).group_by(ScrapeRun.portal_id)
    )
    return {portal: started for portal, started in rows.all() if started is not None}
