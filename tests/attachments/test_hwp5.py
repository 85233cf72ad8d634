"""HWP 5 text: paragraphs and tables out, controls skipped, locked files refused, damaged and
bomb files failed with a reason."""

from __future__ import annotations

import io
import re

import olefile
import pytest

from attachment_files import (
    compound_file,
    hwp5_bomb,
    hwp5_file,
    hwp5_from_sections,
    hwp_table,
)
from paperwork.attachments.formats import Malformed, Unsupported
from paperwork.attachments.hwp5 import hwp5_text

NOTICE = ["공고 제2025-17호\t중소벤처기업부", "신청은 {온라인}으로 합니다.\n문의: ☎ 1357"]
TABLE = [["구분", "내용"], ["지원대상", "업력 1년 이상 소상공인"], ["지원금액", "최대 500만원"]]


def _long_notice() -> list[str]:
    """Enough varied text that even deflated the body is a big stream of its own."""
    return [f"{n}. 세부 지원 내용 {n * 7919 % 10007}번 항목을 확인하십시오." for n in range(600)]


def test_the_writer_makes_a_compound_file_olefile_reads() -> None:
    small, big = b"\x01" * 100, bytes(range(256)) * 40  # mini stream and regular sectors
    streams = {"FileHeader": small, "BodyText/Section0": big, "BodyText/Section1": b"", "A": b"a"}
    with olefile.OleFileIO(io.BytesIO(compound_file(streams))) as ole:
        assert sorted("/".join(path) for path in ole.listdir()) == sorted(streams)
        for path, data in streams.items():
            assert ole.openstream(path).read() == data


@pytest.mark.parametrize("compressed", [True, False], ids=["compressed", "uncompressed"])
def test_paragraphs_and_the_table_come_out_in_order(compressed: bool) -> None:
    text = hwp5_text(hwp5_file(NOTICE, TABLE, compressed=compressed))
    assert text.splitlines() == [
        "공고 제2025-17호\t중소벤처기업부",
        "",  # the paragraph that holds the table has no text of its own
        "구분\t내용",
        "지원대상\t업력 1년 이상 소상공인",
        "지원금액\t최대 500만원",
        "신청은 온라인으로 합니다.",
        "문의: ☎ 1357",
    ]


def test_controls_inside_the_text_leave_nothing_behind() -> None:
    # The first paragraph starts with the section and column definitions (8 code units each,
    # their ids "secd" and "cold" inside); the second has a hyperlink field and a tab.
    text = hwp5_text(hwp5_file(["본문", "앞\t{링크}뒤"]))
    assert text == "본문\n앞\t링크뒤"
    assert not any(ord(char) < 32 and char not in "\t\n" for char in text)


def test_a_table_inside_a_cell_stays_inside_that_cell() -> None:
    inner = hwp_table([["세부", "항목"]], level=2)
    text = hwp5_text(hwp5_file(["표"], [["바깥", inner], ["끝", "행"]]))
    assert text.splitlines()[-2:] == ["바깥\t세부 항목", "끝\t행"]


def test_a_paragraph_longer_than_a_short_record_comes_out_whole() -> None:
    # Over 4095 bytes the record's size moves out of its header into the next four bytes.
    long_paragraph = "지원" * 3000
    assert hwp5_text(hwp5_file(["제목", long_paragraph])) == f"제목\n{long_paragraph}"


def test_sections_are_read_in_numeric_order() -> None:
    more = [[f"구역 {n}"] for n in range(1, 12)]
    lines = hwp5_text(hwp5_file(["구역 0"], more_sections=more)).splitlines()
    assert lines == [f"구역 {n}" for n in range(12)]  # Section10 after Section9, not Section1


def test_reading_stops_soon_after_the_text_limit() -> None:
    text = hwp5_text(hwp5_file(_long_notice()), max_chars=1000)
    assert 1000 <= len(text) < 1100


@pytest.mark.parametrize(
    ("distributable", "password", "reason"),
    [
        (True, False, "distributable (배포용) HWP: its text is encrypted"),
        (False, True, "password-protected HWP"),
    ],
)
def test_locked_files_are_unsupported(distributable: bool, password: bool, reason: str) -> None:
    data = hwp5_file(NOTICE, distributable=distributable, password=password)
    with pytest.raises(Unsupported, match=re.escape(reason)):
        hwp5_text(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (hwp5_file(NOTICE), "FileHeader is cut short"),  # all in the mini stream, cut off
        (hwp5_file(_long_notice(), compressed=False), "BodyText/Section0 is cut short"),
    ],
    ids=["short", "long"],
)
def test_a_file_cut_in_half_fails_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(Malformed, match=re.escape(reason)):
        hwp5_text(data[: len(data) // 2])


def test_a_file_cut_before_its_directory_is_not_an_ole_file() -> None:
    data = hwp5_file(NOTICE)
    with pytest.raises(Malformed, match="not a readable OLE compound file"):
        hwp5_text(data[:700])


def test_a_section_that_inflates_past_the_limit_fails_without_inflating_it() -> None:
    with pytest.raises(Malformed, match=r"^too large when decompressed$"):
        hwp5_text(hwp5_bomb())


def test_a_section_that_is_not_deflate_data_fails() -> None:
    data = hwp5_from_sections([b""], deflated=[b"\xff\xfe this is no deflate stream" * 10])
    with pytest.raises(Malformed, match="BodyText/Section0 is not valid deflate data"):
        hwp5_text(data)


def test_an_ole_file_without_a_body_fails() -> None:
    header = b"HWP Document File".ljust(36, b"\x00") + b"\x01\x00\x00\x00"
    with pytest.raises(Malformed, match="no BodyText sections"):
        hwp5_text(compound_file({"FileHeader": header.ljust(256, b"\x00")}))
