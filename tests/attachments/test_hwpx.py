"""HWPX text: paragraphs and tables out in the spine's order; hostile XML and zip bombs fail
without costing memory."""

from __future__ import annotations

import io
import zipfile

import pytest

from attachment_files import (
    NS_PARAGRAPH,
    hwpx_file,
    hwpx_package,
    hwpx_paragraph,
    hwpx_section,
    ratio_bomb_hwpx,
    zip_bomb_hwpx,
)
from paperwork.attachments.formats import Malformed
from paperwork.attachments.hwpx import hwpx_text

NOTICE = ["공고 제2025-17호\t중소벤처기업부", "신청 & 문의 <온라인>\n☎ 1357"]
TABLE = [["구분", "내용"], ["지원대상", "업력 1년 이상 소상공인"], ["지원금액", "최대 500만원"]]


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _section_xml(body: str) -> str:
    return f'<hs:sec xmlns:hs="urn:section" xmlns:hp="{NS_PARAGRAPH}">{body}</hs:sec>'


def test_paragraphs_and_the_table_come_out_in_order() -> None:
    assert hwpx_text(hwpx_file(NOTICE, TABLE)).splitlines() == [
        "공고 제2025-17호\t중소벤처기업부",
        "",  # the paragraph that holds the table has no text of its own
        "구분\t내용",
        "지원대상\t업력 1년 이상 소상공인",
        "지원금액\t최대 500만원",
        "신청 & 문의 <온라인>",
        "☎ 1357",
    ]


def test_sections_follow_the_spine() -> None:
    data = hwpx_package([hwpx_section(["둘째 구역"]), hwpx_section(["첫째 구역"])], spine=[1, 0])
    assert hwpx_text(data) == "첫째 구역\n둘째 구역"


def test_without_a_spine_sections_are_in_numeric_order() -> None:
    parts: dict[str, str | bytes] = {"mimetype": "application/hwp+zip"}
    for n in (10, 2, 1, 0):
        parts[f"Contents/section{n}.xml"] = _section_xml(hwpx_paragraph(f"구역 {n}"))
    assert hwpx_text(_zip(parts)) == "구역 0\n구역 1\n구역 2\n구역 10"


def test_nested_tables_and_text_boxes_keep_their_text() -> None:
    inner = "<hp:tbl><hp:tr><hp:tc><hp:subList>{}</hp:subList></hp:tc></hp:tr></hp:tbl>".format(
        hwpx_paragraph("안쪽")
    )
    cell_with_table = f"<hp:tc><hp:subList>{hwpx_paragraph('바깥', inner)}</hp:subList></hp:tc>"
    text_box = f"<hp:rect><hp:drawText><hp:subList>{hwpx_paragraph('글상자')}</hp:subList>"
    text_box += "</hp:drawText></hp:rect>"
    body = hwpx_paragraph("", f"<hp:tbl><hp:tr>{cell_with_table}<hp:tc/></hp:tr></hp:tbl>")
    body += hwpx_paragraph("본문", text_box)
    parts: dict[str, str | bytes] = {"Contents/section0.xml": _section_xml(body)}
    assert hwpx_text(_zip(parts)).splitlines() == ["", "바깥 안쪽\t", "본문", "글상자"]


def test_reading_stops_soon_after_the_text_limit() -> None:
    paragraphs = [f"{n}번 항목: 세부 지원 내용을 확인하십시오." for n in range(5000)]
    text = hwpx_text(hwpx_file(paragraphs), max_chars=2000)
    # The parser is fed 64 KB at a time: it stops within a chunk of the limit, not at it.
    assert 2000 <= len(text) < 20_000 < len("\n".join(paragraphs))


def test_external_entities_are_never_resolved() -> None:
    section = (
        '<?xml version="1.0"?><!DOCTYPE sec [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        + _section_xml("<hp:p><hp:run><hp:t>앞&secret;뒤</hp:t></hp:run></hp:p>")
    )
    text = hwpx_text(_zip({"Contents/section0.xml": section}))
    assert text == "앞뒤"


def test_entity_expansion_is_no_bomb() -> None:
    entities = '<!ENTITY a0 "ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    section = f'<?xml version="1.0"?><!DOCTYPE sec [{entities}]>' + _section_xml(
        "<hp:p><hp:run><hp:t>&a9;</hp:t></hp:run></hp:p>"
    )
    # libxml2 refuses the amplification (an error, so the file fails); never a billion ㅋ.
    with pytest.raises(Malformed, match=r"section0\.xml is not valid XML"):
        hwpx_text(_zip({"Contents/section0.xml": section}))


def test_a_zip_bomb_fails_on_its_declared_size() -> None:
    with pytest.raises(Malformed, match=r"^too large when decompressed$"):
        hwpx_text(zip_bomb_hwpx())


def test_a_section_compressed_beyond_any_real_document_fails() -> None:
    with pytest.raises(Malformed, match="expands too much to be a real document"):
        hwpx_text(ratio_bomb_hwpx())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + bytes(200), "not a readable zip file"),
        (_zip({"mimetype": "application/hwp+zip"}), "no Contents/section"),
        (_zip({"Contents/section0.xml": "<hs:sec><hp:p>"}), r"section0\.xml is not valid XML"),
    ],
    ids=["not a zip", "no sections", "broken XML"],
)
def test_damaged_files_fail_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(Malformed, match=reason):
        hwpx_text(data)


def test_a_file_cut_short_fails() -> None:
    data = hwpx_file(NOTICE * 200, TABLE)
    with pytest.raises(Malformed):
        hwpx_text(data[: len(data) // 2])
