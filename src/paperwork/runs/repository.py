"""Every read and write of ``scrape_runs`` and ``portal_state``: one home for a run's life
(start, counts, finish), the scheduler's leases and failure streak, and the run history that
the runs API, the seed status and the admin stats read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import PortalState, ScrapeRun
from paperwork.vocabulary import UNFINISHED_RUN_STATUSES, RunStatus, RunTrigger

# -- one run's life --------------------------------------------------------------------------


async def start_run(
    session: AsyncSession, *, portal_id: str, trigger: str, now: dt.datetime
) -> int:
    run = ScrapeRun(portal_id=portal_id, trigger=trigger, status=RunStatus.running, started_at=now)
    session.add(run)
    await session.flush()
    return run.id


async def record_counts(session: AsyncSession, run_id: int, counts: Mapping[str, int]) -> None:
    await session.execute(update(ScrapeRun).where(ScrapeRun.id == run_id).values(**counts))


async def finish_run(
    session: AsyncSession,
    run_id: int,
    *,
    status: str,
    error: str | None,
    counts: Mapping[str, int],
    now: dt.datetime,
) -> None:
    await session.execute(
        update(ScrapeRun)
        .where(ScrapeRun.id == run_id)
        .values(status=status, finished_at=now, error=error, **counts)
    )


async def abandon_running(session: AsyncSession, portal_id: str, *, now: dt.datetime) -> int:
    """Mark the portal's unfinished runs abandoned: whoever ran them lost the lease (died)."""
    result = await session.execute(
        update(ScrapeRun)
        .where(ScrapeRun.portal_id == portal_id, ScrapeRun.status == RunStatus.running)
        .values(status=RunStatus.abandoned, finished_at=now, error="the process running it stopped")
    )
    return int(getattr(result, "rowcount", 0))


# -- the failure streak (the scheduler backs off on it) --------------------------------------


async def note_failure(session: AsyncSession, portal_id: str, *, error: str | None) -> None:
    """One more failed run in a row; in one statement, so concurrent writers never lose one."""
    await session.execute(
        update(PortalState)
        .where(PortalState.portal_id == portal_id)
        .values(consecutive_failures=PortalState.consecutive_failures + 1, last_failure=error)
    )


async def clear_failures(session: AsyncSession, portal_id: str) -> None:
    await session.execute(
        update(PortalState)
        .where(PortalState.portal_id == portal_id)
        .values(consecutive_failures=0, last_failure=None)
    )


async def portal_states(session: AsyncSession) -> dict[str, PortalState]:
    return {state.portal_id: state for state in await session.scalars(select(PortalState))}


# -- leases ----------------------------------------------------------------------------------


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


# -- history ---------------------------------------------------------------------------------


async def count_runs_by_portal_since(
    session: AsyncSession, since: dt.datetime, *, statuses: Sequence[str]
) -> dict[str, int]:
    rows = await session.execute(
        select(ScrapeRun.portal_id, func.count())
        .where(ScrapeRun.started_at >= since, ScrapeRun.status.in_(statuses))
        .group_by(ScrapeRun.portal_id)
    )
    return {portal: count for portal, count in rows.all()}


async def count_runs_by_portal_and_status_since(
    session: AsyncSession, since: dt.datetime
) -> dict[str, dict[str, int]]:
    """``{portal_id: {status: runs}}`` over the runs started at or after ``since``."""
    rows = await session.execute(
        select(ScrapeRun.portal_id, ScrapeRun.status, func.count())
        .where(ScrapeRun.started_at >= since)
        .group_by(ScrapeRun.portal_id, ScrapeRun.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for portal_id, status, count in rows.all():
        counts.setdefault(portal_id, {})[status] = count
    return counts


async def last_run_statuses(session: AsyncSession) -> dict[str, str]:
    """The status of each portal's newest run."""
    newest = select(func.max(ScrapeRun.id)).group_by(ScrapeRun.portal_id)
    rows = await session.execute(
        select(ScrapeRun.portal_id, ScrapeRun.status).where(ScrapeRun.id.in_(newest))
    )
    return {portal: status for portal, status in rows.all()}


async def last_runs_started_for_schedule(session: AsyncSession) -> dict[str, dt.datetime]:
    """When each portal's last run that counts for the schedule started: unfinished runs are
    owed again, and imports are not visits to the portal."""
    rows = await session.execute(
        select(ScrapeRun.portal_id, func.max(ScrapeRun.started_at))
        .where(
            ScrapeRun.status.not_in(UNFINISHED_RUN_STATUSES),
            ScrapeRun.trigger != RunTrigger.import_,
        )
        .group_by(ScrapeRun.portal_id)
    )
    return {portal: started for portal, started in rows.all() if started is not None}


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
    """A page of runs, newest first, and how many match in all."""
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
