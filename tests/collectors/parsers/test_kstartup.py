"""K-Startup's pure parser on saved answers: the data.go.kr API page (``pbanc_sn``, not the row
id), its errors, and one item normalised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from paperwork.collectors.base import ItemError, RawItem, StructuralError
from paperwork.collectors.parsers.kstartup import normalize_item, parse_api_response

SITE = "https://www.k-startup.go.kr"
TODAY = dt.date(2026, 11, 26)
FileLoader = Callable[[str], bytes]


@pytest.fixture
def page1(portal_file: FileLoader) -> dict[str, RawItem]:
    page = parse_api_response(portal_file("kstartup_api_page1.json"), SITE)
    return {item.external_id: item for item in page.items}


def test_api_page_uses_pbanc_sn_not_row_id(portal_file: FileLoader) -> None:
    page = parse_api_response(portal_file("kstartup_api_page1.json"), SITE)
    assert [i.external_id for i in page.items] == ["178662", "178701", "176120", "178590"]
    assert page.total == 104  # matchCount (after the recruiting filter), not totalCount


def test_normalize_full_item(page1: dict[str, RawItem]) -> None:
    program = normalize_item(page1["178662"], today=TODAY, site_url=SITE)
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
    program = normalize_item(page1["178701"], today=TODAY, site_url=SITE)
    assert (program.apply_start, program.apply_end) == (None, None)
    assert (program.application_period, program.application_status) == (None, None)
    assert program.period_kind == "unknown"
    assert program.support_field == "시설ㆍ공간ㆍ보육, 기술개발(R&D)"
    assert program.title == "2026년 K-Global 액셀러레이터 육성ㆍ보육 프로그램 참가기업 모집"
    # "&amp;" in detl_pg_url is decoded
    assert program.detail_url == f"{SITE}/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=178701"
    assert program.description is not None and "R&D" in program.description


def test_normalize_one_sided_period_and_relative_url(page1: dict[str, RawItem]) -> None:
    program = normalize_item(page1["178590"], today=TODAY, site_url=SITE)
    assert program.application_period == "2026-12-01 ~"
    assert program.application_status == "접수예정"
    assert program.target_audience == "일반기업"
    assert program.detail_url == f"{SITE}/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn=178590"


def test_item_without_pbanc_sn_fails_alone() -> None:
    item = RawItem("kstartup", "", None, {"id": 7, "biz_pbanc_nm": "제목"})
    with pytest.raises(ItemError):
        normalize_item(item, today=TODAY, site_url=SITE)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("kstartup_api_error.xml", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"),
        ("kstartup_api_nodata.json", "유효한 인증키가 아닙니다"),
    ],
)
def test_error_answers_are_structural(portal_file: FileLoader, name: str, message: str) -> None:
    with pytest.raises(StructuralError, match=message):
        parse_api_response(portal_file(name), SITE)


@pytest.mark.parametrize("body", ["<html><body>Unexpected errors</body></html>", '{"data": null}'])
def test_non_json_or_missing_data_is_structural(body: str) -> None:
    with pytest.raises(StructuralError):
        parse_api_response(body, SITE)
