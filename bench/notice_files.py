"""The synthetic attachment files of the benchmark (``bench.attachments``): announcements
(``bench.notices``) as HWP 5, HWPX and PDF files, with the pictures (logos, charts, photos) that
make most of a real file's bytes.

- HWP 5: the tests' builder's sections (the table after its heading), re-packed with
  ``BinData`` pictures and ``PrvText`` in its compound-file writer.
- HWPX: the tests' builder's package, with ``BinData`` pictures (stored) and a preview text.
- PDF: pages of text in a CID font (Identity-H with a ToUnicode map, as word processors write
  Korean), deflated content streams, JPEG images; every other one starts with the committed
  Chromium-printed sample page (its Korean in ~30 Type 3 fonts), joined with pypdf.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import math
import random
import sys
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import olefile
from pypdf import PdfReader, PdfWriter

from bench.notices import Notice, form_notice, notice
from bench.words import PROGRAMS

# The formats' one writer is the tests' (tests/attachment_files.py, written from the format
# specifications): the bench builds its files with it instead of keeping a second HWP and HWPX
# writer that could drift from what the readers are tested on. tests/ is not a package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
builders: Any = importlib.import_module("attachment_files")

SHARES = (("hwp5", 0.5), ("hwpx", 0.3), ("pdf", 0.2))
MIN_BYTES, MAX_BYTES = 20_000, 1_000_000


@dataclass
class Sample:
    """One attachment file: its format, the name a portal would give it, its bytes, and what
    its text must hold (the title) and is about (the program)."""

    kind: str  # hwp5, hwpx, pdf
    name: str
    data: bytes
    title: str
    program: str  # the program it announces (words.PROGRAMS), "" for the form

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _pictures(rng: random.Random, size: int, base: int) -> list[bytes]:
    """JPEG-like pictures (incompressible) that bring a file of ``base`` bytes to about
    ``size``: logos, charts and photos are most of a real announcement's bytes."""
    missing = size - base
    if missing < 2_000:
        return []
    count = rng.randint(1, 4)
    return [b"\xff\xd8\xff\xe0" + rng.randbytes(missing // count - 4) for _ in range(count)]


def hwp5(doc: Notice, rng: random.Random, size: int) -> bytes:
    """Sections as the builder writes them (the table after its heading), then the file with
    pictures (``BinData``) and preview text, as Hangul saves them, in a compound file."""
    sections = [builders.hwp_section(doc.before), builders.hwp_section(doc.after, doc.table)]
    sections += [builders.hwp_section(form) for form in doc.forms]
    with olefile.OleFileIO(io.BytesIO(builders.hwp5_from_sections(sections))) as ole:
        streams = {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}
    streams["PrvText"] = "\n".join(doc.before)[:1024].encode("utf-16-le")
    bare: bytes = builders.compound_file(streams)
    pictures = _pictures(rng, size, len(bare))
    if not pictures:
        return bare
    for number, picture in enumerate(pictures, 1):
        streams[f"BinData/BIN{number:04X}.jpg"] = picture
    data: bytes = builders.compound_file(streams)
    return data


def hwpx(doc: Notice, rng: random.Random, size: int) -> bytes:
    """The builder's package of the sections, with a preview text and the pictures."""
    sections = [builders.hwpx_section(doc.before), builders.hwpx_section(doc.after, doc.table)]
    sections += [builders.hwpx_section(form) for form in doc.forms]
    buffer = io.BytesIO(builders.hwpx_package(sections))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("Preview/PrvText.txt", "\n".join(doc.before)[:1024])
    pictures = _pictures(rng, size, len(buffer.getvalue()))
    with zipfile.ZipFile(buffer, "a") as archive:  # stored: a JPEG does not deflate
        for number, picture in enumerate(pictures, 1):
            archive.writestr(f"BinData/image{number}.jpg", picture)
    return buffer.getvalue()


# A4 in points, 10-point text, 14-point leading, 2 cm margins: 48 lines of 44 characters.
_PAGE_LINES, _LINE_CHARS, _TOP, _LEFT = 48, 44, 785, 56


def _wrapped(paragraph: str) -> list[tuple[int, list[str]]]:
    cut = range(0, len(paragraph), _LINE_CHARS)
    return [(_LEFT, [paragraph[i : i + _LINE_CHARS]]) for i in cut] or [(_LEFT, [""])]


def _pdf_pages(doc: Notice) -> list[list[tuple[int, list[str]]]]:
    """Lines per page; a line is (its x, its cells): one cell, or a table row's cells."""
    rows: list[tuple[int, list[str]]] = []
    for paragraph in [*doc.before, doc.after[0]]:
        rows += _wrapped(paragraph)
    rows += [(_LEFT, row) for row in doc.table]
    for paragraph in [*doc.after[1:], *(line for form in doc.forms for line in form)]:
        rows += _wrapped(paragraph)
    return [rows[i : i + _PAGE_LINES] for i in range(0, len(rows), _PAGE_LINES)]


def _to_unicode(codes: dict[str, int]) -> bytes:
    pairs = [f"<{code:04X}> <{ord(char):04X}>" for char, code in codes.items()]
    chunks = "".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
        for chunk in (pairs[i : i + 100] for i in range(0, len(pairs), 100))
    )
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        f"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{chunks}"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode("ascii")


def _stream(dictionary: bytes, data: bytes, *, deflate: bool = True) -> bytes:
    if deflate:
        data, dictionary = zlib.compress(data), dictionary + b" /Filter /FlateDecode"
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


@functools.cache
def _printed_page() -> PdfReader:
    return PdfReader(io.BytesIO(builders.pdf_file_korean()))


def pdf(doc: Notice, rng: random.Random, size: int, *, printed_cover: bool) -> bytes:
    """Pages of text in a CID font (Identity-H, with a ToUnicode map, as word processors write
    Korean), deflated content streams, pictures as JPEG images; with ``printed_cover`` the
    committed Chromium-printed sample page (its Korean in Type 3 fonts) comes first."""
    bare = _pdf_built(doc, [])
    cover = len(builders.pdf_file_korean()) if printed_cover else 0
    pictures = _pictures(rng, size, len(bare) + cover)
    built = _pdf_built(doc, pictures) if pictures else bare
    if not printed_cover:
        return built
    writer = PdfWriter()
    writer.append(_printed_page())
    writer.append(PdfReader(io.BytesIO(built)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_built(doc: Notice, pictures: Sequence[bytes]) -> bytes:
    pages = _pdf_pages(doc)
    chars = sorted({char for page in pages for _, cells in page for cell in cells for char in cell})
    codes = {char: number for number, char in enumerate(chars, 1)}
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NanumGothic /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NanumGothic /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R "
        b"/DW 1000 /W [1 [%s]] >>"
        % " ".join("500" if c == " " else "1000" for c in chars).encode(),
        b"<< /Type /FontDescriptor /FontName /NanumGothic /Flags 4 /FontBBox [0 -200 1000 800] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
        _stream(b"", _to_unicode(codes)),
    ]
    images = []
    for picture in pictures:
        images.append(len(objects) + 1)
        size = b"/Width 800 /Height 600 /ColorSpace /DeviceRGB /BitsPerComponent 8"
        objects.append(_stream(b"/Type /XObject /Subtype /Image %s /Filter /DCTDecode" % size,
                               picture, deflate=False))  # fmt: skip
    kids = []
    for number, page in enumerate(pages):
        ops = [b"BT /F1 10 Tf"]
        for line_number, (x, cells) in enumerate(page):
            y = _TOP - 14 * line_number
            for column, cell in enumerate(cells):
                encoded = "".join(f"{codes[char]:04X}" for char in cell).encode()
                ops.append(b"1 0 0 1 %d %d Tm <%s> Tj" % (x + 95 * column, y, encoded))
        ops.append(b"ET")
        shown = images[number :: len(pages)] if images else []  # the pictures spread over pages
        ops += [b"q 240 0 0 180 300 60 cm /Im%d Do Q" % image for image in shown]
        objects.append(_stream(b"", b"\n".join(ops)))
        xobjects = b" ".join(b"/Im%d %d 0 R" % (image, image) for image in images)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << %s >> >> >>"
            % (len(objects), xobjects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    built: bytes = builders.pdf_document(objects)
    return built


def build_files(count: int, seed: int) -> list[Sample]:
    """``count`` announcements in the formats' shares, in a mixed order."""
    rng = random.Random(f"attachments:{seed}")
    kinds = [kind for kind, share in SHARES[:-1] for _ in range(round(count * share))]
    kinds += [SHARES[-1][0]] * (count - len(kinds))
    rng.shuffle(kinds)
    samples = []
    pdfs = 0
    for number, kind in enumerate(kinds):
        pages = round(math.exp(rng.uniform(math.log(2), math.log(16))))
        program = PROGRAMS[number % len(PROGRAMS)]
        doc = notice(rng, number, pages, program)
        size = round(math.exp(rng.uniform(math.log(MIN_BYTES), math.log(MAX_BYTES))))
        if kind == "hwp5":
            data = hwp5(doc, rng, size)
        elif kind == "hwpx":
            data = hwpx(doc, rng, size)
        else:
            pdfs += 1
            data = pdf(doc, rng, size, printed_cover=pdfs % 2 == 0)
        extension = {"hwp5": "hwp", "hwpx": "hwpx", "pdf": "pdf"}[kind]
        name = f"공고문_{number + 1:03d}.{extension}"
        samples.append(Sample(kind, name, data, doc.title, program))
    return samples


def form_file(seed: int) -> Sample:
    doc = form_notice(random.Random(f"attachments-form:{seed}"))
    data = hwp5(doc, random.Random(seed), 0)
    return Sample("hwp5", "붙임1. 참여 신청서 서식.hwp", data, doc.title, "")
