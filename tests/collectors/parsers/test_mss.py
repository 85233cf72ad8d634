"""mss' pure parser on saved XML answers: items and total, repeated file elements, the
gateway's and the API's errors, entity expansion refused, and one item normalised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from paperwork.collectors.base import ItemError, RawItem, StructuralError
from paperwork.collectors.parsers.mss import normalize_item, parse_api_response

TODAY = dt.date(2026, 11, 26)
FileLoader = Callable[[str], bytes]


@pytest.fixture
def items(portal_file: FileLoader) -> dict[str, RawItem]:
    page = parse_api_response(portal_file("mss_list.xml"))
    return {item.external_id: item for item in page.items}


def test_page_items_and_total(portal_file: FileLoader) -> None:
    page = parse_api_response(portal_file("mss_list.xml"))
    assert [i.external_id for i in page.items] == ["1052874", "1052790", "1052611"]
    assert page.total == 3
    assert (
        page.items[0].url
        == "https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=310&bcIdx=1052874"
    )


def test_one_file_repeated_files_and_none(items: dict[str, RawItem]) -> None:
    one = normalize_item(items["1052874"], today=TODAY)
    assert one.attachments == [
        {
            "name": "2026년 탄소중립 전환 지원사업 공고문.hwp",
            "url": "https://www.mss.go.kr/common/board/Download.do?bcIdx=1052874&cbIdx=310"
            "&streFileNm=a1b2c3.hwp",
        }
    ]
    two = normalize_item(items["1052790"], today=TODAY)
    assert [a["name"] for a in two.attachments] == ["추가공모 공고문.pdf", "붙임. 신청서 서식.hwp"]
    assert two.attachments[1]["url"].endswith("streFileNm=f6a7.hwp")
    assert normalize_item(items["1052611"], today=TODAY).attachments == []


def test_normalize_fields_and_status(items: dict[str, RawItem]) -> None:
    program = normalize_item(items["1052874"], today=TODAY)
    assert program.title == "2026년 중소기업 탄소중립 전환 지원사업 참여기업 모집 공고"
    assert program.implementing_agency == "중소벤처기업부"
    assert program.application_period == "2026-11-23 ~ 2026-12-19"
    assert program.application_status == "접수중"
    assert program.support_amount == "최대 2억원"
    assert program.required_documents == ["사업계획서", "탄소배출량 산정 자료"]
    assert program.description is not None and "<p>" not in program.description
    assert program.region is None  # the API has no region and the title names none

    regional = normalize_item(items["1052790"], today=TODAY)
    assert regional.application_status == "접수예정"
    assert regional.region == "경남"
    assert regional.evaluation_criteria == ["기술성", "사업성"]
    assert regional.description is not None and "R&D" in regional.description

    assert normalize_item(items["1052611"], today=TODAY).application_status == "마감"


def test_item_without_title_fails_alone() -> None:
    item = RawItem("mss", "1", None, {"itemId": "1", "title": None, "fileName": [], "fileUrl": []})
    with pytest.raises(ItemError):
        normalize_item(item, today=TODAY)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("mss_error.xml", "resultCode 22: LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"),
        ("mss_malformed.xml", "malformed XML"),
        ("kstartup_api_error.xml", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"),  # same gateway
    ],
)
def test_broken_answers_are_structural(portal_file: FileLoader, name: str, message: str) -> None:
    with pytest.raises(StructuralError, match=message):
        parse_api_response(portal_file(name))


def test_entity_expansion_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<response><header><resultCode>00</resultCode></header><body>&b;</body></response>"
    )
    with pytest.raises(StructuralError):
        parse_api_response(bomb)
