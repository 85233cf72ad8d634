"""The program detail's 첨부파일 in Chromium (issue 15): each attachment with what became of
it — its text read (with links to the stored copy and the text), or why it was not fetched — at
desktop and phone widths, with no console errors. Like the other browser tests: the live server
over the seeded samples, screenshots kept."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from attachment_files import hwpx_file
from paperwork.attachments.store import LocalStore
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import AttachmentFile, ProgramAttachment

Tab = Any  # tests/dashboard/conftest.py's Dashboard
Seed = Any
NOTICE = hwpx_file(["2026년 창업지원사업 공고", "신청자격: 예비창업자"])


@pytest.fixture
async def attached(db: Database, dashboard_settings: Settings, seed: Seed) -> int:
    """The detail program's attachments as a pass leaves them: the notice stored and read, a
    form the portal's robots.txt keeps us from (K-Startup's /afile)."""
    sha = hashlib.sha256(NOTICE).hexdigest()
    store = LocalStore(dashboard_settings.files_dir)
    await store.put(sha, NOTICE)
    async with db.session_scope() as session:
        session.add(
            AttachmentFile(
                sha256=sha,
                media_type="application/vnd.hancom.hwpx",
                size=len(NOTICE),
                extraction_status="extracted",
                text="2026년 창업지원사업 공고\n신청자격: 예비창업자",
                text_chars=30,
            )
        )
        await session.flush()
        for position, (name, url, status, error) in enumerate(
            [
                ("공고문.hwpx", "https://www.bizinfo.go.kr/cmm/fms/f1", "fetched", None),
                (
                    "신청서 양식.hwp",
                    "https://www.k-startup.go.kr/afile/fileDownload/K1",
                    "blocked",
                    "robots.txt of https://www.k-startup.go.kr disallows it",
                ),
            ]
        ):
            session.add(
                ProgramAttachment(
                    program_id=seed.detail_id,
                    portal_id="bizinfo",
                    position=position,
                    name=name,
                    url=url,
                    status=status,
                    error=error,
                    sha256=sha if status == "fetched" else None,
                )
            )
    return int(seed.detail_id)


async def test_the_detail_shows_each_attachments_state_and_links(
    open_tab: Any, attached: int, live_server: str
) -> None:
    for width in (1280, 375):
        tab: Tab = await open_tab(width)
        page: Page = tab.page
        await tab.open(f"programs/{attached}")
        items = page.locator(".attachments .attachment")
        await expect(items).to_have_count(2)
        read, blocked = items.nth(0), items.nth(1)
        await expect(read.locator("a.source")).to_contain_text("공고문.hwpx")
        await expect(read.locator(".badge")).to_have_text("텍스트 추출됨")
        text_link = read.locator("a.text")
        await expect(text_link).to_have_text("추출 텍스트")
        await expect(blocked.locator(".badge")).to_contain_text("받지 않음")
        await expect(blocked.locator(".attachment-reason")).to_contain_text("robots.txt")
        await expect(blocked.locator("a.stored")).to_have_count(0)
        assert await tab.overflow() == 0
        await tab.screenshot("detail-attachments")
        assert tab.console_errors() == []
    href = await text_link.get_attribute("href")
    stored = await read.locator("a.stored").get_attribute("href")
    async with httpx.AsyncClient(base_url=live_server) as http:
        assert "신청자격: 예비창업자" in (await http.get(str(href))).text
        assert (await http.get(str(stored))).content == NOTICE
