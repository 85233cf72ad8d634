"""``/api/v1/programs/{id}/summary``: make a program's AI summary under the daily cost cap (any
token; an unchanged program's stored summary is answered without a call), and read it (public,
as the program detail is)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from paperwork.ai import summaries
from paperwork.ai.v1_router import PayingCaller
from paperwork.ai.v1_schemas import ProviderName
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok
from paperwork.errors import NotFound
from paperwork.models import SupportProgram
from paperwork.programs.v1_schemas import SummaryRead
from paperwork.programs.v1_service import stored_summary, summary_read

router = APIRouter(prefix="/api/v1/programs", tags=["ai"])

ProgramId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/{program_id}/summary",
    response_model=Envelope[SummaryRead],
    status_code=201,
    responses={
        200: {"model": Envelope[SummaryRead]},
        **error_responses(401, 404, 409, 422, 429, 502, 503, 504),
    },
    summary="지원사업 AI 요약 만들기 (내용이 같으면 저장된 요약, 200)",
)
async def make_summary(
    request: Request,
    program_id: ProgramId,
    who: PayingCaller,
    provider: Annotated[ProviderName | None, Query()] = None,
) -> Any:
    ai = request.app.state.ai
    found, made = await summaries.summarise(who, ai, program_id, provider=provider)
    return ok(summary_read(found, current=True), status_code=201 if made else 200)


@router.get(
    "/{program_id}/summary",
    response_model=Envelope[SummaryRead],
    responses=error_responses(404, 422),
    summary="지원사업의 저장된 AI 요약",
)
async def get_summary(session: SessionDep, program_id: ProgramId) -> Any:
    program = await session.get(SupportProgram, program_id)
    if program is None:
        raise NotFound(f"지원사업을 찾을 수 없습니다: {program_id}")
    found = await stored_summary(session, program)
    if found is None:
        raise NotFound(f"이 지원사업의 AI 요약이 아직 없습니다: {program_id}")
    return ok(found)
