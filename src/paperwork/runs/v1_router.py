"""``/api/v1/runs`` and ``/api/v1/portals/{portal_id}/runs``: the history of collection runs,
and "run this portal now" (지금 실행) for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from paperwork.auth.dependency import AdminDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok
from paperwork.runs import v1_service
from paperwork.runs.v1_schemas import RunPage, RunRead, RunStarted
from paperwork.vocabulary import RunStatus

router = APIRouter(prefix="/api/v1", tags=["runs"])


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
    page = await v1_service.list_runs(
        session, portal_id=portal_id, statuses=status or [], limit=limit, offset=offset
    )
    return ok(page)


@router.get(
    "/runs/{run_id}",
    response_model=Envelope[RunRead],
    responses=error_responses(404, 422),
    summary="수집 실행 한 건",
)
async def get_run(session: SessionDep, run_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Any:
    return ok(await v1_service.get_run(session, run_id))


@router.post(
    "/portals/{portal_id}/runs",
    status_code=202,
    response_model=Envelope[RunStarted],
    responses=error_responses(401, 403, 404, 409, 422),
    summary="지금 실행: 포털 수집을 바로 시작 (관리자)",
)
async def start_run(
    request: Request,
    _admin: AdminDep,
    portal_id: Annotated[str, Path(max_length=32)],
) -> Any:
    started = await v1_service.start_now(request.app.state.scheduler, portal_id)
    return ok(started, status_code=202)
