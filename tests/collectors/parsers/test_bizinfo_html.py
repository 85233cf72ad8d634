"""bizinfo's public HTML pages, parsed from saved pages into API-shaped payloads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from paperwork.collectors.base import ItemError
from paperwork.collectors.parsers.bizinfo_html import parse_detail_page, parse_list_page

BASE = "https://www.bizinfo.go.kr"
FileLoader = Callable[[str], bytes]


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
