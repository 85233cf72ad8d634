"""``/api/v1/programs/{id}/summary``: a Korean summary and the founder's fields as checked JSON,
made once per content version (asking again for an unchanged program makes no call; a changed
one gets a new summary when asked), shown in the program detail with whether it is current;
one request makes it while a second is told to come back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import select, update

from ai_fakes import FakeProviders
from paperwork.db import Database
from paperwork.models import (
    AIUsage,
    AttachmentFile,
    ProgramAttachment,
    SupportProgram,
)

ANSWER = {
    "summary": "예비창업자의 사업화를 돕는 지원사업입니다. 최대 1억 원을 지원합니다.",
    "target": "예비창업자",
    "excluded": "휴·폐업 중인 기업",
    "support": "사업화 자금, 멘토링",
    "amount": "최대 1억 원",
    "period": "2026-11-01 ~ 2026-12-31",
    "how_to_apply": "K-Startup 누리집 온라인 신청",
    "contact": None,
}


async def _program(make_program: Any) -> int:
    return int(
        await make_program(
            title="2026년 예비창업패키지 예비창업자 모집",
            description="<p>지원대상: 예비창업자</p><p>지원내용: 사업화 자금 최대 1억 원</p>",
        )
    )


async def test_a_summary_is_made_once_per_content_and_shown_in_the_detail(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
    make_program: Any,
) -> None:
    program = await _program(make_program)
    fake.reply = json.dumps(ANSWER, ensure_ascii=False)
    made = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert made.status_code == 201, made.text
    summary = made.json()["data"]
    assert {key: summary[key] for key in ANSWER} == ANSWER
    assert summary["current"] is True and summary["provider"] == "openai"
    [sent] = fake.requests_for("openai")
    prompt = json.dumps(sent.json, ensure_ascii=False)
    assert (
        "예비창업패키지" in prompt and "사업화 자금 최대 1억 원" in prompt and "<p>" not in prompt
    )

    again = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert again.status_code == 200 and again.json()["data"]["summary"] == ANSWER["summary"]
    assert len(fake.requests_for("openai")) == 1  # unchanged: no second call
    detail = (await api.get(f"/api/v1/programs/{program}")).json()["data"]
    assert detail["summary"]["target"] == "예비창업자" and detail["summary"]["current"] is True
    stored = await api.get(f"/api/v1/programs/{program}/summary")
    assert stored.status_code == 200 and stored.json()["data"]["amount"] == "최대 1억 원"

    async with db.session_scope() as session:  # the announcement is corrected
        await session.execute(
            update(SupportProgram)
            .where(SupportProgram.id == program)
            .values(description="<p>지원대상: 예비창업자</p><p>지원내용: 최대 1.5억 원</p>")
        )
    detail = (await api.get(f"/api/v1/programs/{program}")).json()["data"]
    assert detail["summary"]["current"] is False
    renewed = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert renewed.status_code == 201
    assert len(fake.requests_for("openai")) == 2
    async with db.session_scope() as session:
        kinds = list(await session.scalars(select(AIUsage.kind)))
    assert kinds == ["summary", "summary"]


async def test_an_answer_off_the_schema_is_a_502_and_the_next_request_tries_again(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders, make_program: Any
) -> None:
    program = await _program(make_program)
    fake.reply = "요약: 예비창업자 대상 사업입니다."  # not JSON
    failed = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert failed.status_code == 502 and failed.json()["code"] == "invalid_json"
    fake.reply = json.dumps(ANSWER, ensure_ascii=False)
    made = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert made.status_code == 201


async def test_while_one_request_makes_a_summary_another_is_told_to_come_back(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders, make_program: Any
) -> None:
    program = await _program(make_program)
    fake.reply = json.dumps(ANSWER, ensure_ascii=False)
    fake.delay = 1.0
    first = asyncio.create_task(
        api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    )
    await asyncio.to_thread(fake.wait_for, 1, "openai")  # the first is at the provider
    second = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert second.status_code == 409 and second.json()["code"] == "summary_in_progress"
    assert second.headers["Retry-After"] == "10"
    assert (await first).status_code == 201
    assert len(fake.requests_for("openai")) == 1


async def test_anonymous_cannot_make_one_and_none_yet_is_a_404(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    program = await _program(make_program)
    assert (await api.post(f"/api/v1/programs/{program}/summary")).status_code == 401
    assert (await api.get(f"/api/v1/programs/{program}/summary")).status_code == 404
    assert (await api.get("/api/v1/programs/999999/summary")).status_code == 404


async def _attach(db: Database, program: int, sha: str, text: str, *, position: int = 0) -> None:
    """An attachment of ``program`` as the attachments pass leaves it: fetched, text extracted."""
    async with db.session_scope() as session:
        session.add(
            AttachmentFile(
                sha256=sha,
                media_type="application/vnd.hancom.hwp",
                size=1000,
                extraction_status="extracted",
                text=text,
                text_chars=len(text),
            )
        )
        await session.flush()
        session.add(
            ProgramAttachment(
                program_id=program,
                portal_id="bizinfo",
                position=position,
                name=f"공고문{position}.hwp",
                url=f"https://www.bizinfo.go.kr/cmm/fms/getImageFile.do?fileSn={position}",
                status="fetched",
                sha256=sha,
            )
        )


async def test_the_summary_reads_the_attachments_text(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
    make_program: Any,
) -> None:
    program = await _program(make_program)
    await _attach(db, program, "a" * 64, "신청자격: 업력 3년 이내 제조업 영위 기업 (휴·폐업 제외)")
    fake.reply = json.dumps(ANSWER, ensure_ascii=False)
    made = await api.post(f"/api/v1/programs/{program}/summary", headers=client_token)
    assert made.status_code == 201, made.text
    [sent] = fake.requests_for("openai")
    prompt = json.dumps(sent.json, ensure_ascii=False)
    assert "첨부파일 공고문0.hwp" in prompt and "업력 3년 이내 제조업" in prompt

    # A further attachment read later: the summary is of the announcement as it was.
    await _attach(db, program, "b" * 64, "지원규모: 기업당 최대 2억 원", position=1)
    detail = (await api.get(f"/api/v1/programs/{program}")).json()["data"]
    assert detail["summary"]["current"] is False
