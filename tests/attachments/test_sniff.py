"""The media type comes from the bytes, whatever the portal named the file."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from attachment_files import compound_file, hwp5_file, hwpx_file, pdf_file_korean
from paperwork.attachments import sniff as media
from paperwork.attachments.sniff import extension_for, sniff

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_file_korean(), media.PDF),
        (b"\xef\xbb\xbfjunk before the header\n%PDF-1.4\n", media.PDF),
        (hwp5_file(["공고"]), media.HWP),
        (compound_file({"WordDocument": b"\x00" * 600, "1Table": b"x"}), media.OLE),
        (compound_file({"FileHeader": b"Not an HWP header".ljust(256, b"\x00")}), media.OLE),
        (hwpx_file(["공고"]), media.HWPX),
        (_zip(["Contents/section0.xml", "Contents/header.xml"]), media.HWPX),
        (_zip(["[Content_Types].xml", "word/document.xml"]), media.DOCX),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), media.XLSX),
        (_zip(["readme.txt"]), media.ZIP),
        (PNG, media.PNG),
        (JPEG, media.JPEG),
        ("모집 공고: 2025년 3월\n".encode(), media.TEXT),
        ("모집 공고".encode("cp949"), media.BINARY),  # legacy Korean encoding: not UTF-8
        (b"text\x00with a NUL", media.BINARY),
        (b"", media.BINARY),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_the_type_comes_from_the_bytes(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    "data", [hwp5_file(["공고"]), hwp5_file(["공고"] * 200, compressed=False)], ids=["small", "big"]
)
def test_a_truncated_hwp_is_still_an_hwp_so_its_reader_can_say_what_is_wrong(data: bytes) -> None:
    assert sniff(data[: len(data) // 2]) == media.HWP


def test_an_hwpx_is_known_from_its_first_entry_alone() -> None:
    # The start of a download that was cut off: no central directory yet.
    assert sniff(hwpx_file(["공고"])[:200]) == media.HWPX


def _mangled(samples: list[bytes]) -> list[bytes]:
    chance = random.Random(15)
    out = []
    for sample in samples:
        for cut in (1, 8, 9, 100, 513, len(sample) // 2, len(sample) - 1):
            out.append(sample[:cut])
        noisy = bytearray(sample)
        for _ in range(50):
            noisy[chance.randrange(len(noisy))] = chance.randrange(256)
        out.append(bytes(noisy))
        out.append(sample[:8] + chance.randbytes(3000))
    return out


@pytest.mark.parametrize(
    "data",
    _mangled([hwp5_file(["공고"] * 50), hwpx_file(["공고"]), pdf_file_korean()[:5000], PNG]),
)
def test_sniffing_never_raises_on_damaged_or_truncated_files(data: bytes) -> None:
    known = {media.PDF, media.HWP, media.HWPX, media.OLE, media.ZIP, media.DOCX, media.XLSX}
    known |= {media.PNG, media.JPEG, media.TEXT, media.BINARY}
    assert sniff(data) in known


@pytest.mark.parametrize(
    ("media_type", "extension"),
    [
        (media.HWP, ".hwp"),
        (media.HWPX, ".hwpx"),
        (media.PDF, ".pdf"),
        (media.DOCX, ".docx"),
        (media.TEXT, ".txt"),
        (media.OLE, ".bin"),  # a .doc, a .xls or a .ppt: we can't say which
        (media.BINARY, ".bin"),
    ],
)
def test_extension_for_names_the_file(media_type: str, extension: str) -> None:
    assert extension_for(media_type) == extension
