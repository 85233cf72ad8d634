"""SQL for portal configs and scrape runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import PortalState, ScrapeRun, ScrapingConfig

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


async def count_runs_by_portal_since(
    session: AsyncSession, since: dt.datetime, *, statuses: Sequence[str]
) -> dict[str, int]:
    rows = await session.execute(
        select(ScrapeRun.portal_id, func.count())
        .where(ScrapeRun.started_at >= since, ScrapeRun.status.in_(statuses))
        .group_by(ScrapeRun.portal_id)
    )
    return {portal: count for portal, count in rows.all()}


async def last_run_statuses(session: AsyncSession) -> dict[str, str]:
    """The status of each portal's newest run."""
    newest = select(func.max(ScrapeRun.id)).group_by(ScrapeRun.portal_id)
    rows = await session.execute(
        select(ScrapeRun.portal_id, ScrapeRun.status).where(ScrapeRun.id.in_(newest))
    )
    return {portal: status for portal, status in rows.all()}


# Runs that never finished on their own: they don't count as "the last run" for the schedule,
# so the portal runs again (a crashed or stopped run is owed).
UNFINISHED_RUN_STATUSES = ("abandoned", "cancelled")


async def last_runs_started_for_schedule(session: AsyncSession) -> dict[str, dt.datetime]:
    rows = await session.execute(
        select(ScrapeRun.portal_id, func.max(ScrapeRun.started_at))
        .where(ScrapeRun.status.not_in(UNFINISHED_RUN_STATUSES), ScrapeRun.trigger != "import")
        .group_by(ScrapeRun.portal_id)
    )
    return {portal: started for portal, started in rows.all() if started is not None}


async def portal_states(session: AsyncSession) -> dict[str, PortalState]:
    return {state.portal_id: state for state in await session.scalars(select(PortalState))}


async def claim_lease(
    session: AsyncSession, portal_id: str, *, owner: str, now: dt.datetime, until: dt.datetime
) -> bool:
    """Take the portal's lease if it is free or expired: one atomic statement, so of several
    processes racing for it exactly one wins."""
    result = await session.execute(
        update(PortalState)
        .where(
            PortalState.portal_id == portal_id,
            or_(
                PortalState.lease_owner.is_(None),
                PortalState.lease_expires_at.is_(None),
                PortalState.lease_expires_at < now,
            ),
        )
        .values(lease_owner=owner, lease_expires_at=until)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def renew_lease(
    session: AsyncSession, portal_id: str, *, owner: str, until: dt.datetime
) -> bool:
    result = await session.execute(
        update(PortalState)
        .where(PortalState.portal_id == portal_id, PortalState.lease_owner == owner)
        .values(lease_expires_at=until)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def release_lease(session: AsyncSession, portal_id: str, *, owner: str) -> None:
    await session.execute(
        update(PortalState)
        .where(PortalState.portal_id == portal_id, PortalState.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
    )


async def abandon_running(session: AsyncSession, portal_id: str, *, now: dt.datetime) -> int:
    """Mark the portal's unfinished runs abandoned: whoever ran them lost the lease (died)."""
    result = await session.execute(
        update(ScrapeRun)
        .where(ScrapeRun.portal_id == portal_id, ScrapeRun.status == "running")
        .values(status="abandoned", finished_at=now, error="the process running it stopped")
    )
    return int(getattr(result, "rowcount", 0))


def _run_filters(portal_id: str | None, statuses: Sequence[str]) -> list[Any]:
    filters: list[Any] = []
    if portal_id is not None:
        filters.append(ScrapeRun.portal_id == portal_id)
    if statuses:
        filters.append(ScrapeRun.status.in_(list(statuses)))
    return filters


async def list_runs(
    session: AsyncSession,
    *,
    portal_id: str | None,
    statuses: Sequence[str],
    limit: int,
    offset: int,
) -> tuple[Sequence[ScrapeRun], int]:
    filters = _run_filters(portal_id, statuses)
    runs = await session.scalars(
        select(ScrapeRun)
        .where(*filters)
        .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(ScrapeRun).where(*filters))
    return runs.all(), int(total or 0)


async def get_run(session: AsyncSession, run_id: int) -> ScrapeRun | None:
    return await session.get(ScrapeRun, run_id)
