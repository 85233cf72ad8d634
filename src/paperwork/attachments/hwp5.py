"""The text of an HWP 5 file (Hancom's OLE-based format), following Hancom's public "HWP 5.0
file format" document.

An HWP 5 file is an OLE compound file. ``FileHeader`` says whether the body is deflated and
whether it is locked (password) or distributable (배포용: the body is encrypted into ``ViewText``
and meant to be unreadable). The body is ``BodyText/Section0``, ``Section1``, …: each a run of
records whose 32-bit header packs the tag, the nesting level and the size. Paragraph text is
``PARA_TEXT`` (UTF-16LE) wherever it appears, table cells included, so reading every one gets
all the text; tables are recognised by their control header so that their cells come out as
tab-separated rows.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

import olefile

from paperwork.attachments.formats import MAX_DECOMPRESSED_BYTES, Malformed, Unsupported

SIGNATURE = b"HWP Document File"
FLAG_COMPRESSED = 1 << 0
FLAG_PASSWORD = 1 << 1
FLAG_DISTRIBUTABLE = 1 << 2

TAG_PARA_TEXT = 67
TAG_CTRL_HEADER = 71
TAG_LIST_HEADER = 72
TAG_TABLE = 77
# Control ids are four ASCII letters stored as a little-endian uint32 of their big-endian
# value, so "tbl " is on disk backwards.
TABLE_CONTROL_ID = b" lbt"

# Control characters in paragraph text. "Char" controls are one code unit; the others carry six
# units of data and repeat their code at the end: eight units in all, none of them text.
_CHAR_CONTROLS = {0, 10, 13, *range(24, 32)}
_CONTROL_WIDTH = 8
_CONTROL_TEXT = {9: "\t", 10: "\n", 24: "-", 30: " ", 31: " "}
_SECTION_NAME = re.compile(r"Section(\d+)")
_WHITESPACE_RUN = re.compile(r"\s+")


def hwp5_text(data: bytes, *, max_chars: int = 500_000) -> str:
    """The text of the HWP 5 file ``data``: paragraphs one per line, table rows as lines of
    tab-separated cells; reading stops soon after ``max_chars`` characters.

    Raises ``Unsupported`` for password-protected and distributable files, ``Malformed`` for
    damaged ones or a body that inflates beyond ``MAX_DECOMPRESSED_BYTES``.
    """
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error… on damage
        raise Malformed(f"not a readable OLE compound file ({_why(exc)})") from exc
    with ole:
        compressed = _read_header(ole)
        sections = _section_paths(ole)
        budget = MAX_DECOMPRESSED_BYTES
        writer = _TextWriter()
        for path in sections:
            stream = _read_stream(ole, path)
            if compressed:
                stream = _inflate(stream, budget, path)
                budget -= len(stream)
            for tag, level, payload in _records(stream, path):
                writer.add(tag, level, payload)
                if writer.size >= max_chars:
                    return writer.finish()
        return writer.finish()


def _read_header(ole: olefile.OleFileIO[str]) -> bool:
    """Whether the body is compressed, after refusing the files we must not read."""
    if not ole.exists("FileHeader"):
        raise Malformed("no FileHeader stream: not an HWP 5 file")
    header = _read_stream(ole, "FileHeader")
    if len(header) < 40 or not header.startswith(SIGNATURE):
        raise Malformed("FileHeader does not start with the HWP signature")
    (properties,) = struct.unpack_from("<I", header, 36)
    if properties & FLAG_PASSWORD:
        raise Unsupported("password-protected HWP")
    if properties & FLAG_DISTRIBUTABLE:
        raise Unsupported("distributable (배포용) HWP: its text is encrypted")
    return bool(properties & FLAG_COMPRESSED)


def _section_paths(ole: olefile.OleFileIO[str]) -> list[str]:
    numbered: list[tuple[int, str]] = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == "BodyText":
            match = _SECTION_NAME.fullmatch(entry[1])
            if match:
                numbered.append((int(match.group(1)), "/".join(entry)))
    if not numbered:
        raise Malformed("no BodyText sections")
    return [path for _, path in sorted(numbered)]


def _read_stream(ole: olefile.OleFileIO[str], path: str) -> bytes:
    try:
        stream: bytes = ole.openstream(path).read()
        declared = ole.get_size(path)
    except Exception as exc:  # a sector chain that leaves the file, a loop in the FAT…
        raise Malformed(f"{path} cannot be read ({_why(exc)})") from exc
    if len(stream) < declared:  # olefile hands back what there is of a truncated file
        raise Malformed(f"{path} is cut short")
    return stream


def _inflate(raw: bytes, budget: int, path: str) -> bytes:
    """``raw`` inflated (raw deflate, no zlib header), refusing to produce more than ``budget``
    bytes: the cap is given to zlib, so a bomb never gets the memory in the first place."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(raw, budget + 1)
    except zlib.error as exc:
        raise Malformed(f"{path} is not valid deflate data ({exc})") from exc
    if len(out) > budget:
        raise Malformed("too large when decompressed")
    if not inflater.eof:
        raise Malformed(f"{path} is cut short")
    return out


