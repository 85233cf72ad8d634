"""The runs API's logic: pages of run history, one run, and "run this portal now" (through the
scheduler, which takes the portal's lease so a manual run never overlaps a scheduled one)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.errors import NotFound
from paperwork.portals.scheduler import Scheduler
from paperwork.runs import repository
from paperwork.runs.v1_schemas import RunPage, RunRead, RunStarted
from paperwork.vocabulary import RunStatus, RunTrigger


async def list_runs(
    session: AsyncSession,
    *,
    portal_id: str | None,
    statuses: Sequence[RunStatus],
    limit: int,
    offset: int,
) -> RunPage:
    runs, total = await repository.list_runs(
        session, portal_id=portal_id, statuses=statuses, limit=limit, offset=offset
    )
    return RunPage(
        items=[RunRead.from_row(run) for run in runs], total=total, limit=limit, offset=offset
    )


async def get_run(session: AsyncSession, run_id: int) -> RunRead:
    run = await repository.get_run(session, run_id)
    if run is None:
        raise NotFound(f"수집 실행을 찾을 수 없습니다: {run_id}")
    return RunRead.from_row(run)


async def start_now(scheduler: Scheduler, portal_id: str) -> RunStarted:
    """NotFound for an unknown portal, Conflict while the portal is running anywhere."""
    run_id = await scheduler.trigger(portal_id, trigger=RunTrigger.manual)
    return RunStarted(run_id=run_id, portal_id=portal_id, status=RunStatus.running)
