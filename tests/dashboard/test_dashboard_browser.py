"""/admin-dashboard in Chromium: what an operator sees and does, at 1280 px and at 375 px.

Every scenario also checks that the page logged no console errors (a Content-Security-Policy
violation, a script error or an unexpected failed request all count) and leaves screenshots
under test-output/screenshots/<database>/<test>/ for people to look at."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.async_api import Page, Route, expect
from sqlalchemy import select

from apptest import api_get
from paperwork.db import Database
from paperwork.models import ScrapeRun

# The fixtures of tests/dashboard/conftest.py: ``open_tab(width)`` gives a Dashboard (a page
# that collects its console errors), ``seed`` what the import pipeline wrote.
Tab = Any
Seed = Any

LABELS = {"bizinfo": "기업마당", "kstartup": "K-Startup", "mss": "중소벤처기업부"}
WIDTHS = (1280, 375)


async def enter_token(page: Page, token: str) -> None:
    dialog = page.locator("#token-dialog")
    await expect(dialog).to_be_visible()
    await page.get_by_label("토큰", exact=True).fill(token)
    await page.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()


async def fail_with(route: Route, status: int, message: str) -> None:
    body = {"success": False, "timestamp": "2026-11-26T00:00:00+00:00", "error": message}
    await route.fulfill(status=status, content_type="application/json", body=json.dumps(body))


async def test_every_view_reads_at_both_widths_without_console_errors(
    open_tab: Any, seed: Seed
) -> None:
    views = {
        "overview": ("overview", "수집 현황"),
        "programs": ("programs", "지원사업"),
        "detail": (f"programs/{seed.detail_id}", seed.detail_title),
        "config": ("config", "수집 설정"),
        "runs": ("runs", "실행 이력"),
    }
    for width in WIDTHS:
        tab: Tab = await open_tab(width)
        for name, (route, heading) in views.items():
            await tab.open(route)
            await expect(tab.page.locator("h1")).to_have_text(heading)
            assert await tab.overflow() == 0, f"{name} scrolls sideways at {width}px"
            # The navigation stays usable: every menu entry on screen.
            for link in await tab.page.locator(".site-nav a").all():
                await expect(link).to_be_in_viewport()
            await tab.screenshot(name)
        assert tab.console_errors() == [], f"console errors at {width}px"


async def test_overview_shows_each_portal_and_the_chart_from_seeded_data(
    open_tab: Any, seed: Seed
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    await tab.open("overview")

    cards = page.locator(".portal-card")
    await expect(cards).to_have_count(3)
    for portal_id, label in LABELS.items():
        card = page.locator(f'.portal-card[data-portal="{portal_id}"]')
        await expect(card.locator("h3")).to_have_text(label)
        await expect(card.locator(".program-count")).to_have_text(str(seed.programs[portal_id]))
        await expect(card.locator(".card-badges")).to_contain_text("사용")
        await expect(card).to_contain_text("평균 품질")
        await expect(card).to_contain_text("다음 실행")
    bizinfo = page.locator('.portal-card[data-portal="bizinfo"]')
    await expect(bizinfo).to_contain_text("성공")
    await expect(bizinfo).not_to_contain_text("성능 저하")
    mss = page.locator('.portal-card[data-portal="mss"]')
    await expect(mss.locator(".card-badges")).to_contain_text("성능 저하")
    await expect(mss).to_contain_text("실패")
    await expect(mss).to_contain_text("SERVICE_KEY_IS_NOT_REGISTERED_ERROR")
    await expect(mss).to_contain_text("1회")  # errors today
    total = sum(seed.programs.values())
    await expect(page.locator(".stats")).to_contain_text(f"수집된 지원사업{total}건")

    # The chart draws exactly the seeded first-seen days, per portal.
    bars = await page.locator("rect.bar").evaluate_all(
        "bars => bars.map(b => [b.dataset.date, b.dataset.portal, Number(b.dataset.count)])"
    )
    drawn = Counter({(day, portal): count for day, portal, count in bars})
    assert drawn == seed.first_seen
    assert len({day for day, _portal in drawn}) == 6
    heights = await page.locator("rect.bar").evaluate_all(
        "bars => bars.map(b => Number(b.getAttribute('height')))"
    )
    assert all(height >= 1 for height in heights)
    legend = page.locator(".chart-legend")
    for portal_id, label in LABELS.items():
        await expect(legend).to_contain_text(f"{label} {seed.programs[portal_id]}건")
    title = await page.locator(".chart-svg > title").text_content()
    assert title is not None and f"지원사업 {total}건" in title
    # The same numbers as a table, for reading instead of looking.
    await page.get_by_text("표로 보기").click()
    today_row = page.locator(".chart-table tbody tr").first
    await expect(today_row.locator("th")).to_have_text(seed.today.isoformat())

    await tab.screenshot("overview")
    narrow: Tab = await open_tab(375)
    await narrow.open("overview")
    await expect(narrow.page.locator("rect.bar")).to_have_count(len(bars))
    assert await narrow.overflow() == 0
    await narrow.screenshot("overview")
    assert tab.console_errors() == [] and narrow.console_errors() == []


async def test_search_filters_sort_and_paging_narrow_the_programs_table(
    open_tab: Any, seed: Seed, live_server: str
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    await tab.open("programs")
    rows = page.locator(".programs-table tbody tr")
    summary = page.locator(".result-summary")
    total = sum(seed.programs.values())
    await expect(rows).to_have_count(20)
    await expect(summary).to_have_text(f"전체 {total}건 중 1–20")

    search = page.get_by_label("검색어")
    await search.fill("창업")
    await search.press("Enter")
    expected = await api_get(live_server, "/api/v1/programs", q="창업", limit=100)
    assert 0 < expected["total"] < total
    await expect(summary).to_contain_text(f"전체 {expected['total']}건")
    ids = await rows.evaluate_all("rows => rows.map(r => Number(r.dataset.id))")
    assert ids == [item["id"] for item in expected["items"][:20]]
    assert "q=%EC%B0%BD%EC%97%85" in page.url  # the search is in the address: reload-safe

    # The exports carry the same filter.
    csv_href = await page.get_by_role("link", name="CSV 내려받기").get_attribute("href")
    ics_href = await page.get_by_role("link", name="캘린더(ICS) 내려받기").get_attribute("href")
    assert csv_href and ics_href
    assert parse_qs(urlsplit(csv_href).query) == {"q": ["창업"]}
    assert parse_qs(urlsplit(ics_href).query) == {"q": ["창업"]}
    async with httpx.AsyncClient(base_url=live_server) as client:
        exported = await client.get(csv_href)
    assert exported.status_code == 200
    assert exported.headers["X-Total-Count"] == str(expected["total"])

    # A portal filter narrows it further.
    await page.get_by_label("포털").select_option("kstartup")
    await page.get_by_role("button", name="검색", exact=True).click()
    narrower = await api_get(
        live_server, "/api/v1/programs", q="창업", portal_id="kstartup", limit=100
    )
    await expect(summary).to_contain_text(f"전체 {narrower['total']}건")
    assert 0 < narrower["total"] < expected["total"]
    for row in await rows.all():
        await expect(row.locator("td").first).to_have_text("K-Startup")

    # Status and region filters, as the API answers them.
    await page.get_by_label("포털").select_option("")
    await page.get_by_label("상태").select_option("open")
    await page.get_by_label("지역").fill("서울")
    await search.fill("")
    await page.get_by_role("button", name="검색", exact=True).click()
    open_in_seoul = await api_get(
        live_server, "/api/v1/programs", status="open", region="서울", limit=100
    )
    await expect(summary).to_contain_text(
        f"전체 {open_in_seoul['total']}건"
        if open_in_seoul["total"]
        else "조건에 맞는 지원사업이 없습니다."
    )
    ids = await rows.evaluate_all("rows => rows.map(r => Number(r.dataset.id))")
    assert ids == [item["id"] for item in open_in_seoul["items"][:20]]

    # An inverted deadline range is caught before asking.
    before = page.url
    await page.get_by_label("마감일 (부터)").fill("2026-12-31")
    await page.get_by_label("마감일 (까지)").fill("2026-12-01")
    await page.get_by_role("button", name="검색", exact=True).click()
    await expect(page.locator(".filters .field-error")).to_contain_text(
        "마감일 범위가 잘못되었습니다"
    )
    assert page.url == before

    # Sorting by deadline through the column header.
    await page.get_by_role("button", name="조건 초기화").click()
    await expect(summary).to_have_text(f"전체 {total}건 중 1–20")
    await page.locator("th").get_by_role("button", name=re.compile("^마감")).click()
    await expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("마감")
    by_deadline = await api_get(live_server, "/api/v1/programs", sort="deadline", limit=20)
    await expect(rows.first).to_have_attribute("data-id", str(by_deadline["items"][0]["id"]))
    ids = await rows.evaluate_all("rows => rows.map(r => Number(r.dataset.id))")
    assert ids == [item["id"] for item in by_deadline["items"]]

    # Paging.
    await page.get_by_role("button", name="다음").click()
    await expect(summary).to_have_text(f"전체 {total}건 중 21–{min(total, 40)}")
    await expect(rows).to_have_count(min(total, 40) - 20)
    await page.get_by_role("button", name="이전").click()
    await expect(summary).to_have_text(f"전체 {total}건 중 1–20")

    # D-day badges: closing within a week is red and says so.
    await search.fill("수출바우처 긴급")
    await search.press("Enter")
    urgent = page.locator(f'.programs-table tr[data-id="{seed.urgent_id}"]')
    badge = urgent.locator(".badge-urgent")
    await expect(badge).to_have_text("D-3 마감 임박")
    color = await badge.evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(220, 38, 38)"
    source = urgent.get_by_role("link", name=re.compile("원문"))
    await expect(source).to_have_attribute("target", "_blank")
    await expect(source).to_have_attribute("href", re.compile(r"^https://www\.bizinfo\.go\.kr/"))

    await tab.screenshot("programs-urgent")
    assert tab.console_errors() == []


async def test_a_detail_page_shows_fields_attachments_history_and_the_other_portal(
    open_tab: Any, seed: Seed, live_server: str
) -> None:
    detail = await api_get(live_server, f"/api/v1/programs/{seed.detail_id}")
    assert detail["changes"] and detail["attachments"] and detail["also_on"]
    for width in WIDTHS:
        tab: Tab = await open_tab(width)
        page = tab.page
        await tab.open("programs?q=시장대응형")
        await page.locator(f'a.program-link[href="#/programs/{seed.detail_id}"]').click()
        await tab.settled()
        assert page.url.endswith(f"#/programs/{seed.detail_id}")
        await expect(page.locator("h1")).to_have_text(seed.detail_title)
        facts = page.locator(".detail-list")
        await expect(facts).to_contain_text("중소기업기술정보진흥원")
        await expect(facts).to_contain_text("중소기업, 예비창업자")
        await expect(facts).to_contain_text(detail["period"])

        files = page.locator(".attachments a.source")
        await expect(files).to_have_count(len(detail["attachments"]))
        for link, attachment in zip(await files.all(), detail["attachments"], strict=True):
            await expect(link).to_contain_text(attachment["name"])
            await expect(link).to_have_attribute("href", attachment["url"])

        history = page.locator(".changes-table tbody tr")
        await expect(history).to_have_count(len(detail["changes"]))
        target_change = history.filter(
            has=page.locator('td[data-label="항목"]', has_text=re.compile("^지원 대상$"))
        )
        await expect(target_change).to_contain_text("중소기업, 예비창업자")

        twin = page.locator(".also-on a")
        await expect(twin).to_have_text(f"K-Startup: {seed.detail_title}")
        await tab.screenshot("detail")
        await twin.click()
        await tab.settled()
        assert page.url.endswith(f"#/programs/{seed.twin_id}")
        await expect(page.locator(".detail-badges")).to_contain_text("K-Startup")
        await expect(page.locator(".also-on a")).to_have_text(f"기업마당: {seed.detail_title}")
        assert await tab.overflow() == 0
        assert tab.console_errors() == []


async def test_a_config_edit_with_the_token_is_saved_and_survives_a_reload(
    open_tab: Any, seed: Seed, admin_token: str, live_server: str
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    await tab.open("config")
    form = page.locator('form[data-portal="kstartup"]')
    await form.get_by_label("하루 최대 수집 건수").fill("250")
    await form.get_by_label("실행 간격 (분)").fill("30")
    await form.get_by_label("수집 시작 시각").fill("08:30")
    await form.get_by_label("평일만 수집").uncheck()
    await form.get_by_role("button", name="저장").click()
    await enter_token(page, admin_token)  # asked once, then kept for the tab
    status = form.locator(".form-status")
    await expect(status).to_contain_text("저장했습니다")
    await expect(status).to_contain_text("하루 최대 수집 건수")

    saved = (await api_get(live_server, "/scraping-config", portal_id="kstartup"))[0]
    assert (saved["daily_limit"], saved["interval_minutes"]) == (250, 30)
    assert (saved["start_time"], saved["weekdays_only"]) == ("08:30:00", False)
    assert await page.evaluate("sessionStorage.getItem('paperwork.adminToken')") == admin_token
    await expect(page.locator("#token-state")).to_have_text("관리자 토큰 입력됨")

    await page.reload()
    await tab.settled()
    form = page.locator('form[data-portal="kstartup"]')
    await expect(form.get_by_label("하루 최대 수집 건수")).to_have_value("250")
    await expect(form.get_by_label("실행 간격 (분)")).to_have_value("30")
    await expect(form.get_by_label("수집 시작 시각")).to_have_value("08:30")
    await expect(form.get_by_label("평일만 수집")).not_to_be_checked()

    # The kept token saves without asking again.
    await form.get_by_label("하루 최대 수집 건수").fill("300")
    await form.get_by_role("button", name="저장").click()
    await expect(form.locator(".form-status")).to_contain_text("저장했습니다")
    await expect(page.locator("#token-dialog")).to_be_hidden()
    assert (await api_get(live_server, "/scraping-config", portal_id="kstartup"))[0][
        "daily_limit"
    ] == 300

    # A refused token (401) asks again, saying why, and the save goes through after.
    await page.evaluate("sessionStorage.setItem('paperwork.adminToken', 'revoked-or-wrong')")
    await form.get_by_label("하루 최대 수집 건수").fill("310")
    await form.get_by_role("button", name="저장").click()
    await expect(page.locator("#token-dialog-reason")).to_contain_text("토큰이 거부되었습니다")
    await tab.screenshot("config-token-dialog")
    await enter_token(page, admin_token)
    await expect(form.locator(".form-status")).to_contain_text("저장했습니다")
    assert (await api_get(live_server, "/scraping-config", portal_id="kstartup"))[0][
        "daily_limit"
    ] == 310
    assert tab.console_errors(expected_failed_loads=1) == []  # the one 401


async def test_out_of_bounds_values_show_korean_messages_and_nothing_is_saved(
    open_tab: Any, seed: Seed, admin_token: str, live_server: str
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    sent: list[str] = []
    page.on(
        "request", lambda request: sent.append(request.url) if request.method == "PUT" else None
    )
    await tab.open("config")
    form = page.locator('form[data-portal="bizinfo"]')
    limit = form.get_by_label("하루 최대 수집 건수")
    await limit.fill("5000")
    await limit.press("Tab")
    error = form.locator("#cfg-bizinfo-daily_limit-error")
    await expect(error).to_have_text("1에서 1000 사이의 값을 입력하세요.")
    await expect(limit).to_have_attribute("aria-invalid", "true")
    await expect(limit).to_have_attribute("aria-describedby", re.compile("daily_limit-error"))

    await form.get_by_label("요청 사이 최소 대기").fill("10")
    await form.get_by_label("요청 사이 최대 대기").fill("5")
    await form.get_by_label("수집 종료 시각").fill("25:00")
    await form.get_by_label("최대 재시도 횟수").fill("2.5")
    await form.get_by_role("button", name="저장").click()
    await expect(form.locator(".form-status")).to_have_text(
        "입력값을 확인하세요. 저장하지 않았습니다."
    )
    await expect(form.locator("#cfg-bizinfo-random_delay_min-error")).to_have_text(
        "최소 대기는 최대 대기보다 클 수 없습니다."
    )
    await expect(form.locator("#cfg-bizinfo-end_time-error")).to_contain_text("HH:MM")
    await expect(form.locator("#cfg-bizinfo-max_retries-error")).to_have_text("정수를 입력하세요.")
    await expect(limit).to_be_focused()  # the first problem
    await expect(page.locator("#token-dialog")).to_be_hidden()
    await tab.screenshot("config-invalid")
    narrow: Tab = await open_tab(375)
    await narrow.open("config")
    narrow_limit = narrow.page.locator("#cfg-bizinfo-daily_limit")
    await narrow_limit.fill("5000")
    await narrow_limit.press("Tab")
    await expect(narrow.page.locator("#cfg-bizinfo-daily_limit-error")).to_be_visible()
    assert await narrow.overflow() == 0
    await narrow.screenshot("config-invalid")

    assert sent == []
    saved = (await api_get(live_server, "/scraping-config", portal_id="bizinfo"))[0]
    assert (saved["daily_limit"], saved["random_delay_min"], saved["end_time"]) == (
        100,
        0,
        "18:00:00",
    )

    # Corrected values clear their messages as they are typed.
    await limit.fill("200")
    await expect(error).to_be_hidden()
    await expect(limit).not_to_have_attribute("aria-invalid", "true")

    # When the server refuses anyway, its message is shown as it came.
    await form.get_by_label("요청 사이 최소 대기").fill("0")
    await form.get_by_label("수집 종료 시각").fill("18:00")
    await form.get_by_label("최대 재시도 횟수").fill("3")
    await page.evaluate(f"sessionStorage.setItem('paperwork.adminToken', {admin_token!r})")
    refusal = "body.daily_limit: Input should be less than or equal to 1000"

    async def refuse(route: Route) -> None:
        await fail_with(route, 422, refusal)

    await page.route(re.compile(r"/scraping-config/bizinfo$"), refuse)
    await form.get_by_role("button", name="저장").click()
    await expect(form.locator(".form-alert")).to_have_text(f"서버가 값을 거부했습니다: {refusal}")
    assert (await api_get(live_server, "/scraping-config", portal_id="bizinfo"))[0][
        "daily_limit"
    ] == 100
    assert tab.console_errors(expected_failed_loads=1) == []
    assert narrow.console_errors() == []


async def test_run_now_starts_a_run_that_appears_in_the_runs_table(
    open_tab: Any, seed: Seed, admin_token: str, db: Database
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    await tab.open("runs")
    rows = page.locator(".runs-table tbody tr")
    before = await rows.count()
    await page.get_by_role("button", name="기업마당 지금 실행").click()
    await enter_token(page, admin_token)
    message = page.locator(".panel .form-status")
    await expect(message).to_contain_text("기업마당 수집을 시작했습니다 (실행 #")
    text = await message.text_content()
    assert text is not None
    run_id = int(re.search(r"#(\d+)", text).group(1))  # type: ignore[union-attr]

    row = page.locator(f'.runs-table tr[data-id="{run_id}"]')
    await expect(row).to_be_visible()
    await expect(row).to_contain_text("수동")
    await expect(row).to_contain_text("기업마당")
    # The table refreshes itself while the run is in progress.
    await expect(row).to_have_attribute("data-status", "succeeded", timeout=30_000)
    await expect(row).to_contain_text("성공")
    await expect(rows).to_have_count(before + 1)
    async with db.session_scope() as session:
        run = await session.scalar(select(ScrapeRun).where(ScrapeRun.id == run_id))
    assert run is not None
    assert (run.portal_id, run.trigger, run.status) == ("bizinfo", "manual", "succeeded")
    assert run.fetched > 0
    await expect(row.locator("td").nth(6)).to_have_text(str(run.fetched))
    await tab.screenshot("runs-after-run-now")

    # Filters: status, then portal; both kept in the address.
    await page.get_by_label("상태").select_option("failed")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-portal", "mss")
    await expect(rows.first).to_contain_text("SERVICE_KEY_IS_NOT_REGISTERED_ERROR")
    assert "status=failed" in page.url
    await page.get_by_label("상태").select_option("")
    await page.get_by_label("포털").select_option("kstartup")
    await expect(rows.first).to_have_attribute("data-portal", "kstartup")
    for portal in await rows.evaluate_all("rows => rows.map(r => r.dataset.portal)"):
        assert portal == "kstartup"
    await expect(page.locator('.runs-table tr[data-status="partial"]')).to_contain_text(
        "2 items failed"
    )
    assert tab.console_errors() == []


async def test_failing_api_calls_show_a_message_never_a_blank_page(
    open_tab: Any, seed: Seed
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page

    async def server_error(route: Route) -> None:
        await fail_with(route, 500, "Internal server error")

    programs_list = re.compile(r"/api/v1/programs\?")
    await page.route(programs_list, server_error)
    await tab.open("programs")
    alert = page.locator("#main [role=alert]")
    await expect(alert).to_contain_text("불러오지 못했습니다")
    await expect(alert).to_contain_text("Internal server error")
    await expect(page.locator("h1")).to_have_text("지원사업")
    await expect(page.get_by_label("검색어")).to_be_visible()
    await tab.screenshot("programs-error")
    await page.unroute(programs_list)
    await alert.get_by_role("button", name="다시 시도").click()
    await expect(page.locator(".programs-table tbody tr")).to_have_count(20)

    # The network gone for the chart: the cards still show, the chart says what happened.
    await page.route(re.compile(r"/api/v1/stats/daily"), lambda route: route.abort())
    await tab.open("overview")
    await expect(page.locator(".portal-card")).to_have_count(3)
    await expect(page.locator(".chart [role=alert]")).to_contain_text("서버에 연결할 수 없습니다")
    await tab.screenshot("overview-chart-error")

    await tab.open("programs/999999")
    await expect(page.locator("#main [role=alert]")).to_contain_text("찾을 수 없습니다")
    await tab.screenshot("detail-not-found")

    await page.goto(f"{tab.base_url}/admin-dashboard#/no-such-view")
    await expect(page.locator("h1")).to_have_text("페이지를 찾을 수 없습니다")
    # The provoked failures (500, aborted request, 404) and nothing else.
    assert tab.console_errors(expected_failed_loads=3) == []


async def test_the_keyboard_reaches_the_menu_the_search_and_the_token_prompt(
    open_tab: Any, seed: Seed, live_server: str
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    await tab.open("overview")
    # Auto-waiting checks: under load the focus may land a moment after the key press.
    focused = page.locator(":focus")
    await page.keyboard.press("Tab")
    await expect(focused).to_have_text("본문으로 건너뛰기")
    await page.keyboard.press("Tab")
    await expect(focused).to_have_text("현황")
    await page.keyboard.press("Tab")
    await expect(focused).to_have_text("지원사업")
    outline = await page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    await page.keyboard.press("Enter")
    await tab.settled()
    assert page.url.endswith("#/programs")
    await expect(focused).to_have_text("지원사업")  # focus moved to the new view's heading

    await page.keyboard.press("Tab")
    await expect(focused).to_have_attribute("name", "q")
    await page.keyboard.type("바우처")
    await page.keyboard.press("Enter")
    expected = await api_get(live_server, "/api/v1/programs", q="바우처", limit=1)
    await expect(page.locator(".result-summary")).to_contain_text(f"전체 {expected['total']}건")

    # The token prompt by keyboard: Escape cancels and nothing is started.
    await tab.open("runs")
    await page.get_by_role("button", name="K-Startup 지금 실행").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#token-dialog")).to_be_visible()
    await expect(page.get_by_label("토큰", exact=True)).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(page.locator("#token-dialog")).to_be_hidden()
    await expect(page.locator(".panel .form-status")).to_have_text(
        "토큰을 입력하지 않아 실행하지 않았습니다."
    )
    runs = await api_get(live_server, "/api/v1/runs", portal_id="kstartup", status="running")
    assert runs["total"] == 0
    assert tab.console_errors() == []