def _records(stream: bytes, path: str) -> Iterator[tuple[int, int, memoryview]]:
    """(tag, level, payload) of each record in a section."""
    view = memoryview(stream)
    pos, end = 0, len(stream)
    while pos < end:
        if pos + 4 > end:
            raise Malformed(f"{path} is cut short in a record header")
        (header,) = struct.unpack_from("<I", stream, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:  # the real size follows
            if pos + 4 > end:
                raise Malformed(f"{path} is cut short in a record header")
            (size,) = struct.unpack_from("<I", stream, pos)
            pos += 4
        if pos + size > end:
            raise Malformed(f"{path} is cut short in a record")
        yield tag, level, view[pos : pos + size]
        pos += size


def paragraph_text(payload: memoryview | bytes) -> str:
    """The text of one PARA_TEXT record, its controls dropped (tabs and line breaks kept)."""
    units = array("H")
    units.frombytes(bytes(payload[: len(payload) // 2 * 2]))
    if sys.byteorder == "big":
        units.byteswap()
    parts: list[str] = []
    run_start = i = 0
    count = len(units)
    while i < count:
        unit = units[i]
        if unit >= 32:
            i += 1
            continue
        if run_start < i:
            parts.append(units[run_start:i].tobytes().decode("utf-16-le", "replace"))
        parts.append(_CONTROL_TEXT.get(unit, ""))
        i += 1 if unit in _CHAR_CONTROLS else _CONTROL_WIDTH
        run_start = i
    if run_start < count:
        parts.append(units[run_start:count].tobytes().decode("utf-16-le", "replace"))
    return "".join(parts)


@dataclass
class _Table:
    """A table being read: the level of its control header and what its cells said so far."""

    level: int
    caption: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    cell: list[str] | None = None  # paragraphs of the cell being read
    row: int = -1
    has_body: bool = False  # the TABLE record came: list headers after it are cells

    def add_text(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        else:
            self.caption.append(text)

    def start_cell(self, payload: memoryview) -> None:
        self._close_cell()
        # A cell's list header gives its column, then its row, after 8 bytes of list header.
        row = struct.unpack_from("<H", payload, 10)[0] if len(payload) >= 12 else self.row
        if row != self.row or not self.rows:
            self.rows.append([])
            self.row = row
        self.cell = []

    def render(self) -> str:
        self._close_cell()
        lines = [" ".join(self.caption)] if self.caption else []
        lines.extend("\t".join(row) for row in self.rows)
        return "\n".join(lines)

    def _close_cell(self) -> None:
        if self.cell is not None:
            text = " ".join(part for part in self.cell if part.strip())
            self.rows[-1].append(_WHITESPACE_RUN.sub(" ", text).strip())
            self.cell = None


class _TextWriter:
    """Turns the record stream into lines, tracking the tables open at each level."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._tables: list[_Table] = []
        self.size = 0  # characters written outside tables so far

    def add(self, tag: int, level: int, payload: memoryview) -> None:
        # A record at or above a table's own level means the table is over.
        while self._tables and level <= self._tables[-1].level:
            self._emit(self._tables.pop().render())
        table = self._tables[-1] if self._tables else None
        if tag == TAG_PARA_TEXT:
            self._emit(paragraph_text(payload))
        elif tag == TAG_CTRL_HEADER and payload[:4] == TABLE_CONTROL_ID:
            self._tables.append(_Table(level))
        elif table is not None and level == table.level + 1:
            if tag == TAG_TABLE:
                table.has_body = True
            elif tag == TAG_LIST_HEADER and table.has_body:
                table.start_cell(payload)

    def finish(self) -> str:
        while self._tables:
            self._emit(self._tables.pop().render())
        return "\n".join(self._lines)

    def _emit(self, text: str) -> None:
        if self._tables:
            self._tables[-1].add_text(text)
        else:
            self._lines.append(text)
            self.size += len(text) + 1


def _why(exc: BaseException) -> str:
    return str(exc)[:120] or type(exc).__name__
