"""PDF text: the Korean text layer out, scans sent to OCR, locked files refused, broken ones
failed. (A PDF that sends pypdf into a loop is tested through the sandbox.)"""

from __future__ import annotations

import pytest

from attachment_files import pdf_document, pdf_encrypted, pdf_file_korean, pdf_image_only
from paperwork.attachments import pdf
from paperwork.attachments.formats import Malformed, NeedsOcr, Unsupported
from paperwork.attachments.pdf import pdf_text


def _text_pages(count: int) -> bytes:
    """``count`` pages, each saying its number in Helvetica."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * n) for n in range(count)), count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for n in range(count):
        content = b"BT /F1 12 Tf 72 720 Td (Page number %d of the notice) Tj ET" % (n + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * n)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    return pdf_document(objects)


def test_the_korean_text_layer_comes_out() -> None:
    text = pdf_text(pdf_file_korean())
    assert "2025년 소상공인 디지털 전환 지원사업 공고" in text
    assert "지원금액 기업당 최대 500만원" in text  # a table row, cells in order
    assert "문의처: 소상공인시장진흥공단 디지털전환팀" in text


def test_pages_come_out_in_order_separated_by_a_blank_line() -> None:
    assert pdf_text(_text_pages(3)) == "\n\n".join(
        f"Page number {n} of the notice" for n in (1, 2, 3)
    )


def test_pages_past_the_cap_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    assert "Page number 3" not in pdf_text(_text_pages(5))


def test_reading_stops_once_the_text_limit_is_reached() -> None:
    text = pdf_text(_text_pages(20), max_chars=60)
    assert text.count("Page number") == 3  # 29 characters a page: the third passes 60


def test_a_scan_without_a_text_layer_needs_ocr() -> None:
    with pytest.raises(NeedsOcr, match="no text layer"):
        pdf_text(pdf_image_only())


def test_encrypted_with_the_empty_password_is_read() -> None:
    # Portals often "protect" PDFs against copying: anyone may open them, and so do we.
    assert "지원사업 공고" in pdf_text(pdf_encrypted(""))


def test_encrypted_with_a_password_is_unsupported() -> None:
    with pytest.raises(Unsupported, match="password-protected PDF"):
        pdf_text(pdf_encrypted("비밀번호"))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"\x00garbage" * 100,
        pdf_file_korean()[:3000],
        pdf_document([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 0 >>"]),
    ],
    ids=["garbage", "cut short", "no pages"],
)
def test_broken_files_fail_with_a_reason(data: bytes) -> None:
    with pytest.raises(Malformed) as raised:
        pdf_text(data)
    assert str(raised.value)
