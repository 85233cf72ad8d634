"""bizinfo's source over saved answers served by ``httpx.MockTransport``: API paging, the cap,
and the HTML fallback's list → detail walk (a failing detail page costs one item its body)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from paperwork.collectors.base import CollectorSettings, RawItem, StructuralError
from paperwork.collectors.parsers.bizinfo import BizinfoParser
from paperwork.collectors.sources.bizinfo import BizinfoSource

BASE = "https://www.bizinfo.go.kr"
TODAY = dt.date(2026, 11, 26)
PARSER = BizinfoParser(BASE)
SettingsMaker = Callable[..., CollectorSettings]


def _by_id(items: list[RawItem]) -> dict[str, RawItem]:
    return {item.external_id: item for item in items}


async def test_fetch_api_pages_until_total_and_dedupes(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/uss/rss/bizinfoApi.do"
        assert request.url.params["crtfcKey"] == "TEST-KEY"
        assert request.url.params["dataType"] == "json"
        assert request.url.params["pageUnit"] == "100"
        page = request.url.params["pageIndex"]
        return portal_response(
            {"1": "bizinfo_api_live.json", "2": "bizinfo_api_live_page2.json"}[page]
        )

    fetcher = make_fetcher(handler)
    source = BizinfoSource(fetcher, portal_settings(bizinfo_api_key="TEST-KEY"))
    items = [item async for item in source.fetch()]
    assert [i.external_id for i in items] == [
        "PBLN_000000000117842",
        "PBLN_000000000117790",
        "PBLN_000000000117655",  # on both pages: yielded once
        "PBLN_000000000117501",
    ]
    assert len(fetcher.calls) == 2  # totCnt 150 → 2 pages of 100


async def test_fetch_api_max_items_stops_paging(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("bizinfo_api_live.json"))
    source = BizinfoSource(fetcher, portal_settings(bizinfo_api_key="TEST-KEY"))
    items = [item async for item in source.fetch(max_items=2)]
    assert len(items) == 2
    assert len(fetcher.calls) == 1


async def test_fetch_api_bad_key_fails_the_run(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("bizinfo_api_reqerr_invalid.json"))
    source = BizinfoSource(fetcher, portal_settings(bizinfo_api_key="WRONG-KEY"))
    with pytest.raises(StructuralError, match="존재하지 않는 인증키"):
        [item async for item in source.fetch()]


async def test_fetch_html_without_key_reads_list_and_details(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    details = {
        "PBLN_000000000117901": ("bizinfo_detail.html", 200),
        "PBLN_000000000117899": ("bizinfo_detail_truncated.html", 200),
        "PBLN_000000000117893": ("bizinfo_detail.html", 404),
        "PBLN_000000000117880": ("bizinfo_detail.html", 503),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/sii/siia/selectSIIA200View.do":
            assert request.url.params["cpage"] == "1"
            assert request.url.params["schEndAt"] == "N"
            return portal_response("bizinfo_list.html")
        assert request.url.path == "/sii/siia/selectSIIA200Detail.do"
        name, status = details[request.url.params["pblancId"]]
        return portal_response(name, status)

    fetcher = make_fetcher(handler)
    source = BizinfoSource(fetcher, portal_settings())
    items = [item async for item in source.fetch()]
    assert all(html for _, html in fetcher.calls)  # every page went through the HTML path
    assert len(fetcher.calls) == 5  # 4 rows < 15: no second list page
    by_id = _by_id(items)
    assert list(by_id) == list(details)

    full = PARSER.normalize(by_id["PBLN_000000000117901"], today=TODAY)
    assert full.title == "2026년 중소기업 R&D 기획지원사업 참여기업 모집공고"
    assert full.application_status == "접수중"
    assert full.target_audience == "기업부설연구소를 보유한 중소기업"
    assert full.support_amount == "최대 3천만원"
    assert full.required_documents == [
        "사업신청서 1부",
        "기업부설연구소 인정서 사본 1부",
        "중소기업 확인서 1부",
    ]
    assert full.evaluation_criteria == [
        "기획 필요성 (30점)",
        "기술개발 역량 (40점)",
        "사업화 가능성 (30점)",
    ]
    assert [a["name"] for a in full.attachments] == [
        "2026년 R&D 기획지원사업 공고문.hwp",
        "붙임1. 사업신청서 서식.hwpx",
    ]
    assert full.view_count == 312

    # a broken, deleted or unreachable detail page leaves the list row usable
    for pblanc_id in ("PBLN_000000000117899", "PBLN_000000000117893", "PBLN_000000000117880"):
        assert "detail_error" in by_id[pblanc_id].payload
    partial = PARSER.normalize(by_id["PBLN_000000000117899"], today=TODAY)
    assert partial.title == "[충북] 2026년 중소기업 육성자금(경영안정자금) 4차 지원계획 공고"
    assert (partial.period_kind, partial.application_status) == ("until_budget", "상시")
    assert (partial.region, partial.implementing_agency) == ("충북", "충북기업진흥원")
    assert partial.view_count == 1204


@pytest.mark.parametrize("name", ["bizinfo_list_empty.html", "bizinfo_list_restructured.html"])
async def test_fetch_html_first_page_without_rows_fails_loudly(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
    name: str,
) -> None:
    fetcher = make_fetcher(lambda request: portal_response(name))
    source = BizinfoSource(fetcher, portal_settings())
    with pytest.raises(StructuralError, match="structure changed"):
        [item async for item in source.fetch()]
