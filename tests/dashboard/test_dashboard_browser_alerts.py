"""/admin-dashboard's 알림 view in Chromium (issue 13): an alert made through the form with a
channel at a local webhook, the match count following the typing, the API's refusal shown with
the form kept, a test send's outcome per channel (✓, or ✗ with the webhook's 404), the delivery
log, pause and delete.

Like test_dashboard_browser.py: a live server over the seeded samples, the admin token entered
in the page's own dialog, no unexpected console errors, and screenshots."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from typing import Any

import httpx
from playwright.async_api import Page, expect
from sqlalchemy import select

from apptest import api_get
from local_servers import WebhookReceiver
from paperwork.db import Database
from paperwork.models import Alert, AlertDelivery

Tab = Any  # tests/dashboard/conftest.py's Dashboard
Seed = Any

WORD = "해양드론"  # in no seeded program: the count is only the programs made here
SECRET = "9c1e5b7d4e2f8a6c0d1e2f3a4b5c3f2a"


async def open_alerts(tab: Tab, token: str) -> Page:
    """The 알림 view, the token entered in the dialog it asks with."""
    page: Page = tab.page
    await page.goto(f"{tab.base_url}/admin-dashboard#/alerts")
    dialog = page.locator("#token-dialog")
    await expect(dialog).to_be_visible()
    await page.get_by_label("토큰", exact=True).fill(token)
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()
    await tab.settled()
    await expect(page.get_by_role("heading", name="알림", exact=True)).to_be_visible()
    return page


async def fill_form(page: Page, *, name: str, channels: str, q: str = "", region: str = "") -> None:
    form = page.locator(".alert-form")
    await form.get_by_label("이름").fill(name)
    await form.get_by_label("검색어").fill(q)
    await form.get_by_label("지역").fill(region)
    await form.get_by_label("채널").fill(channels)


def row_of(page: Page, name: str) -> Any:
    return page.locator(".alerts-table tbody tr", has=page.locator(".alert-name", has_text=name))


async def test_an_alert_made_in_the_form_is_listed_tested_paused_and_deleted(
    open_tab: Any,
    seed: Seed,
    admin_token: str,
    live_server: str,
    make_program: Any,
    webhook: WebhookReceiver,
    db: Database,
) -> None:
    for number, region in enumerate(("서울", "서울", "부산"), start=1):
        await make_program(
            title=f"2026년 {WORD} 실증 지원사업 {number}차 공고",
            external_id=f"PBLN_ALERTS_{number:04d}",
            region=region,
        )
    everywhere = await api_get(live_server, "/api/v1/programs", q=WORD, status="open", limit=1)
    in_seoul = await api_get(
        live_server, "/api/v1/programs", q=WORD, region="서울", status="open", limit=1
    )
    assert (everywhere["total"], in_seoul["total"]) == (3, 2)

    tab: Tab = await open_tab(1280)
    page = await open_alerts(tab, admin_token)
    await expect(page.locator(".alerts-list .empty")).to_contain_text("알림이 없습니다")
    form = page.locator(".alert-form")
    count = page.locator(".match-count")

    # The count follows the typing, a moment after it stops.
    await form.get_by_label("검색어").press_sequentially(WORD, delay=20)
    await expect(count).to_have_text("지금 일치하는 공고: 3건")
    await form.get_by_label("지역").fill("서울")
    await expect(count).to_have_text("지금 일치하는 공고: 2건")

    # A channel Apprise refuses: the API's reason, and everything typed still there.
    await form.get_by_label("이름").fill("서울 해양드론")
    good = webhook.url(f"/hook/{SECRET}")
    await form.get_by_label("채널").fill(f"{good}\nnot-a-channel://nowhere")
    await form.get_by_label("빈도").select_option("weekly")
    await expect(form.get_by_label("요일")).to_be_visible()
    await form.get_by_label("요일").select_option(label="수요일")
    await form.get_by_label("시각").fill("08:30")
    await form.get_by_role("button", name="알림 만들기").click()
    refusal = page.locator(".form-alert .alert-error")
    await expect(refusal).to_contain_text("서버가 값을 거부했습니다")
    reason = await refusal.locator(".alert-message").text_content()
    assert reason and "channels[1]" in reason and "not-a-channel" in reason, reason
    await expect(form.get_by_label("이름")).to_have_value("서울 해양드론")
    await expect(form.get_by_label("검색어")).to_have_value(WORD)
    await expect(form.get_by_label("지역")).to_have_value("서울")
    await expect(form.get_by_label("채널")).to_have_value(f"{good}\nnot-a-channel://nowhere")
    await expect(form.get_by_label("빈도")).to_have_value("weekly")
    await expect(page.locator(".alerts-table")).to_have_count(0)
    await tab.screenshot("alerts-refused")

    # Fixed, it is made and listed: its search, schedule, state and the masked channel.
    await form.get_by_label("채널").fill(good)
    await form.get_by_role("button", name="알림 만들기").click()
    await expect(page.locator(".form-alert .alert-error")).to_have_count(0)
    row = row_of(page, "서울 해양드론")
    await expect(row).to_have_count(1)
    await expect(page.locator(".alerts-table")).not_to_have_attribute("aria-busy", "true")
    await expect(row.locator('td[data-label="소유자"]')).to_have_text("test-admin")
    await expect(row.locator('td[data-label="검색 조건"]')).to_have_text(
        f"q={WORD} · status=open · region=서울"
    )
    await expect(row.locator('td[data-label="빈도"]')).to_have_text("매주 수 08:30")
    await expect(row.locator('td[data-label="상태"] .badge')).to_have_text("정상")
    await expect(row.locator('td[data-label="최근 발송"]')).to_have_text("없음")
    listed = (await api_get_with(live_server, admin_token, "/api/v1/alerts"))["items"]
    assert [item["name"] for item in listed] == ["서울 해양드론"]
    await expect(row.locator(".channel-list li")).to_have_text(listed[0]["channels"])
    assert listed[0]["query"] == {"q": WORD, "region": ["서울"], "status": ["open"]}
    assert (listed[0]["frequency"], listed[0]["weekday"], listed[0]["at"]) == ("weekly", 2, "08:30")
    assert listed[0]["notify"] == ["new"]

    # 테스트 발송: the webhook gets one request, the page a ✓ for the channel.
    await row.get_by_role("button", name="테스트 발송").click()
    outcome = row.locator(".outcome-list li")
    await expect(outcome).to_have_count(1)
    await expect(outcome.locator(".outcome-mark")).to_have_text("✓")
    await expect(row.locator(".outcome-summary")).to_have_text("성공 1 · 실패 0")
    received = webhook.wait_for(1)
    assert len(received) == 1 and received[0].path == f"/hook/{SECRET}"
    assert json.loads(received[0].body)["title"] == "[Paperwork] 테스트 알림 — 서울 해양드론"
    shot = await tab.screenshot("alerts-view")
    shutil.copyfile(shot, "/tmp/alerts-view.png")

    # The webhook answering 404: ✗ with the status.
    webhook.answer_with([404])
    await row.get_by_role("button", name="테스트 발송").click()
    await expect(outcome.locator(".outcome-mark")).to_have_text("✗")
    await expect(outcome.locator(".outcome-error")).to_contain_text("404")
    await expect(row.locator(".outcome-summary")).to_have_text("성공 0 · 실패 1")
    assert len(webhook.wait_for(2)) == 2

    # 발송 기록: the alert's messages, with the channel's error.
    alert_id = listed[0]["id"]
    async with db.session_scope() as session:
        alert = (await session.execute(select(Alert).where(Alert.id == alert_id))).scalar_one()
        now = dt.datetime.now(dt.UTC)
        session.add(
            AlertDelivery(
                alert_id=alert.id, channel=alert.channels[0], kind="new",
                title=f"[Paperwork] {WORD} 새 공고 2건",
                program_ids=[1, 2], status="failed", attempts=5, next_attempt_at=now,
                last_error="HTTP 404 <b>Not Found</b>", created_at=now,
            )
        )  # fmt: skip
    await row.get_by_role("button", name="발송 기록").click()
    log = page.locator(".deliveries-panel")
    await expect(log.get_by_role("heading")).to_have_text("발송 기록 — 서울 해양드론")
    entry = log.locator(".deliveries-table tbody tr")
    await expect(entry).to_have_count(1)
    await expect(entry.locator('td[data-label="종류"]')).to_have_text("새 공고")
    await expect(entry.locator('td[data-label="상태"]')).to_have_text("실패")
    await expect(entry.locator('td[data-label="시도"]')).to_have_text("5")
    await expect(entry.locator('td[data-label="오류"]')).to_have_text("HTTP 404 <b>Not Found</b>")
    await expect(entry.locator("b")).to_have_count(0)

    # 일시정지, then 재개.
    await row.get_by_role("button", name="일시정지").click()
    await expect(row.locator('td[data-label="상태"] .badge')).to_have_text("일시정지")
    await expect(row.get_by_role("button", name="재개")).to_be_visible()
    await expect(row.locator('td[data-label="최근 발송"]')).to_contain_text("실패")
    await row.get_by_role("button", name="재개").click()
    await expect(row.locator('td[data-label="상태"] .badge')).to_have_text("정상")

    # 삭제 asks first: dismissed, the alert stays; accepted, it is gone.
    page.once("dialog", lambda dialog: dialog.dismiss())
    await row.get_by_role("button", name="삭제").click()
    await expect(row).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    await row.get_by_role("button", name="삭제").click()
    await expect(row).to_have_count(0)
    await expect(page.locator(".alerts-list .empty")).to_be_visible()
    assert (await api_get_with(live_server, admin_token, "/api/v1/alerts"))["total"] == 0
    # The one refused create is the only failed load.
    assert tab.console_errors(expected_failed_loads=1) == []


async def test_a_degraded_alert_is_shown_as_an_error_and_text_stays_text(
    open_tab: Any, seed: Seed, admin_token: str, live_server: str, db: Database
) -> None:
    name = '<img src=x onerror="window.__xss = 1">알림'
    async with httpx.AsyncClient(
        base_url=live_server, headers={"Authorization": f"Bearer {admin_token}"}
    ) as client:
        created = await client.post(
            "/api/v1/alerts",
            json={
                "name": name,
                "query": {"q": "<b>창업</b>"},
                "channels": ["json://127.0.0.1:9/hook"],
                "frequency": "daily",
                "at": "07:00",
            },
        )
    assert created.status_code == 201, created.text
    async with db.session_scope() as session:
        alert = (await session.execute(select(Alert))).scalar_one()
        alert.failure_streak = 3  # three failed sends in a row
    listed = await api_get_with(live_server, admin_token, "/api/v1/alerts")
    assert listed["items"][0]["state"] == "degraded"

    for width in (1280, 375):
        tab: Tab = await open_tab(width)
        page = await open_alerts(tab, admin_token)
        row = row_of(page, "알림")
        await expect(row.locator(".alert-name")).to_have_text(name)
        await expect(row.locator('td[data-label="검색 조건"]')).to_have_text("q=<b>창업</b>")
        await expect(row.locator('td[data-label="빈도"]')).to_have_text("매일 07:00")
        state = row.locator('td[data-label="상태"] .badge')
        await expect(state).to_have_text("오류")
        assert await state.evaluate("el => getComputedStyle(el).backgroundColor") == (
            "rgb(220, 38, 38)"
        )
        await expect(row.locator("img, b")).to_have_count(0)
        assert await page.evaluate("() => typeof window.__xss") == "undefined"
        assert await tab.overflow() == 0
        await tab.screenshot("alerts-degraded")
        assert tab.console_errors() == []


async def api_get_with(base_url: str, token: str, path: str) -> Any:
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["data"]
