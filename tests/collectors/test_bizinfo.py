from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from paperwork.collectors import PORTAL_NAMES, collector_classes
from paperwork.collectors.base import CollectorSettings, ItemError, RawItem, StructuralError
from paperwork.collectors.bizinfo import BizinfoCollector, normalize_item, parse_api_response
from paperwork.collectors.bizinfo_html import parse_detail_page, parse_list_page

BASE = "https://www.bizinfo.go.kr"
TODAY = dt.date(2026, 11, 26)
FileLoader = Callable[[str], bytes]


def _by_id(items: list[RawItem]) -> dict[str, RawItem]:
    return {item.external_id: item for item in items}


# --- API answers ---------------------------------------------------------------------------


def test_live_api_shape(portal_file: FileLoader) -> None:
    page = parse_api_response(portal_file("bizinfo_api_live.json"), BASE)
    assert [i.external_id for i in page.items] == [
        "PBLN_000000000117842",
        "PBLN_000000000117790",
        "PBLN_000000000117655",
    ]
    assert page.total == 150  # live answers repeat totCnt inside every item
    # a relative pblancUrl is made absolute
    assert page.items[0].url == (
        f"{BASE}/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_000000000117842"
    )


def test_documented_api_shape(portal_file: FileLoader) -> None:
    page = parse_api_response(portal_file("bizinfo_api_documented.json"), BASE)
    assert [i.external_id for i in page.items] == ["PBLN_000000000109001", "PBLN_000000000109002"]
    assert page.total is None


def test_single_item_object_where_a_list_is_expected(portal_file: FileLoader) -> None:
    page = parse_api_response(portal_file("bizinfo_api_single.json"), BASE)
    assert [i.external_id for i in page.items] == ["PBLN_000000000109100"]
    live_single = '{"jsonArray": {"pblancId": "PBLN_000000000000001", "pblancNm": "공고"}}'
    assert [i.external_id for i in parse_api_response(live_single).items] == [
        "PBLN_000000000000001"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bizinfo_api_reqerr_missing.json", "인증키를 입력해주세요."),
        ("bizinfo_api_reqerr_invalid.json", "존재하지 않는 인증키 입니다."),
    ],
)
def test_reqerr_on_http_200_is_an_error(portal_file: FileLoader, name: str, message: str) -> None:
    with pytest.raises(StructuralError, match=message):
        parse_api_response(portal_file(name))


@pytest.mark.parametrize(
    "body", ['{"jsonArray": [{"pblancId": ', "<html>점검 중입니다</html>", '{"result": []}', "[]"]
)
def test_unusable_api_answers_are_structural_errors(body: str) -> None:
    with pytest.raises(StructuralError):
        parse_api_response(body)


# --- normalising API items -----------------------------------------------------------------


@pytest.fixture
def live(portal_file: FileLoader) -> dict[str, RawItem]:
    return _by_id(parse_api_response(portal_file("bizinfo_api_live.json"), BASE).items)


def test_normalize_full_api_item(live: dict[str, RawItem]) -> None:
    program = normalize_item(live["PBLN_000000000117842"], today=TODAY)
    assert program.title == "2026년 중소기업 기술혁신개발사업(시장확대형) 2차 시행계획 공고"
    assert program.implementing_agency == "중소기업기술정보진흥원"
    assert program.application_period == "2026-11-20 ~ 2026-12-10"
    assert (program.apply_start, program.apply_end) == (
        dt.date(2026, 11, 20),
        dt.date(2026, 12, 10),
    )
    assert program.application_status == "접수중"
    assert program.support_field == "기술"
    assert program.support_amount == "최대 5억원"
    assert program.region == "전국"  # no province among the hashtags
    assert program.target_audience == "중소기업"
    assert program.description is not None and "<p>" not in program.description
    assert program.required_documents == [
        "사업계획서 1부",
        "중소기업 확인서 1부",
        "최근 3년 재무제표",
    ]
    assert program.evaluation_criteria == ["기술성 (40점)", "사업성 (40점)", "수행역량 (20점)"]
    # the notice file first, then the @-joined attachments in their order
    assert program.attachments == [
        {
            "name": "2026년 시장확대형 2차 시행계획 공고문.hwp",
            "url": f"{BASE}/cmm/fms/getImageFile.do?atchFileId=FILE_000000000812301&fileSn=0",
        },
        {
            "name": "붙임1. 사업계획서 양식.hwp",
            "url": f"{BASE}/cmm/fms/getImageFile.do?atchFileId=FILE_000000000812302&fileSn=1",
        },
        {
            "name": "붙임2. 평가지표.pdf",
            "url": f"{BASE}/cmm/fms/getImageFile.do?atchFileId=FILE_000000000812302&fileSn=2",
        },
    ]
    assert program.view_count == 1532
    assert program.detail_url == live["PBLN_000000000117842"].url


