from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from paperwork.collectors import collector_classes
from paperwork.collectors.base import CollectorSettings, ItemError, RawItem, StructuralError
from paperwork.collectors.kstartup import KStartupCollector, normalize_item, parse_api_response
from paperwork.collectors.kstartup_html import parse_detail_page, parse_list_page

SITE = "https://www.k-startup.go.kr"
TODAY = dt.date(2026, 11, 26)
FileLoader = Callable[[str], bytes]


@pytest.fixture
def page1(portal_file: FileLoader) -> dict[str, RawItem]:
    page = parse_api_response(portal_file("kstartup_api_page1.json"))
    return {item.external_id: item for item in page.items}


def test_api_page_uses_pbanc_sn_not_row_id(portal_file: FileLoader) -> None:
    page = parse_api_response(portal_file("kstartup_api_page1.json"))
    assert [i.external_id for i in page.items] == ["178662", "178701", "176120", "178590"]
    assert page.total == 104  # matchCount (after the recruiting filter), not totalCount


def test_normalize_full_item(page1: dict[str, RawItem]) -> None:
    program = normalize_item(page1["178662"], today=TODAY)
    assert program.title == "2026년도 방산 특화 창업중심대학 창업기업 모집 공고"
    assert program.implementing_agency == "중소벤처기업부 장관"
    assert program.application_period == "2026-11-20 ~ 2026-12-10"
    assert program.application_status == "접수중"
    assert (program.support_field, program.region) == ("사업화", "전국")
    assert program.target_audience == "일반기업 (업력 7년미만, 10년미만)"
    assert program.support_amount == "최대 1억원"
    assert program.required_documents == ["사업계획서 1부", "사업자등록증명원 1부"]
    assert program.evaluation_criteria == ["창업아이템의 방산 연계성", "사업화 역량"]
    assert program.detail_url == f"{SITE}/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=178662"


def test_normalize_empty_dates_entities_and_middle_dots(page1: dict[str, RawItem]) -> None:
    program = normalize_item(page1["178701"], today=TODAY)
    assert (program.apply_start, program.apply_end) == (None, None)
    assert (program.application_period, program.application_status) == (None, None)
    assert program.period_kind == "unknown"
    assert program.support_field == "시설ㆍ공간ㆍ보육, 기술개발(R&D)"
    assert program.title == "2026년 K-Global 액셀러레이터 육성ㆍ보육 프로그램 참가기업 모집"
    # "&amp;" in detl_pg_url is decoded
    assert program.detail_url == f"{SITE}/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=178701"
    assert program.description is not None and "R&D" in program.description


def test_normalize_one_sided_period_and_relative_url(page1: dict[str, RawItem]) -> None:
    program = normalize_item(page1["178590"], today=TODAY)
    assert program.application_period == "2026-12-01 ~"
    assert program.application_status == "접수예정"
    assert program.target_audience == "일반기업"
    assert program.detail_url == f"{SITE}/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=178590"


def test_item_without_pbanc_sn_fails_alone() -> None:
    item = RawItem("kstartup", "", None, {"id": 7, "biz_pbanc_nm": "제목"})
    with pytest.raises(ItemError):
        normalize_item(item, today=TODAY)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("kstartup_api_error.xml", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"),
        ("kstartup_api_nodata.json", "유효한 인증키가 아닙니다"),
    ],
)
def test_error_answers_are_structural(portal_file: FileLoader, name: str, message: str) -> None:
    with pytest.raises(StructuralError, match=message):
        parse_api_response(portal_file(name))


@pytest.mark.parametrize("body", ["<html><body>Unexpected errors</body></html>", '{"data": null}'])
def test_non_json_or_missing_data_is_structural(body: str) -> None:
    with pytest.raises(StructuralError):
        parse_api_response(body)


