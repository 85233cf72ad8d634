"""``/api/v1/attachments/{id}`` (the stored file) and ``/api/v1/attachments/{id}/text`` (its
extracted text): public, as the program detail that links them is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import PlainTextResponse

from paperwork.attachments import v1_service
from paperwork.db import SessionDep
from paperwork.envelope import file_error_responses

router = APIRouter(prefix="/api/v1/attachments", tags=["attachments"])

AttachmentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FAILURES = file_error_responses(404, 422)
# The file is the portal's, not ours: the browser must neither sniff it into HTML nor run it.
FILE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}


@router.get(
    "/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **FAILURES},
    summary="첨부파일 내려받기 (저장된 파일, 바이트로 판별한 형식)",
)
async def get_file(request: Request, session: SessionDep, attachment_id: AttachmentId) -> Response:
    found = await v1_service.stored_file(session, request.app.state.files, attachment_id)
    headers = {**FILE_HEADERS, "Content-Disposition": found.disposition}
    return Response(found.content, media_type=found.media_type, headers=headers)


@router.get(
    "/{attachment_id}/text",
    response_class=PlainTextResponse,
    responses=FAILURES,
    summary="첨부파일에서 뽑은 텍스트",
)
async def get_text(session: SessionDep, attachment_id: AttachmentId) -> PlainTextResponse:
    text = await v1_service.extracted_text(session, attachment_id)
    return PlainTextResponse(text, headers={"X-Content-Type-Options": "nosniff"})