def test_normalize_budget_item_with_escaped_html_and_agency_kind(live: dict[str, RawItem]) -> None:
    program = normalize_item(live["PBLN_000000000117790"], today=TODAY)
    assert program.implementing_agency == "경기도"  # "기초자치단체" is a kind, not a name
    assert program.period_kind == "until_budget"
    assert program.application_period == "예산 소진시까지"
    assert program.application_status == "상시"
    assert program.apply_end is None
    assert program.region == "경기"
    assert program.description is not None and "&lt;" not in program.description
    assert program.support_amount == "최대 2백만원"
    assert program.view_count == 884


def test_normalize_documented_dates_double_escapes_and_old_urls(live: dict[str, RawItem]) -> None:
    program = normalize_item(live["PBLN_000000000117655"], today=TODAY)
    assert program.title == "2026년 글로벌 R&D 협력 지원사업 참여기업 모집"
    assert program.application_period == "2026-12-01 ~ 2026-12-31"
    assert program.application_status == "접수예정"
    assert program.region == "서울, 부산"
    assert program.detail_url is not None and "/web/lay1/bbs/S1T122C128/AS/74/view.do" in (
        program.detail_url
    )
    assert program.attachments[0]["url"].endswith("atchFileId=FILE_000000000811700&fileSn=0")


def test_normalize_documented_shape_two_digit_years_and_tba(portal_file: FileLoader) -> None:
    items = _by_id(parse_api_response(portal_file("bizinfo_api_documented.json"), BASE).items)
    first = normalize_item(items["PBLN_000000000109001"], today=TODAY)
    assert first.application_period == "2026-12-01 ~ 2026-12-15"
    assert first.support_amount == "최대 3억원"
    tba = normalize_item(items["PBLN_000000000109002"], today=TODAY)
    assert (tba.period_kind, tba.application_status) == ("tba", None)
    assert tba.region == "부산"  # from the documented "hashTags" spelling
    assert tba.attachments == []


@pytest.mark.parametrize(
    "payload", [{"pblancNm": "제목만 있는 공고"}, {"pblancId": "PBLN_000000000000009"}]
)
def test_item_without_id_or_title_fails_alone(payload: dict[str, Any]) -> None:
    item = RawItem("bizinfo", str(payload.get("pblancId", "")), None, payload)
    with pytest.raises(ItemError):
        normalize_item(item, today=TODAY)


# --- HTML pages ----------------------------------------------------------------------------


def test_list_page_rows(portal_file: FileLoader) -> None:
    rows = parse_list_page(portal_file("bizinfo_list.html"), BASE)
    assert [r["pblancId"] for r in rows] == [
        "PBLN_000000000117901",
        "PBLN_000000000117899",
        "PBLN_000000000117893",
        "PBLN_000000000117880",
    ]
    first = rows[0]
    assert first["pblancNm"] == "2026년 중소기업 R&D 기획지원사업 참여기업 모집공고"
    assert first["reqstBeginEndDe"] == "2026-11-24 ~ 2026-12-15"
    assert (first["jrsdInsttNm"], first["excInsttNm"]) == (
        "중소벤처기업부",
        "중소기업기술정보진흥원",
    )
    assert first["pldirSportRealmLclasCodeNm"] == "기술"
    assert first["pblancUrl"].startswith(f"{BASE}/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_")
    assert rows[1]["inqireCo"] == "1,204"


