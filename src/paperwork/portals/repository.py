"""Every read and write of ``scraping_config``, the operator's per-portal collection settings.
(Runs and the scheduler's per-portal state live in ``paperwork.runs.repository``.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import ScrapingConfig


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
