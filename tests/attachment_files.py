"""Attachment files for tests, built here from their specifications (and the committed samples
in tests/data/attachments/).

- ``hwp5_file``: an HWP 5 document in a Compound File Binary (MS-CFB version 3: 512-byte
  sectors, FAT, mini stream and mini FAT for streams under 4096 bytes, a directory whose sibling
  trees are balanced red-black trees), with ``FileHeader``, ``DocInfo`` and ``BodyText/Section*``
  records as Hancom's "HWP 5.0 file format" document lays them out: paragraphs with inline and
  extended controls in their text, and a table (control header, cells as list headers, cell
  paragraphs one level down).
- ``hwpx_file``: an HWPX (OWPML) package as Hancom Office writes it: ``mimetype`` first and
  stored, ``version.xml``, ``META-INF/container.xml``, ``Contents/content.hpf`` (the spine),
  ``header.xml`` and ``section*.xml`` in the 2011 namespaces.
- bombs and pathological files for the limits, and the committed PDFs.
"""

from __future__ import annotations

import functools
import io
import math
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter

DATA = Path(__file__).parent / "data" / "attachments"

# ---------------------------------------------------------------------------------------------
# Compound File Binary (MS-CFB), version 3

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_RED, _BLACK = 0, 1
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = 0
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN
    size: int = 0


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ({"BodyText/Section0": bytes, ...}; storages are
    made for the folders)."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *folders, name = path.split("/")
        parent = root
        for folder in folders:
            found = next((c for c in parent.children if c.name == folder), None)
            if found is None:
                found = _Entry(folder, _STORAGE)
                parent.children.append(found)
            parent = found
        parent.children.append(_Entry(name, _STREAM, data))

    entries = _number(root)
    for entry in entries:
        if entry.children:
            entry.child = _sibling_tree(entry.children)

    # The mini stream: small streams packed in 64-byte mini sectors, chained by the mini FAT.
    mini_fat: list[int] = []
    mini_stream = bytearray()
    big = [e for e in entries if e.kind == _STREAM and len(e.data) >= _MINI_CUTOFF]
    for entry in entries:
        if entry.kind != _STREAM or len(entry.data) >= _MINI_CUTOFF or not entry.data:
            entry.size = len(entry.data) if entry.kind == _STREAM else 0
            continue
        count = math.ceil(len(entry.data) / _MINI_SECTOR)
        entry.start, entry.size = len(mini_fat), len(entry.data)
        mini_fat.extend(range(entry.start + 1, entry.start + count))
        mini_fat.append(_ENDOFCHAIN)
        mini_stream += _pad(entry.data, _MINI_SECTOR)

    # Regular sectors, in the order Hangul writes them: the FAT, the directory, the mini FAT and
    # the mini stream first, the big streams after (so a file cut short keeps its header parts).
    chains: list[tuple[_Entry | str, int]] = [
        ("directory", _sectors(128 * len(entries))),
        ("mini fat", _sectors(4 * len(mini_fat))),
        ("mini stream", _sectors(len(mini_stream))),
    ]
    chains += [(e, _sectors(len(e.data))) for e in big]
    used = sum(count for _, count in chains)
    fat_sectors = 1
    while fat_sectors * (_SECTOR // 4) < used + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "the header's DIFAT holds 109 FAT sectors: keep test files small"

    first_fat = 0
    fat: list[int] = [_FATSECT] * fat_sectors
    starts: dict[str, int] = {}
    for owner, count in chains:
        start = len(fat) if count else _ENDOFCHAIN
        fat.extend(range(len(fat) + 1, len(fat) + count))
        if count:
            fat.append(_ENDOFCHAIN)
        if isinstance(owner, _Entry):
            owner.start, owner.size = start, len(owner.data)
        else:
            starts[owner] = start
    fat.extend([_FREESECT] * (fat_sectors * (_SECTOR // 4) - len(fat)))
    root.start = starts["mini stream"] if mini_stream else _ENDOFCHAIN
    root.size = len(mini_stream)

    body = bytearray(struct.pack(f"<{len(fat)}I", *fat))
    directory = b"".join(_directory_entry(e) for e in entries)
    body += _pad(directory, _SECTOR, fill=_unused_directory_entry())
    body += _pad(struct.pack(f"<{len(mini_fat)}I", *mini_fat), _SECTOR, fill=b"\xff")
    body += _pad(bytes(mini_stream), _SECTOR)
    for entry in big:
        body += _pad(entry.data, _SECTOR)

    difat = list(range(first_fat, first_fat + fat_sectors))
    difat += [_FREESECT] * (109 - len(difat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        bytes(16),
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift: 2**9
        6,  # mini sector shift: 2**6
        bytes(6),
        0,  # directory sectors: always 0 in version 3
        fat_sectors,
        starts["directory"],
        0,  # transaction signature
        _MINI_CUTOFF,
        starts["mini fat"] if mini_fat else _ENDOFCHAIN,
        _sectors(4 * len(mini_fat)),
        _ENDOFCHAIN,  # no DIFAT sectors
        0,
        *difat,
    )
    assert len(header) == _SECTOR
    return header + bytes(body)


def _number(root: _Entry) -> list[_Entry]:
    """Directory order: breadth first, so each storage's children are numbered together."""
    entries: list[_Entry] = []
    queue = [root]
    while queue:
        entry = queue.pop(0)
        entry.sid = len(entries)
        entries.append(entry)
        queue.extend(entry.children)
    return entries


def _sibling_tree(children: list[_Entry]) -> int:
    """Links ``children`` into a balanced red-black tree ordered as MS-CFB compares names
    (shorter first, then by upper-cased UTF-16 code units); returns the root's id. Every level
    above the last is full, so all nodes are black but the last level's, which are red: the
    black height is the same on every path and no red node has a red child."""
    ordered = sorted(children, key=lambda e: (len(e.name), e.name.upper()))
    full_levels = int(math.log2(len(ordered) + 1))

    def build(low: int, high: int, depth: int) -> int:
        if low > high:
            return _NOSTREAM
        middle = (low + high) // 2
        node = ordered[middle]
        assert depth <= full_levels, "the tree must be full above its last level"
        node.color = _RED if depth == full_levels else _BLACK
        node.left = build(low, middle - 1, depth + 1)
        node.right = build(middle + 1, high, depth + 1)
        return node.sid

    return build(0, len(ordered) - 1, 0)


def _directory_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    assert len(name) <= 64
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        bytes(16),
        0,
        0,
        0,
        entry.start if entry.kind != _STORAGE else 0,
        entry.size,
    )


def _unused_directory_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ", bytes(64), 0, 0, 0, *[_NOSTREAM] * 3, bytes(16), 0, 0, 0, 0, 0
    )


def _sectors(size: int) -> int:
    return math.ceil(size / _SECTOR)


def _pad(data: bytes, unit: int, fill: bytes = b"\x00") -> bytes:
    missing = -len(data) % unit
    return data + (fill * (missing // len(fill) + 1))[:missing]


# ---------------------------------------------------------------------------------------------
# HWP 5

HWPTAG_DOCUMENT_PROPERTIES = 16
HWPTAG_PARA_HEADER = 66
HWPTAG_PARA_TEXT = 67
HWPTAG_PARA_CHAR_SHAPE = 68
HWPTAG_CTRL_HEADER = 71
HWPTAG_LIST_HEADER = 72
HWPTAG_TABLE = 77
PARA_END = 13
LINE_BREAK = 10


def hwp_record(tag: int, level: int, payload: bytes) -> bytes:
    """One record: the 32-bit header (tag, level, size; size 0xFFF means it follows)."""
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(payload)) + payload
    return struct.pack("<I", tag | level << 10 | len(payload) << 20) + payload


def hwp_text(text: str) -> bytes:
    """Plain text as PARA_TEXT units (line breaks as the char control 10)."""
    return text.replace("\n", chr(LINE_BREAK)).encode("utf-16-le")


def hwp_control(code: int, control_id: str = "") -> bytes:
    """An inline (4, 9 …) or extended (2, 3, 11 …) control: eight code units, the control id
    in the first data units stored as the reversed ASCII bytes."""
    data = control_id.encode("ascii")[::-1].ljust(12, b"\x00")
    return struct.pack("<H", code) + data + struct.pack("<H", code)


def hwp_paragraph(units: bytes, level: int = 0, controls: Iterable[bytes] = ()) -> bytes:
    """PARA_HEADER at ``level``, its PARA_TEXT (ending in the paragraph end) and char shapes one
    level down, then the control records it anchors."""
    units += struct.pack("<H", PARA_END)
    header = struct.pack("<IIHBBHHHI", len(units) // 2, 0, 0, 0, 0, 1, 0, 1, 0)
    return (
        hwp_record(HWPTAG_PARA_HEADER, level, header)
        + hwp_record(HWPTAG_PARA_TEXT, level + 1, units)
        + hwp_record(HWPTAG_PARA_CHAR_SHAPE, level + 1, struct.pack("<II", 0, 0))
        + b"".join(controls)
    )


def hwp_table(rows: Sequence[Sequence[str | bytes]], level: int = 0) -> bytes:
    """A paragraph anchoring a table: the table control char in its text, then CTRL_HEADER
    ("tbl "), TABLE, and per cell a LIST_HEADER (column, row) followed by the cell's paragraph,
    each one level deeper than the last. A cell given as bytes is its records, ready made (a
    nested ``hwp_table(..., level=level + 2)``, say)."""
    columns = max((len(row) for row in rows), default=0)
    control = hwp_record(HWPTAG_CTRL_HEADER, level + 1, b" lbt" + bytes(42))
    table = struct.pack("<IHHH4H", 0, len(rows), columns, 0, 0, 0, 0, 0)
    table += struct.pack(f"<{len(rows)}H", *[len(row) for row in rows]) + struct.pack("<H", 1)
    control += hwp_record(HWPTAG_TABLE, level + 2, table)
    for row_number, row in enumerate(rows):
        for column, cell in enumerate(row):
            header = struct.pack("<hHI", 1, 0, 0x20)
            header += struct.pack("<HHHHII4HH", column, row_number, 1, 1, 8000, 1000, 0, 0, 0, 0, 1)
            control += hwp_record(HWPTAG_LIST_HEADER, level + 2, header)
            if isinstance(cell, bytes):
                control += cell
            else:
                control += hwp_paragraph(hwp_text(cell), level + 2)
    return hwp_paragraph(hwp_control(11, "tbl "), level, [control])


def hwp_first_paragraph(text: str) -> bytes:
    """The first paragraph of a section as Hangul writes it: the section and column definitions
    as extended controls before the text, with their control headers after it."""
    units = hwp_control(2, "secd") + hwp_control(2, "cold") + _hwp_units(text)
    controls = [
        hwp_record(HWPTAG_CTRL_HEADER, 1, b"dces" + bytes(34)),
        hwp_record(HWPTAG_CTRL_HEADER, 1, b"dloc" + bytes(12)),
    ]
    return hwp_paragraph(units, 0, controls)


def hwp_section(
    paragraphs: Sequence[str], table: Sequence[Sequence[str | bytes]] | None = None
) -> bytes:
    """A section's records: the paragraphs (a tab in the text becomes the tab control, text
    between "{" and "}" a hyperlink field); the table, if any, right after the first one."""
    records = []
    for number, text in enumerate(paragraphs):
        if number == 0:
            records.append(hwp_first_paragraph(text))
        else:
            records.append(hwp_paragraph(_hwp_units(text)))
        if number == 0 and table is not None:
            records.append(hwp_table(table))
    if not paragraphs and table is not None:
        records.append(hwp_table(table))
    return b"".join(records)


def _hwp_units(text: str) -> bytes:
    units = b""
    for char in text:
        if char == "\t":
            units += hwp_control(9)
        elif char == "{":
            units += hwp_control(3, "%hlk")
        elif char == "}":
            units += hwp_control(4)
        else:
            units += hwp_text(char)
    return units


def deflate_raw(data: bytes, level: int = 9) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def hwp5_file(
    paragraphs: Sequence[str],
    table: Sequence[Sequence[str | bytes]] | None = None,
    *,
    compressed: bool = True,
    distributable: bool = False,
    password: bool = False,
    more_sections: Sequence[Sequence[str]] = (),
) -> bytes:
    """An HWP 5 document: ``paragraphs`` in Section0 (with ``table`` after the first one), and
    one section more for each of ``more_sections``."""
    sections = [hwp_section(paragraphs, table)] + [hwp_section(p) for p in more_sections]
    return hwp5_from_sections(
        sections, compressed=compressed, distributable=distributable, password=password
    )


def hwp5_from_sections(
    sections: Sequence[bytes],
    *,
    compressed: bool = True,
    distributable: bool = False,
    password: bool = False,
    deflated: Sequence[bytes] | None = None,
) -> bytes:
    """An HWP 5 file around section record streams (``deflated``: already compressed ones)."""
    properties = compressed | password << 1 | distributable << 2
    file_header = b"HWP Document File".ljust(32, b"\x00")
    file_header += struct.pack("<II", 0x05000300, properties)
    file_header = file_header.ljust(256, b"\x00")
    doc_info = hwp_record(
        HWPTAG_DOCUMENT_PROPERTIES,
        0,
        struct.pack("<7H", len(sections), 1, 1, 1, 1, 1, 1) + bytes(12),
    )
    streams = {
        "FileHeader": file_header,
        "DocInfo": deflate_raw(doc_info) if compressed else doc_info,
    }
    bodies = deflated if deflated is not None else sections
    for number, section in enumerate(bodies):
        stored = deflate_raw(section) if compressed and deflated is None else section
        streams[f"BodyText/Section{number}"] = stored
    return compound_file(streams)


@functools.cache
def hwp5_bomb() -> bytes:
    """An HWP 5 file whose Section0 of a few hundred KB inflates to 80 MB of zeros."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    megabyte = bytes(1024 * 1024)
    deflated = b"".join(compressor.compress(megabyte) for _ in range(80)) + compressor.flush()
    return hwp5_from_sections([b""], deflated=[deflated])


@functools.cache
def hwp5_record_flood() -> bytes:
    """An HWP 5 file whose Section0 inflates, within the size limit, to 15 million empty
    records: nothing in it is wrong but its size, and reading it takes many seconds."""
    empty = hwp_record(HWPTAG_PARA_CHAR_SHAPE, 1, b"")
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = empty * (1024 * 1024 // len(empty))
    deflated = b"".join(compressor.compress(chunk) for _ in range(60)) + compressor.flush()
    return hwp5_from_sections([b""], deflated=[deflated])


# ---------------------------------------------------------------------------------------------
# HWPX

NS_PARAGRAPH = "http://www.hancom.co.kr/hwpml/2011/paragraph"
_NAMESPACES = (
    'xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app" '
    f'xmlns:hp="{NS_PARAGRAPH}" '
    'xmlns:hp10="http://www.hancom.co.kr/hwpml/2016/paragraph" '
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hc="http://www.hancom.co.kr/hwpml/2011/core" '
    'xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head" '
    'xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf" '
    'xmlns:opf="http://www.idpf.org/2007/opf/"'
)
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'


def hwpx_run_text(text: str) -> str:
    """``hp:t`` content: tabs and line breaks as their elements, the rest escaped."""
    parts = []
    for line_number, line in enumerate(text.split("\n")):
        if line_number:
            parts.append("<hp:lineBreak/>")
        parts.append("<hp:tab/>".join(escape(piece) for piece in line.split("\t")))
    return "".join(parts)


def hwpx_paragraph(text: str, inner: str = "", paragraph_id: int = 0) -> str:
    return (
        f'<hp:p id="{paragraph_id}" paraPrIDRef="0" styleIDRef="0" pageBreak="0" '
        'columnBreak="0" merged="0">'
        f'<hp:run charPrIDRef="0">{inner}<hp:t>{hwpx_run_text(text)}</hp:t></hp:run>'
        '<hp:linesegarray><hp:lineseg textpos="0" vertpos="0" vertsize="1000" '
        'textheight="1000" baseline="850" spacing="600" horzpos="0" horzsize="42520" '
        'flags="393216"/></hp:linesegarray></hp:p>'
    )


def hwpx_table(rows: Sequence[Sequence[str]]) -> str:
    columns = max((len(row) for row in rows), default=0)
    cells = []
    for row_number, row in enumerate(rows):
        cells.append("<hp:tr>")
        for column, text in enumerate(row):
            cells.append(
                '<hp:tc name="" header="0" hasMargin="0" protect="0" editable="0" dirty="0" '
                'borderFillIDRef="3"><hp:subList id="" textDirection="HORIZONTAL" '
                'lineWrap="BREAK" vertAlign="CENTER" linkListIDRef="0" '
                'linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" '
                f'hasNumRef="0">{hwpx_paragraph(text)}</hp:subList>'
                f'<hp:cellAddr colAddr="{column}" rowAddr="{row_number}"/>'
                '<hp:cellSpan colSpan="1" rowSpan="1"/><hp:cellSz width="14173" height="282"/>'
                '<hp:cellMargin left="510" right="510" top="141" bottom="141"/></hp:tc>'
            )
        cells.append("</hp:tr>")
    return (
        f'<hp:tbl id="1" zOrder="0" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" '
        f'textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" pageBreak="CELL" repeatHeader="1" '
        f'rowCnt="{len(rows)}" colCnt="{columns}" cellSpacing="0" borderFillIDRef="3" '
        'noAdjust="0"><hp:sz width="42520" widthRelTo="ABSOLUTE" height="564" '
        'heightRelTo="ABSOLUTE" protect="0"/><hp:pos treatAsChar="0" affectLSpacing="0" '
        'flowWithText="1" allowOverlap="0" holdAnchorAndSO="0" vertRelTo="PARA" '
        'horzRelTo="COLUMN" vertAlign="TOP" horzAlign="LEFT" vertOffset="0" horzOffset="0"/>'
        '<hp:outMargin left="283" right="283" top="283" bottom="283"/>'
        '<hp:inMargin left="510" right="510" top="141" bottom="141"/>'
        f"{''.join(cells)}</hp:tbl>"
    )


def hwpx_section(paragraphs: Sequence[str], table: Sequence[Sequence[str]] | None = None) -> str:
    """A section: the paragraphs (the first holding the section properties, as Hangul writes
    it), the table in a paragraph of its own after the first."""
    body = []
    section_properties = (
        '<hp:secPr id="" textDirection="HORIZONTAL" spaceColumns="1134" tabStop="8000" '
        'tabStopVal="4000" tabStopUnit="HWPUNIT" outlineShapeIDRef="1" memoShapeIDRef="0" '
        'textVerticalWidthHead="0" masterPageCnt="0"><hp:startNum pageStartsOn="BOTH" page="0" '
        'pic="0" tbl="0" equation="0"/></hp:secPr>'
    )
    for number, text in enumerate(paragraphs):
        body.append(hwpx_paragraph(text, section_properties if number == 0 else "", number))
        if number == 0 and table is not None:
            body.append(hwpx_paragraph("", hwpx_table(table), 1000))
    if not paragraphs and table is not None:
        body.append(hwpx_paragraph("", hwpx_table(table)))
    return f"{_XML_DECLARATION}<hs:sec {_NAMESPACES}>{''.join(body)}</hs:sec>"


def hwpx_package(sections: Sequence[str], *, spine: Sequence[int] | None = None) -> bytes:
    """An HWPX zip around section XML; ``spine`` orders the sections in content.hpf (default:
    as given)."""
    order = list(range(len(sections))) if spine is None else list(spine)
    items = "".join(
        f'<opf:item id="section{n}" href="Contents/section{n}.xml" media-type="application/xml"/>'
        for n in range(len(sections))
    )
    refs = "".join(f'<opf:itemref idref="section{n}" linear="yes"/>' for n in order)
    content = (
        f'{_XML_DECLARATION}<opf:package {_NAMESPACES} version="" unique-identifier="" id="">'
        "<opf:metadata><opf:title/><opf:language>ko</opf:language></opf:metadata>"
        '<opf:manifest><opf:item id="header" href="Contents/header.xml" '
        f'media-type="application/xml"/>{items}</opf:manifest>'
        f'<opf:spine><opf:itemref idref="header" linear="yes"/>{refs}</opf:spine></opf:package>'
    )
    header = (
        f'{_XML_DECLARATION}<hh:head {_NAMESPACES} version="1.4" secCnt="{len(sections)}">'
        '<hh:beginNum page="1" footnote="1" endnote="1" pic="1" tbl="1" equation="1"/>'
        "</hh:head>"
    )
    version = (
        f"{_XML_DECLARATION}<hv:HCFVersion "
        'xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" '
        'major="5" minor="1" micro="0" buildNumber="1" os="1" xmlVersion="1.4" '
        'application="Hancom Office Hangul" appVersion="11, 0, 0, 0"/>'
    )
    container = (
        f'{_XML_DECLARATION}<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:'
        'container" xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf"><ocf:rootfiles>'
        '<ocf:rootfile full-path="Contents/content.hpf" '
        'media-type="application/hwpml-package+xml"/></ocf:rootfiles></ocf:container>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip")  # stored, first
        deflated = zipfile.ZIP_DEFLATED
        archive.writestr("version.xml", version, compress_type=deflated)
        archive.writestr("Contents/header.xml", header, compress_type=deflated)
        for number, section in enumerate(sections):
            archive.writestr(f"Contents/section{number}.xml", section, compress_type=deflated)
        archive.writestr("Contents/content.hpf", content, compress_type=deflated)
        archive.writestr("META-INF/container.xml", container, compress_type=deflated)
    return buffer.getvalue()


def hwpx_file(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """An HWPX document of ``paragraphs``, with ``table`` after the first paragraph."""
    return hwpx_package([hwpx_section(paragraphs, table)])


def _zip_with_section(section_chunks: Iterable[bytes], level: int = 1) -> bytes:
    """A minimal HWPX around one section written in chunks (level 1 by default: these sections
    are tens of MB, and the fastest deflate is plenty for them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip")
        with archive.open("Contents/section0.xml", "w") as member:
            for chunk in section_chunks:
                member.write(chunk)
    return buffer.getvalue()


@functools.cache
def zip_bomb_hwpx() -> bytes:
    """An HWPX whose section0.xml is 100 MB of spaces after the root element: 100 KB zipped."""
    opening = f"{_XML_DECLARATION}<hs:sec {_NAMESPACES}>".encode()
    return _zip_with_section([opening, *[b" " * (1024 * 1024)] * 100, b"</hs:sec>"])


@functools.cache
def ratio_bomb_hwpx() -> bytes:
    """An HWPX whose section0.xml is 10 MB (under the size limit) of one repeated paragraph:
    far more compressible than any written document."""
    paragraph = hwpx_paragraph("가").encode()
    count = 10 * 1024 * 1024 // len(paragraph)
    opening = f"{_XML_DECLARATION}<hs:sec {_NAMESPACES}>".encode()
    return _zip_with_section([opening, paragraph * count, b"</hs:sec>"], level=9)


# ---------------------------------------------------------------------------------------------
# PDF


def pdf_file_korean() -> bytes:
    """A Korean announcement (paragraphs and a table) printed by headless Chromium with the Noto
    CJK fonts (tests/data/make_korean_pdf.py)."""
    return (DATA / "korean_notice.pdf").read_bytes()


def pdf_document(objects: Sequence[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF of numbered ``objects`` (1, 2, …) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def pdf_image_only(pages: int = 2) -> bytes:
    """A scan as a scanner makes it: each page one grey image, no text at all."""
    image = _stream(
        b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8",
        bytes(range(0, 256, 4)),
    )
    content = _stream(b"", b"q 500 0 0 700 50 50 cm /Im1 Do Q")
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        image,
        content,
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 3 0 R >> >> >>"
    ] * pages
    return pdf_document(objects)


def pdf_kids_loop() -> bytes:
    """A PDF whose page tree lists itself among its own kids (and a page that is also its own
    parent's parent): a reader that follows references blindly never ends."""
    return pdf_document(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
        ]
    )


def pdf_encrypted(user_password: str) -> bytes:
    """The committed Korean PDF encrypted (RC4-128) with ``user_password``; "" is the common
    "no copying, no editing" encryption that anyone may open."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_file_korean())))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def sample_files() -> dict[str, bytes]:
    """One good file of each format we read, keyed by a name with its extension."""
    return {
        "notice.hwp": hwp5_file(["2025년 창업지원 공고"], [["구분", "내용"], ["기간", "상시"]]),
        "notice.hwpx": hwpx_file(["2025년 창업지원 공고"], [["구분", "내용"], ["기간", "상시"]]),
        "notice.pdf": pdf_file_korean(),
    }
