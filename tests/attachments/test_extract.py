"""What ``extract`` records for each kind of file: the status, the text as stored, the reason."""

from __future__ import annotations

import unicodedata

import pytest

from attachment_files import (
    compound_file,
    hwp5_file,
    pdf_file_korean,
    pdf_image_only,
    sample_files,
    zip_bomb_hwpx,
)
from paperwork.attachments import extract as extraction
from paperwork.attachments import sniff as media
from paperwork.attachments.extract import MAX_FILE_BYTES, MAX_TEXT_CHARS, Extraction, extract, tidy
from paperwork.vocabulary import ExtractionStatus

NOTICE_TEXT = "2025년 창업지원 공고\n\n구분\t내용\n기간\t상시"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("notice.hwp", media.HWP), ("notice.hwpx", media.HWPX), ("notice.pdf", media.PDF)],
)
def test_each_format_we_read_gives_its_text(name: str, media_type: str) -> None:
    result = extract(sample_files()[name])
    assert result.status == ExtractionStatus.extracted
    assert result.error is None and result.media_type == media_type
    assert "창업지원 공고" in result.text or "지원사업 공고" in result.text


def test_hwp_and_hwpx_of_the_same_document_give_the_same_text() -> None:
    files = sample_files()
    assert extract(files["notice.hwp"]).text == NOTICE_TEXT
    assert extract(files["notice.hwpx"]).text == NOTICE_TEXT


def test_plain_text_is_read_as_utf8() -> None:
    result = extract("\ufeff공고문\r\n본문".encode())
    assert result == Extraction(ExtractionStatus.extracted, "공고문\n본문", None, media.TEXT)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(40), media.PNG),
        (b"\xff\xd8\xff\xe0" + bytes(40), media.JPEG),
        (compound_file({"WordDocument": bytes(5000)}), media.OLE),
        (bytes(range(256)), media.BINARY),
    ],
    ids=["png", "jpeg", "doc", "binary"],
)
def test_formats_we_do_not_read_are_unsupported_and_named(data: bytes, media_type: str) -> None:
    assert extract(data) == Extraction(
        ExtractionStatus.unsupported, "", f"not a format we read: {media_type}", media_type
    )


def test_locked_hwp_is_unsupported_with_the_reason() -> None:
    result = extract(hwp5_file(["공고"], distributable=True))
    assert result.status == ExtractionStatus.unsupported
    assert result.error == "distributable (배포용) HWP: its text is encrypted"


def test_a_scanned_pdf_needs_ocr() -> None:
    result = extract(pdf_image_only())
    assert (result.status, result.text) == (ExtractionStatus.needs_ocr, "")
    assert result.error == "the pages have no text layer (scanned images?)"


def test_a_zip_bomb_fails_with_the_reason() -> None:
    result = extract(zip_bomb_hwpx())
    assert (result.status, result.error) == (ExtractionStatus.failed, "too large when decompressed")


def test_a_damaged_hwp_fails_rather_than_passing_for_another_format() -> None:
    data = hwp5_file(["공고"])
    result = extract(data[:700])  # the header survives, the directory does not
    assert result.status == ExtractionStatus.failed
    assert result.error is not None and "not a readable OLE compound file" in result.error


def test_a_file_over_20_mb_fails_without_being_read() -> None:
    data = pdf_file_korean() + bytes(MAX_FILE_BYTES)
    assert extract(data) == Extraction(ExtractionStatus.failed, "", "larger than 20 MB", media.PDF)


def test_a_reader_tripping_over_a_file_fails_that_file_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def trips(data: bytes) -> str:
        raise KeyError("/Font")

    monkeypatch.setitem(extraction._READERS, media.PDF, trips)
    result = extract(pdf_file_korean())
    assert result.status == ExtractionStatus.failed
    assert result.error == "unexpected KeyError: '/Font'"


def test_text_past_the_limit_is_cut() -> None:
    result = extract(("가" * 99 + "\n").encode() * 6000)
    assert result.status == ExtractionStatus.extracted and len(result.text) == MAX_TEXT_CHARS


def test_text_is_stored_composed_without_nuls_and_with_at_most_one_blank_line() -> None:
    decomposed = unicodedata.normalize("NFD", "한글 공고")
    assert decomposed != "한글 공고"
    raw = f"  \n{decomposed}\x00   \r\n\n \t\n\u3000\n\n둘째\t칸  \n\n\n셋째\x0c\n"
    assert tidy(raw) == "한글 공고\n\n둘째\t칸\n\n셋째"


def test_a_lone_surrogate_from_a_broken_font_map_does_not_break_storing() -> None:
    assert tidy("지원\ud800사업").encode("utf-8") == "지원?사업".encode()
