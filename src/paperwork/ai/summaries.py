"""AI summaries of announcements (``POST /api/v1/programs/{id}/summary``): a Korean summary and
the fields founders look for first, as JSON checked against SUMMARY_SCHEMA, stored per content
hash — the hash of exactly what the model is given, so an unchanged program is never summarised
twice and a changed one gets a new summary when asked. One request makes a summary: the others
find its place held ("making") and are told to come back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from paperwork.ai import summaries_repository
from paperwork.ai.gateway import Gateway, ask, checked_json, prepare, provider_error
from paperwork.ai.metering import Caller
from paperwork.ai.providers import ProviderFailure, Role
from paperwork.ai.summary_content import content_hash, content_of
from paperwork.ai.v1_schemas import ChatIn, ChatMessageIn, JsonSchemaFormat, ResponseFormat
from paperwork.attachments.repository import attachment_texts
from paperwork.errors import AppError, NotFound
from paperwork.models import ProgramSummary, SupportProgram

SUMMARY_MAX_TOKENS = 1_500
# A summary being made for longer than this was abandoned (its process died): retaken.
MAKING_FOR_AT_MOST = dt.timedelta(minutes=3)

FIELDS = {
    "target": "지원대상",
    "excluded": "제외대상",
    "support": "지원내용",
    "amount": "지원규모(금액)",
    "period": "신청기간",
    "how_to_apply": "신청방법",
    "contact": "문의처",
}
SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "minLength": 1},
        **{name: {"type": ["string", "null"]} for name in FIELDS},
    },
    "required": ["summary", *FIELDS],
    "additionalProperties": False,
}
SYSTEM_PROMPT = (
    "당신은 한국 정부 지원사업 공고를 읽고 창업자와 중소기업이 빨리 판단할 수 있도록 요약하는 "
    "도우미입니다. 모든 답은 한국어로 씁니다. summary에는 3~5문장 요약을 쓰고, 나머지 항목("
    + ", ".join(f"{name}: {label}" for name, label in FIELDS.items())
    + ")은 공고에 적힌 내용만 간결하게 옮깁니다. 공고에 없는 항목은 null로 둡니다."
)


async def summarise(
    caller: Caller, gateway: Gateway, program_id: int, *, provider: str | None
) -> tuple[ProgramSummary, bool]:
    """The program's summary for its current content: the stored one (False), or a new one
    made now under the budget (True)."""
    database = caller.database
    async with database.session_scope() as session:
        program = await session.get(SupportProgram, program_id)
        if program is None:
            raise NotFound(f"지원사업을 찾을 수 없습니다: {program_id}")
        attachments = await attachment_texts(session, program_id)
        content = content_of(program, attachments)
        digest = content_hash(program, attachments)
        done = await summaries_repository.done(session, program_id, digest)
    if done is not None:
        return done, False
    request = ChatIn(
        provider=provider,
        messages=[
            ChatMessageIn(role=Role.system, content=SYSTEM_PROMPT),
            ChatMessageIn(role=Role.user, content=content),
        ],
        max_tokens=SUMMARY_MAX_TOKENS,
        temperature=0.2,
        response_format=ResponseFormat(
            type="json_schema",
            json_schema=JsonSchemaFormat(name="program_summary", schema=SUMMARY_SCHEMA),
        ),
    )
    prepared = prepare(gateway, request, kind="summary")
    async with database.session_scope() as session:
        held = await summaries_repository.hold_place(
            session,
            program_id,
            digest,
            provider=prepared.provider.name,
            model=prepared.call.model,
            now=caller.now,
            abandoned_before=caller.now - MAKING_FOR_AT_MOST,
        )
    if not held:
        raise AppError(
            "this program's summary is being made by another request: ask again shortly",
            status_code=409,
            code="summary_in_progress",
            headers={"Retry-After": "10"},
        )
    try:
        answer, _cost = await ask(caller, prepared)
        fields = checked_json(answer.text, SUMMARY_SCHEMA)
    except BaseException as exc:
        async with database.session_scope() as session:
            await summaries_repository.give_up(session, program_id, digest)
        if isinstance(exc, ProviderFailure):
            raise provider_error(exc) from None
        raise
    async with database.session_scope() as session:
        return await summaries_repository.store(session, program_id, digest, fields), True
