"""/admin-dashboard's 지원사업 view as a search page (issue 12), in Chromium: the matched words
marked in titles and snippets, markup in the data shown as text, the facets beside the results
(above them on a phone) narrowing the list, and relevance as the search's default sort.

Like test_dashboard_browser.py: a live server over the seeded samples, no console errors, and
screenshots under test-output/screenshots/<database>/<test>/."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.async_api import Page, Request, Route, expect

Tab = Any  # tests/dashboard/conftest.py's Dashboard
Seed = Any

FACET_NAMES = "portal_id,status,region,category"
PROGRAMS_LIST = re.compile(r"/api/v1/programs\?")


async def api_get(base_url: str, path: str, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def list_requests(page: Page) -> list[dict[str, list[str]]]:
    """The query of every list request the page sends from now on."""
    sent: list[dict[str, list[str]]] = []

    def record(request: Request) -> None:
        if PROGRAMS_LIST.search(request.url):
            sent.append(parse_qs(urlsplit(request.url).query))

    page.on("request", record)
    return sent


async def row_ids(page: Page) -> list[int]:
    rows = page.locator(".programs-table tbody tr")
    return [int(i) for i in await rows.evaluate_all("rows => rows.map(r => r.dataset.id)")]


async def test_a_search_marks_its_words_in_each_title_and_snippet(
    open_tab: Any, seed: Seed, live_server: str
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    sent = list_requests(page)
    await tab.open("programs")
    search = page.get_by_label("검색어")
    await search.fill("창업")
    await search.press("Enter")
    expected = await api_get(live_server, "/api/v1/programs", q="창업", limit=20)
    assert expected["total"] > 0
    await expect(page.locator(".result-summary")).to_contain_text(f"전체 {expected['total']}건")
    assert await row_ids(page) == [item["id"] for item in expected["items"]]

    for item in expected["items"]:
        row = page.locator(f'.programs-table tr[data-id="{item["id"]}"]')
        link = row.locator("a.program-link")
        # The title reads as the program's own, the searched word inside <mark>s.
        await expect(link).to_have_text(item["title"])
        marks = link.locator("mark")
        await expect(marks).to_have_count(item["highlights"]["title"].count("<mark>"))
        for text in await marks.all_text_contents():
            assert text == "창업"
        snippet = row.locator(".snippet")
        if item["highlights"]["description"] is None:
            await expect(snippet).to_have_count(0)
            continue
        await expect(snippet).to_have_count(1)
        await expect(snippet.locator("mark")).to_have_count(
            item["highlights"]["description"].count("<mark>")
        )
    first = page.locator(".programs-table tbody tr").first
    await expect(first.locator("a.program-link mark").first).to_have_text("창업")
    await expect(first.locator(".snippet mark").first).to_have_text("창업")

    # Marks are tinted; the snippet is a smaller, muted line under the title.
    style = await first.evaluate(
        """row => {
            const mark = row.querySelector('a.program-link mark');
            const link = row.querySelector('a.program-link');
            const snippet = row.querySelector('.snippet');
            const css = (el) => getComputedStyle(el);
            return {
                mark: css(mark).backgroundColor, font: css(mark).fontFamily,
                snippetSize: parseFloat(css(snippet).fontSize),
                linkSize: parseFloat(css(link).fontSize),
                snippetColor: css(snippet).color, below: snippet.getBoundingClientRect().top
                    >= link.getBoundingClientRect().bottom - 1,
            };
        }"""
    )
    assert style["mark"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "Noto Sans KR" in style["font"]
    assert style["snippetSize"] < style["linkSize"]
    assert style["snippetColor"] == "rgb(91, 101, 120)"  # --muted
    assert style["below"]

    # The list asked for the facets and no sort: the API's relevance order, offered as 관련도순.
    assert sent[-1]["q"] == ["창업"] and sent[-1]["facets"] == [FACET_NAMES]
    assert "sort" not in sent[-1]
    sort = page.get_by_label("정렬")
    await expect(sort).to_have_value("")
    assert await sort.locator("option").all_text_contents() == [
        "관련도순", "최근 수집순", "마감 임박순", "제목순",
    ]  # fmt: skip
    await tab.screenshot("programs-search")

    # A sort the operator picks is sent, and kept in the address.
    await sort.select_option(label="최근 수집순")
    await page.get_by_role("button", name="검색", exact=True).click()
    newest = await api_get(live_server, "/api/v1/programs", q="창업", sort="-scraped_at", limit=20)
    await expect(page.locator(".programs-table tbody tr").first).to_have_attribute(
        "data-id", str(newest["items"][0]["id"])
    )
    assert await row_ids(page) == [item["id"] for item in newest["items"]]
    assert sent[-1]["sort"] == ["-scraped_at"] and "sort=-scraped_at" in page.url
    await expect(sort).to_have_value("-scraped_at")

    # Without a search there is no relevance to offer; typing one brings it back.
    await page.get_by_role("button", name="조건 초기화").click()
    await tab.settled()
    assert "sort" not in sent[-1] and "q" not in sent[-1]
    assert await sort.locator("option").all_text_contents() == [
        "최근 수집순", "마감 임박순", "제목순",
    ]  # fmt: skip
    await expect(page.locator("a.program-link mark")).to_have_count(0)
    await expect(page.locator(".snippet")).to_have_count(0)
    await search.fill("수출")
    await expect(sort.locator("option").first).to_have_text("관련도순")

    # Past the API's exact count (10,000 matches) the total is a lower bound, and says so.
    async def lower_bound(route: Route) -> None:
        response = await route.fetch()
        body = await response.json()
        body["data"].update(total=10_000, total_relation="gte")
        await route.fulfill(response=response, json=body)

    await page.route(PROGRAMS_LIST, lower_bound)
    await search.press("Enter")
    summary = page.locator(".result-summary")
    await expect(summary).to_have_text(re.compile(r"^전체 10,000\+건 중 1–"))
    await expect(page.locator(".pager-status")).to_have_text("1 / 500+ 쪽")
    await page.unroute(PROGRAMS_LIST)
    assert tab.console_errors() == []


async def test_markup_in_a_title_is_shown_as_text_and_never_runs(
    open_tab: Any, seed: Seed, make_program: Any, live_server: str
) -> None:
    title = '<script>window.__xss = 1</script>보안점검 <img src=x onerror="window.__xss = 2"> 공고'
    description = "<b>보안점검</b> 안내 <script>window.__xss = 3</script>"
    agency = "<i>보안</i>기관"
    program_id = await make_program(
        title=title, description=description, implementing_agency=agency
    )
    answer = await api_get(live_server, "/api/v1/programs", q="보안점검")
    assert [item["id"] for item in answer["items"]] == [program_id]
    assert "&lt;script&gt;" in answer["items"][0]["highlights"]["title"]

    for width in (1280, 375):
        tab: Tab = await open_tab(width)
        page = tab.page
        await tab.open("programs?q=%EB%B3%B4%EC%95%88%EC%A0%90%EA%B2%80")  # 보안점검
        row = page.locator(f'.programs-table tr[data-id="{program_id}"]')
        link = row.locator("a.program-link")
        await expect(link).to_have_text(title)
        await expect(link.locator("mark")).to_have_text("보안점검")
        await expect(row.locator(".snippet")).to_have_text(
            "<b>보안점검</b> 안내 <script>window.__xss = 3</script>"
        )
        await expect(row.locator(".snippet mark")).to_have_text("보안점검")
        await expect(row.locator('td[data-label="기관"]')).to_have_text(agency)
        # Text only: no element came out of the data, and nothing it held ran.
        await expect(row.locator("script, img, b, i")).to_have_count(0)
        assert await page.evaluate("() => typeof window.__xss") == "undefined"
        assert await tab.overflow() == 0
        await tab.screenshot("programs-markup-as-text")
        assert tab.console_errors() == []


async def test_a_facet_value_filters_the_list_to_its_count_and_a_second_click_clears_it(
    open_tab: Any, seed: Seed, live_server: str
) -> None:
    tab: Tab = await open_tab(1280)
    page = tab.page
    await tab.open("programs?q=%EC%B0%BD%EC%97%85")  # 창업
    summary = page.locator(".result-summary")
    everything = await api_get(
        live_server, "/api/v1/programs", q="창업", facets=FACET_NAMES, limit=20
    )
    await expect(summary).to_contain_text(f"전체 {everything['total']}건")

    facets = page.locator("aside.facets")
    await expect(facets.locator(".facet-title")).to_have_text(["포털", "상태", "지역", "분야"])
    for name in ("portal_id", "status", "region", "category"):
        expected = everything["facets"][name][:8]
        buttons = facets.locator(f'[data-facet="{name}"] .facet-value')
        await expect(buttons).to_have_count(len(expected))
        values = await buttons.evaluate_all("bs => bs.map(b => b.dataset.value)")
        assert values == [entry["value"] for entry in expected]
        await expect(buttons.locator(".facet-count")).to_have_text(
            [f"{entry['count']}건" for entry in expected]
        )
    await expect(facets.locator('[data-facet="portal_id"] .facet-label')).to_contain_text(
        ["K-Startup"]
    )
    status_labels = {"open": "접수중", "closed": "마감", "unknown": "미정", "rolling": "상시"}
    for entry in everything["facets"]["status"]:
        button = facets.locator(f'[data-facet="status"] [data-value="{entry["value"]}"]')
        await expect(button.locator(".facet-label")).to_have_text(status_labels[entry["value"]])

    # 상태 → 접수중: the list is the open ones, as many as the facet said.
    open_count = next(e["count"] for e in everything["facets"]["status"] if e["value"] == "open")
    status_open = facets.locator('[data-facet="status"] [data-value="open"]')
    await status_open.click()
    await expect(summary).to_contain_text(f"전체 {open_count}건")
    await expect(status_open).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_label("상태")).to_have_value("open")
    assert "status=open" in page.url
    only_open = await api_get(
        live_server, "/api/v1/programs", q="창업", status="open", facets=FACET_NAMES, limit=20
    )
    assert only_open["total"] == open_count
    assert await row_ids(page) == [item["id"] for item in only_open["items"]]

    # Then a region, counted within the open ones: both filters hold, the total is its count.
    region = only_open["facets"]["region"][0]
    region_button = facets.locator(f'[data-facet="region"] [data-value="{region["value"]}"]')
    await expect(region_button.locator(".facet-count")).to_have_text(f"{region['count']}건")
    await region_button.click()
    await expect(summary).to_contain_text(f"전체 {region['count']}건")
    await expect(page.get_by_label("지역")).to_have_value(region["value"])
    both = await api_get(
        live_server, "/api/v1/programs", q="창업", status="open", region=region["value"]
    )
    assert both["total"] == region["count"]
    assert await row_ids(page) == [item["id"] for item in both["items"]]
    await expect(facets.locator('[aria-pressed="true"]')).to_have_count(2)
    await tab.screenshot("programs-facets-selected")

    # The selected value again clears its filter (the other one stays).
    await status_open.click()
    await expect(facets.locator('[data-facet="status"] [aria-pressed="true"]')).to_have_count(0)
    await expect(page.get_by_label("상태")).to_have_value("")
    assert "status=" not in page.url and "region=" in page.url
    regional = await api_get(live_server, "/api/v1/programs", q="창업", region=region["value"])
    await expect(summary).to_contain_text(f"전체 {regional['total']}건")
    await facets.locator(f'[data-facet="region"] [data-value="{region["value"]}"]').click()
    await expect(summary).to_contain_text(f"전체 {everything['total']}건")
    await expect(facets.locator('[aria-pressed="true"]')).to_have_count(0)
    assert tab.console_errors() == []


async def test_the_facets_stand_beside_the_results_and_above_them_on_a_phone(
    open_tab: Any, seed: Seed
) -> None:
    for width in (1280, 375):
        tab: Tab = await open_tab(width)
        page = tab.page
        await tab.open("programs?q=%EC%B0%BD%EC%97%85")  # 창업
        facets = await page.locator("aside.facets").bounding_box()
        results = await page.locator(".results").bounding_box()
        assert facets is not None and results is not None
        if width > 640:
            assert facets["x"] + facets["width"] <= results["x"]  # a column on the left
            assert abs(facets["y"] - results["y"]) < 2
        else:
            assert facets["y"] + facets["height"] <= results["y"]  # a block above
            assert facets["width"] == results["width"]
            # Compact enough that the first result is still near the top of the page.
            assert facets["height"] < 480, facets
            # What a phone shows first, for people to look at.
            await page.screenshot(path=str(tab.shots / "programs-search-first-screen-375.png"))
        assert await tab.overflow() == 0, f"scrolls sideways at {width}px"
        await tab.screenshot("programs-search")
        assert tab.console_errors() == []
