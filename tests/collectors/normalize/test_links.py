"""Absolute URLs and attachment lists."""

from __future__ import annotations

import pytest

from paperwork.collectors.normalize.links import (
    absolute_url,
    attachments_from_joined,
    dedupe_attachments,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("www.nipa.kr/home/2-2?tab=1", "https://www.nipa.kr/home/2-2?tab=1"),
        ("/cmm/fms/getImageFile.do?atchFileId=F1&amp;fileSn=1",
         "https://www.bizinfo.go.kr/cmm/fms/getImageFile.do?atchFileId=F1&fileSn=1"),
        ("https://a.go.kr/view.do?a=1&amp;amp;b=2", "https://a.go.kr/view.do?a=1&b=2"),
        ("//www.k-startup.go.kr/x", "https://www.k-startup.go.kr/x"),
        ("selectSIIA200Detail.do?pblancId=PBLN_1",
         "https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=PBLN_1"),
        ("javascript:go_view(1);", None),
        ("null", None),
        ("", None),
        (None, None),
    ],
)  # fmt: skip
def test_absolute_url(url: str | None, expected: str | None) -> None:
    assert absolute_url(url, "https://www.bizinfo.go.kr/sii/siia/list.do") == expected


def test_joined_attachments_zip_in_order_and_dedupe() -> None:
    pairs = attachments_from_joined("공고문.hwp@서식.hwp", "/f?id=1&sn=1@/f?id=1&sn=2")
    assert pairs == [("공고문.hwp", "/f?id=1&sn=1"), ("서식.hwp", "/f?id=1&sn=2")]
    files = dedupe_attachments(
        [("공고문.pdf", "/f?id=0"), *pairs, ("중복", "/f?id=1&sn=1"), (None, "/f?id=9")],
        "https://www.bizinfo.go.kr",
    )
    assert [f["name"] for f in files] == ["공고문.pdf", "공고문.hwp", "서식.hwp", "첨부파일 4"]
    assert files[1]["url"] == "https://www.bizinfo.go.kr/f?id=1&sn=1"


def test_joined_attachments_keep_url_without_name() -> None:
    assert attachments_from_joined("a.hwp", "/1@/2") == [("a.hwp", "/1"), (None, "/2")]
    assert attachments_from_joined("", "") == []
