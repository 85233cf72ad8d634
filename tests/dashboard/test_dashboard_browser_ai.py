"""The program detail's "AI 요약" in Chromium (issue 14): no summary yet, the button asks for the
admin token in the page's own dialog and shows the summary the fake provider wrote (as text,
never markup); the overview shows today's AI spend against the cap. Like the other browser
tests: the live server over the seeded samples, no unexpected console errors, screenshots."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from ai_fakes import FakeProviders
from paperwork.config import Settings

Tab = Any  # tests/dashboard/conftest.py's Dashboard
Seed = Any

ANSWER = {
    "summary": "예비창업자의 사업화를 돕는 사업입니다. <b>최대 1억 원</b>을 지원합니다.",
    "target": "예비창업자",
    "excluded": "휴·폐업 중인 기업",
    "support": "사업화 자금과 멘토링",
    "amount": "최대 1억 원",
    "period": "공고문 참조",
    "how_to_apply": "온라인 신청",
    "contact": None,
}


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with FakeProviders() as providers:
        providers.reply = json.dumps(ANSWER, ensure_ascii=False)
        yield providers


@pytest.fixture
def dashboard_settings(dashboard_settings: Settings, fake: FakeProviders) -> Settings:
    """The dashboard's settings with an OpenAI key reaching the fake provider."""
    with dashboard_settings.env_ai_file.open("a", encoding="utf-8") as keys:
        keys.write(f"OPENAI_API_KEY={fake.keys['openai']}\nDAILY_COST_LIMIT_USD=2.5\n")
    return dashboard_settings.model_copy(update={"openai_base_url": fake.openai_base_url})


async def test_the_ai_summary_button_makes_and_shows_a_summary(
    open_tab: Any, seed: Seed, admin_token: str, fake: FakeProviders
) -> None:
    for width in (1280, 375):
        tab: Tab = await open_tab(width)
        page: Page = tab.page
        await tab.open(f"programs/{seed.detail_id}")
        section = page.locator("section.panel", has=page.get_by_role("heading", name="AI 요약"))
        if width == 1280:
            await expect(section).to_contain_text("아직 AI 요약이 없습니다.")
            await section.get_by_role("button", name="AI 요약").click()
            dialog = page.locator("#token-dialog")
            await expect(dialog).to_be_visible()
            await page.get_by_label("토큰", exact=True).fill(admin_token)
            await page.keyboard.press("Enter")
        await expect(section.locator(".summary-body")).not_to_contain_text("null")
        await expect(section.locator(".summary-text")).to_have_text(ANSWER["summary"])
        await expect(section.locator(".summary-text b")).to_have_count(0)  # text, not markup
        for label, value in (
            ("지원대상", "예비창업자"),
            ("문의처", "—"),
            ("지원규모(금액)", "최대 1억 원"),
        ):
            row = section.locator(".detail-row", has=page.get_by_text(label, exact=True))
            await expect(row.locator("dd")).to_have_text(value)
        assert await tab.overflow() == 0
        await tab.screenshot("detail-ai-summary")
        assert tab.console_errors() == []
    # The second width read the stored summary from the detail: one call in all.
    assert len(fake.requests_for("openai")) == 1


async def test_the_overview_shows_today_s_ai_spend_against_the_cap(
    open_tab: Any, seed: Seed, admin_token: str, fake: FakeProviders, live_server: str
) -> None:
    fake.usage_in, fake.usage_out = 200_000, 100_000  # gpt-4o-mini: $0.03 + $0.06
    async with httpx.AsyncClient(base_url=live_server) as client:
        made = await client.post(
            f"/api/v1/programs/{seed.detail_id}/summary",
            headers={"Authorization": f"Bearer {admin_token}"},
        )
    assert made.status_code == 201, made.text
    tab: Tab = await open_tab(1280)
    page: Page = tab.page
    spend = page.locator(".stat", has=page.get_by_text("오늘 AI 비용", exact=True)).locator("dd")
    await tab.open("")
    await expect(spend).to_have_text("한도 $2.50관리자 토큰을 입력하면 사용액이 보입니다")
    await page.evaluate(
        "token => sessionStorage.setItem('paperwork.adminToken', token)", admin_token
    )
    await tab.open("")
    await expect(spend).to_have_text("$0.09 / $2.504%")
    await tab.screenshot("overview-ai-spend")
    assert tab.console_errors() == []
