"""The seed's ``/scraping-config``: read the portals' collection settings, and apply an admin's
partial update once the merged values are known to be consistent."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.errors import InvalidInput, NotFound
from paperwork.portals import repository
from paperwork.portals.seed_schemas import (
    ScrapingConfigRead,
    ScrapingConfigUpdate,
    ScrapingConfigUpdated,
)


async def list_configs(session: AsyncSession, *, portal_id: str | None) -> list[ScrapingConfigRead]:
    configs = await repository.list_configs(session, portal_id=portal_id)
    if portal_id is not None and not configs:
        raise NotFound(f"알 수 없는 포털입니다: {portal_id}")
    return [ScrapingConfigRead.from_row(config) for config in configs]


async def update_config(
    session: AsyncSession, *, portal_id: str, update: ScrapingConfigUpdate
) -> ScrapingConfigUpdated:
    config = await repository.get_config(session, portal_id)
    if config is None:
        raise NotFound(f"알 수 없는 포털입니다: {portal_id}")
    changes = update.changes()
    # The bounds hold field by field; the pair can only be checked against the stored values.
    delay_min = changes.get("random_delay_min", config.random_delay_min)
    delay_max = changes.get("random_delay_max", config.random_delay_max)
    if delay_min > delay_max:
        raise InvalidInput(
            f"random_delay_min ({delay_min}) must not exceed random_delay_max ({delay_max})"
        )
    await repository.update_config(session, config, changes)
    return ScrapingConfigUpdated(
        message=f"포털 '{portal_id}' 설정이 업데이트되었습니다",
        portal_id=portal_id,
        updated_fields=list(changes),
    )
