"""K-Startup's public HTML pages, parsed from saved pages into API-shaped payloads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from paperwork.collectors.base import ItemError
from paperwork.collectors.parsers.kstartup_html import parse_detail_page, parse_list_page

SITE = "https://www.k-startup.go.kr"
FileLoader = Callable[[str], bytes]


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