async def test_fetch_api_filters_recruiting_dedupes_and_sorts_newest_first(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        assert params["serviceKey"] == "TEST-KEY"
        assert params["returnType"] == "json"
        assert params["perPage"] == "100"
        assert params["cond[rcrt_prgs_yn::EQ]"] == "Y"
        return portal_response(f"kstartup_api_page{params['page']}.json")

    fetcher = make_fetcher(handler)
    settings = CollectorSettings(
        data_go_kr_key="TEST-KEY", kstartup_api_url="https://nidapi.example.test/announcements"
    )
    collector = KStartupCollector(fetcher, settings)
    items = [item async for item in collector.fetch()]
    # 176120 says rcrt_prgs_yn=N although we asked for Y: filtered here; 178662 is on both pages
    assert [i.external_id for i in items] == ["178810", "178701", "178662", "178590"]
    assert [str(url.host) for url, _ in fetcher.calls] == ["nidapi.example.test"] * 2

    fetcher2 = make_fetcher(handler)
    first_two = [i async for i in KStartupCollector(fetcher2, settings).fetch(max_items=2)]
    assert [i.external_id for i in first_two] == ["178810", "178701"]


async def test_fetch_api_gateway_error_fails_the_run(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("kstartup_api_error.xml"))
    collector = KStartupCollector(fetcher, CollectorSettings(data_go_kr_key="TEST-KEY"))
    with pytest.raises(StructuralError, match="SERVICE_KEY_IS_NOT_REGISTERED_ERROR"):
        [item async for item in collector.fetch()]


def test_list_page_skips_the_carousel(portal_file: FileLoader) -> None:
    rows = parse_list_page(portal_file("kstartup_list.html"), SITE)
    assert [r["pbanc_sn"] for r in rows] == [178662, 178640, 178633]  # not 170001
    first = rows[0]
    assert first["biz_pbanc_nm"] == "2026년도 방산 특화 창업중심대학 창업기업 모집 공고"
    assert (first["supt_biz_clsfc"], first["d_day"], first["sprv_inst"]) == (
        "사업화",
        "D-14",
        "공공기관",
    )
    assert (first["pbanc_rcpt_bgng_dt"], first["pbanc_rcpt_end_dt"]) == ("2026-11-20", "2026-12-10")
    assert first["inqr_cnt"] == 2315
    assert rows[2]["supt_biz_clsfc"] == "기술개발(R&D)"


def test_detail_page_records_download_links(portal_file: FileLoader) -> None:
    detail = parse_detail_page(portal_file("kstartup_detail.html"), SITE)
    assert detail["files"] == [
        {
            "name": "2026년도 방산 특화 창업중심대학 모집공고문.hwp",
            "url": f"{SITE}/afile/fileDownload/4bf2a1c9e07d4d2c",
        },
        {
            "name": "붙임1. 사업계획서 양식.hwp",
            "url": f"{SITE}/afile/fileDownload/9a0c77e35b1f4e88",
        },
    ]
    assert detail["supt_regin"] == "전국"
    assert "최대 1억원" in detail["pbanc_ctnt"]


def test_detail_page_without_content_is_an_item_error() -> None:
    with pytest.raises(ItemError):
        parse_detail_page("<html><body><p>점검 중</p></body></html>", SITE)


async def test_fetch_html_without_key(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/web/contents/bizpbanc-ongoing.do"
        if request.url.params.get("schM") == "view":
            if request.url.params["pbancSn"] == "178662":
                return portal_response("kstartup_detail.html")
            return httpx.Response(500)
        assert request.url.params["pbancEndYn"] == "N"
        return portal_response("kstartup_list.html")

    fetcher = make_fetcher(handler)
    collector = KStartupCollector(fetcher, CollectorSettings())
    items = [item async for item in collector.fetch()]
    assert [i.external_id for i in items] == ["178662", "178640", "178633"]
    assert all(html for _, html in fetcher.calls)
    assert not any("/afile/" in str(url) for url, _ in fetcher.calls)  # links recorded, not fetched

    full = collector.normalize(items[0], today=TODAY)
    assert [a["url"] for a in full.attachments] == [
        f"{SITE}/afile/fileDownload/4bf2a1c9e07d4d2c",
        f"{SITE}/afile/fileDownload/9a0c77e35b1f4e88",
    ]
    assert full.support_amount == "최대 1억원"
    assert full.application_status == "접수중"
    assert full.view_count == 2315

    closed = collector.normalize(items[1], today=dt.date(2026, 11, 30))
    assert closed.application_status == "마감"
    assert "detail_error" in items[1].payload  # its detail page answered 500


async def test_fetch_html_list_without_marker_fails_loudly(
    make_fetcher: Callable[..., Any], portal_response: Callable[..., httpx.Response]
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("bizinfo_list_restructured.html"))
    with pytest.raises(StructuralError, match="structure changed"):
        [item async for item in KStartupCollector(fetcher, CollectorSettings()).fetch()]


def test_registry_finds_the_collector() -> None:
    assert collector_classes()["kstartup"] is KStartupCollector
