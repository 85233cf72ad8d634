"""``/api/v1/ai``: chat with the server's providers and OCR a document, under the daily cost cap
(any token); the usage report (admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import StreamingResponse

from paperwork.ai import gateway, usage_service
from paperwork.ai.metering import Caller
from paperwork.ai.ocr import MAX_BYTES
from paperwork.ai.v1_schemas import ChatIn, ChatOut, OcrOut, UsageReport
from paperwork.auth.dependency import AdminDep, CallerDep
from paperwork.clock import NowDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok
from paperwork.errors import AppError
from paperwork.timeutil import SEOUL

router = APIRouter(prefix="/api/v1/ai", tags=["ai"])

# One event of a streamed answer, as the OpenAPI document describes it.
SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["delta", "done", "error"]},
        "data": {
            "type": "string",
            "description": "JSON: {text} (delta); {provider, model, usage, cost_usd} (done); "
            "{error, code} (error).",
        },
    },
}


async def paying_caller(request: Request, token: CallerDep, now: NowDep) -> Caller:
    """Who calls a paid endpoint, within the token's own request rate (429 past it; the
    service-wide limit counts per address, this one per token, both across every process)."""
    ai = request.app.state.ai
    verdict = await request.app.state.rate_limits.hit(
        ai.requests_per_minute, "ai-token", str(token.id)
    )
    if not verdict.allowed:
        raise AppError(
            "too many AI requests from this token: try again shortly",
            status_code=429,
            code="rate_limited",
            headers={"Retry-After": str(verdict.retry_after)},
        )
    return Caller(
        database=request.app.state.db,
        caps=ai.caps,
        token_id=token.id,
        request_id=getattr(request.state, "request_id", ""),
        now=now,
        tz=SEOUL,
    )


PayingCaller = Annotated[Caller, Depends(paying_caller)]


@router.post(
    "/chat",
    response_model=Envelope[ChatOut],
    responses={
        200: {"content": {"text/event-stream": {"schema": SSE_EVENT}}},
        **error_responses(401, 422, 429, 502, 503, 504),
    },
    summary="AI 채팅 (서버의 키로, 일일 비용 한도 안에서)",
    description=(
        "`stream: true`이면 Server-Sent Events로 답합니다: `delta` 이벤트(`{text}`)가 이어지고, "
        "마지막에 `done`(`{provider, model, usage, cost_usd}`) 또는 `error`(`{error, code}`)."
    ),
)
async def chat(request: Request, body: ChatIn, who: PayingCaller) -> Any:
    ai = request.app.state.ai
    if not body.stream:
        return ok(await gateway.chat(who, ai, body))
    events = await gateway.open_stream(who, ai, body)
    return StreamingResponse(_sse(events), media_type="text/event-stream")


async def _sse(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for event in events:
        data = orjson.dumps(event["data"]).decode()
        yield f"event: {event['event']}\ndata: {data}\n\n".encode()


@router.post(
    "/ocr",
    response_model=Envelope[OcrOut],
    responses=error_responses(401, 413, 422, 429, 502, 503, 504),
    summary="문서 OCR (NAVER CLOVA OCR: PNG, JPEG, TIFF, PDF, 20 MB 이하)",
)
async def ocr(
    request: Request,
    who: PayingCaller,
    file: Annotated[UploadFile, File(description="An image or a PDF, at most 20 MB.")],
) -> Any:
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AppError("the file is larger than 20 MB", status_code=413, code="file_too_large")
    return ok(await gateway.read_document(who, request.app.state.ai, data))


@router.get(
    "/usage",
    response_model=Envelope[UsageReport],
    responses=error_responses(401, 403, 422),
    summary="AI 사용량: 일·공급자·모델별 호출, 토큰, 비용과 오늘의 한도 (관리자)",
)
async def usage(
    request: Request,
    session: SessionDep,
    _admin: AdminDep,
    now: NowDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Any:
    report = await usage_service.report(session, request.app.state.ai, days=days, now=now, tz=SEOUL)
    return ok(report)
