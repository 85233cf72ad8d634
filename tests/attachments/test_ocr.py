"""A scanned PDF (no text layer): left as ``needs_ocr`` unless the operator turns OCR on; then read
through the AI gateway's OCR (here the local CLOVA fake) as the server's own paid call, under the
service's daily cap — refused past it, and tried again later."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ai_fakes import FakeProviders
from apptest import Clock
from attachment_files import pdf_image_only
from file_server import FileServer
from paperwork.ai.gateway import Gateway
from paperwork.attachments.collection import AttachmentsPass
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.attachments.store import ContentStore
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import AIUsage, AttachmentFile

SCAN = "/cmm/fms/getImageFile.do?atchFileId=SCAN&fileSn=0"


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with FakeProviders() as providers:
        providers.ocr_words = ["신청자격:", "중소기업\n", "지원한도", "5천만원"]
        yield providers


def _ocr_settings(
    settings: Settings, fake: FakeProviders, tmp_path: Path, *, on: bool, cap_usd: float
) -> Settings:
    keys = tmp_path / "ocr.env.ai"
    keys.write_text(
        f"NAVER_OCR_API_KEY={fake.keys['clova']}\nDAILY_COST_LIMIT_USD={cap_usd}\n",
        encoding="utf-8",
    )
    keys.chmod(0o600)
    return settings.model_copy(
        update={"attachments_ocr": on, "clova_ocr_url": fake.clova_url, "env_ai_file": keys}
    )


@pytest.fixture
async def run_pass(
    db: Database,
    portal_settings: Settings,
    store: ContentStore,
    sandbox: ExtractionSandbox,
    clock: Clock,
    no_delays: None,
    fake: FakeProviders,
    tmp_path: Path,
) -> AsyncIterator[Any]:
    gateways: list[Gateway] = []

    async def run(*, on: bool, cap_usd: float = 5.0) -> None:
        settings = _ocr_settings(portal_settings, fake, tmp_path, on=on, cap_usd=cap_usd)
        gateway = Gateway.from_settings(settings)
        gateways.append(gateway)
        await AttachmentsPass(
            db, settings, store, sandbox, clock=lambda: clock.now, gateway=gateway
        ).run()

    yield run
    for gateway in gateways:
        await gateway.aclose()


async def _scan(db: Database) -> AttachmentFile:
    async with db.session_scope() as session:
        [found] = (await session.scalars(select(AttachmentFile))).all()
        return found


async def test_a_scan_waits_for_ocr_until_the_operator_turns_it_on(
    db: Database,
    file_server: FileServer,
    program_with: Any,
    run_pass: Any,
    fake: FakeProviders,
    clock: Clock,
) -> None:
    await program_with([("스캔 공고문.pdf", file_server.put(SCAN, pdf_image_only()))])
    await run_pass(on=False)
    scan = await _scan(db)
    assert scan.extraction_status == "needs_ocr"
    assert fake.requests_for("clova") == []

    clock.now += dt.timedelta(hours=2)  # a later pass, with OCR turned on
    await run_pass(on=True)
    scan = await _scan(db)
    assert scan.extraction_status == "extracted"
    async with db.session_scope() as session:
        text = await session.scalar(select(AttachmentFile.text))
        usage = (await session.scalars(select(AIUsage))).all()
    assert text is not None and "지원한도" in text and "중소기업" in text
    assert len(fake.requests_for("clova")) == 1
    assert [(row.kind, row.token_id, row.status) for row in usage] == [("ocr", None, "ok")]


async def test_past_the_daily_cap_a_scan_stays_unread_and_costs_nothing(
    db: Database,
    file_server: FileServer,
    program_with: Any,
    run_pass: Any,
    fake: FakeProviders,
) -> None:
    await program_with([("스캔 공고문.pdf", file_server.put(SCAN, pdf_image_only()))])
    await run_pass(on=True, cap_usd=0.000001)
    scan = await _scan(db)
    assert scan.extraction_status == "needs_ocr"
    assert "daily AI cost limit" in (scan.extraction_error or "")
    assert fake.requests_for("clova") == []
