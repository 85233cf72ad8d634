"""bizinfo's pure parser on saved answers: the Open API's live and documented shapes, its
errors on HTTP 200, and one item (API- or HTML-derived) normalised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from paperwork.collectors.base import ItemError, RawItem, StructuralError
from paperwork.collectors.parsers.bizinfo import normalize_item, parse_api_response

BASE = "https://www.bizinfo.go.kr"
TODAY = dt.date(2026, 11, 26)
FileLoader = Callable[[str], bytes]


def _by_id(items: list[RawItem]) -> dict[str, RawItem]:
    return {item.external_id: item for item in items}


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
    assert [i.external_id for i in parse_api_response(live_single, BASE).items] == [
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
        parse_api_response(portal_file(name), BASE)


@pytest.mark.parametrize(
    "body", ['{"jsonArray": [{"pblancId": ', "<html>점검 중입니다</html>", '{"result": []}', "[]"]
)
def test_unusable_api_answers_are_structural_errors(body: str) -> None:
    with pytest.raises(StructuralError):
        parse_api_response(body, BASE)


@pytest.fixture
def live(portal_file: FileLoader) -> dict[str, RawItem]:
    return _by_id(parse_api_response(portal_file("bizinfo_api_live.json"), BASE).items)


def test_normalize_full_api_item(live: dict[str, RawItem]) -> None:
    program = normalize_item(live["PBLN_000000000117842"], today=TODAY, base_url=BASE)
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
    program = normalize_item(live["PBLN_000000000117790"], today=TODAY, base_url=BASE)
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
    program = normalize_item(live["PBLN_000000000117655"], today=TODAY, base_url=BASE)
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
    first = normalize_item(items["PBLN_000000000109001"], today=TODAY, base_url=BASE)
    assert first.application_period == "2026-12-01 ~ 2026-12-15"
    assert first.support_amount == "최대 3억원"
    tba = normalize_item(items["PBLN_000000000109002"], today=TODAY, base_url=BASE)
    assert (tba.period_kind, tba.application_status) == ("tba", None)
    assert tba.region == "부산"  # from the documented "hashTags" spelling
    assert tba.attachments == []


@pytest.mark.parametrize(
    "payload", [{"pblancNm": "제목만 있는 공고"}, {"pblancId": "PBLN_000000000000009"}]
)
def test_item_without_id_or_title_fails_alone(payload: dict[str, Any]) -> None:
    item = RawItem("bizinfo", str(payload.get("pblancId", "")), None, payload)
    with pytest.raises(ItemError):
        normalize_item(item, today=TODAY, base_url=BASE)