@pytest.mark.parametrize("name", ["bizinfo_list_empty.html", "bizinfo_list_restructured.html"])
def test_list_page_without_rows(portal_file: FileLoader, name: str) -> None:
    assert parse_list_page(portal_file(name), BASE) == []


def test_detail_page_fields_and_attachment_links(portal_file: FileLoader) -> None:
    detail = parse_detail_page(portal_file("bizinfo_detail.html"), BASE)
    assert detail["trgetNm"] == "기업부설연구소를 보유한 중소기업"
    assert detail["files"] == [
        {
            "name": "2026년 R&D 기획지원사업 공고문.hwp",
            "url": f"{BASE}/cmm/fms/getImageFile.do?atchFileId=FILE_000000000813001&fileSn=0",
        },
        {
            "name": "붙임1. 사업신청서 서식.hwpx",
            "url": f"{BASE}/cmm/fms/getImageFile.do?atchFileId=FILE_000000000813001&fileSn=1",
        },
    ]


def test_truncated_detail_page_is_an_item_error(portal_file: FileLoader) -> None:
    with pytest.raises(ItemError):
        parse_detail_page(portal_file("bizinfo_detail_truncated.html"), BASE)


# --- fetch loops ---------------------------------------------------------------------------


async def test_fetch_api_pages_until_total_and_dedupes(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
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
    collector = BizinfoCollector(fetcher, CollectorSettings(bizinfo_api_key="TEST-KEY"))
    items = [item async for item in collector.fetch()]
    assert [i.external_id for i in items] == [
        "PBLN_000000000117842",
        "PBLN_000000000117790",
        "PBLN_000000000117655",  # on both pages: yielded once
        "PBLN_000000000117501",
    ]
    assert len(fetcher.calls) == 2  # totCnt 150 → 2 pages of 100


async def test_fetch_api_max_items_stops_paging(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("bizinfo_api_live.json"))
    collector = BizinfoCollector(fetcher, CollectorSettings(bizinfo_api_key="TEST-KEY"))
    items = [item async for item in collector.fetch(max_items=2)]
    assert len(items) == 2
    assert len(fetcher.calls) == 1


async def test_fetch_api_bad_key_fails_the_run(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("bizinfo_api_reqerr_invalid.json"))
    collector = BizinfoCollector(fetcher, CollectorSettings(bizinfo_api_key="WRONG-KEY"))
    with pytest.raises(StructuralError, match="존재하지 않는 인증키"):
        [item async for item in collector.fetch()]


async def test_fetch_html_without_key_reads_list_and_details(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
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
    collector = BizinfoCollector(fetcher, CollectorSettings())
    items = [item async for item in collector.fetch()]
    assert all(html for _, html in fetcher.calls)  # every page went through the HTML path
    assert len(fetcher.calls) == 5  # 4 rows < 15: no second list page
    by_id = _by_id(items)
    assert list(by_id) == list(details)

    full = collector.normalize(by_id["PBLN_000000000117901"], today=TODAY)
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
    partial = collector.normalize(by_id["PBLN_000000000117899"], today=TODAY)
    assert partial.title == "[충북] 2026년 중소기업 육성자금(경영안정자금) 4차 지원계획 공고"
    assert (partial.period_kind, partial.application_status) == ("until_budget", "상시")
    assert (partial.region, partial.implementing_agency) == ("충북", "충북기업진흥원")
    assert partial.view_count == 1204


@pytest.mark.parametrize("name", ["bizinfo_list_empty.html", "bizinfo_list_restructured.html"])
async def test_fetch_html_first_page_without_rows_fails_loudly(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response], name: str
) -> None:
    fetcher = make_fetcher(lambda request: portal_response(name))
    collector = BizinfoCollector(fetcher, CollectorSettings())
    with pytest.raises(StructuralError, match="structure changed"):
        [item async for item in collector.fetch()]


def test_registry_finds_the_collector() -> None:
    assert collector_classes()["bizinfo"] is BizinfoCollector
    assert set(collector_classes()) == set(PORTAL_NAMES) == {"bizinfo", "kstartup", "mss"}
    assert PORTAL_NAMES["bizinfo"] == "정부지원사업통합정보시스템"
