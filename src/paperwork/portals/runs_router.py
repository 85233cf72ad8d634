"""The runs API: history of collection runs, and "run this portal now" for admins."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from paperwork.auth import AdminDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, iso, ok
from paperwork.errors import NotFound
from paperwork.models import ScrapeRun
from paperwork.portals import repository
from paperwork.portals.schemas import RUN_STATUSES, RunPage, RunRead, RunStarted

router = APIRouter(prefix="/api/v1", tags=["runs"])

RunStatus = StrEnum("RunStatus", {status: status for status in RUN_STATUSES})  # type: ignore[misc]


def run_to_dict(run: ScrapeRun) -> dict[str, Any]:
    duration = (
        round((run.finished_at - run.started_at).total_seconds(), 3)
        if run.finished_at is not None
        else None
    )
    return {
        "id": run.id,
        "portal_id": run.portal_id,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "duration_seconds": duration,
        "fetched": run.fetched,
        "new": run.new,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "errors": run.errors,
        "error": run.error,
    }


@router.get(
    "/runs",
    response_model=Envelope[RunPage],
    responses=error_responses(422),
    summary="수집 실행 이력 (newest first)",
)
async def list_runs(
    session: SessionDep,
    portal_id: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[list[RunStatus] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    runs, total = await repository.list_runs(
        session,
        portal_id=portal_id,
        statuses=[s.value for s in status or []],
        limit=limit,
        offset=offset,
    )
    return ok(
        {"items": [run_to_dict(r) for r in runs], "total": total, "limit": limit, "offset": offset}
    )


@router.get(
    "/runs/{run_id}",
    response_model=Envelope[RunRead],
    responses=error_responses(404, 422),
    summary="수집 실행 한 건",
)
async def get_run(session: SessionDep, run_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Any:
    run = await repository.get_run(session, run_id)
    if run is None:
        raise NotFound(f"수집 실행을 찾을 수 없습니다: {run_id}")
    return ok(run_to_dict(run))


@router.post(
    "/portals/{portal_id}/runs",
    status_code=202,
    response_model=Envelope[RunStarted],
    responses=error_responses(401, 404, 409, 422),
    summary="지금 실행: 포털 수집을 바로 시작 (관리자)",
)
async def start_run(
    request: Request,
    _admin: AdminDep,
    portal_id: Annotated[str, Path(max_length=32)],
) -> Any:
    run_id = await request.app.state.scheduler.trigger(portal_id)
    return ok({"run_id": run_id, "portal_id": portal_id, "status": "running"}, status_code=202)
