"""The text of an HWPX file (OWPML, KS X 6101): a zip of XML parts.

The body is ``Contents/section0.xml``, ``section1.xml``, … in the order of the package's spine
(``Contents/content.hpf``). Text is in ``hp:t`` inside ``hp:p`` paragraphs; tables are
``hp:tbl`` > ``hp:tr`` > ``hp:tc``, each cell holding paragraphs of its own.

The file is untrusted, so:
- the XML parser resolves no entities and loads no DTD and nothing from the network (no XXE, no
  entity expansion), and keeps libxml2's limits on nesting depth and text size;
- every part is inflated against one byte budget for the whole file, after its declared size and
  compression ratio were checked (the budget holds even when a header lies);
- sections are read as a stream of parser events, never as a tree: memory follows the text, and
  no nesting can make us recurse.

(lxml rather than defusedxml: defusedxml swaps in ElementTree's pure-Python parser, several
times slower on the large sections of real announcements.)
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from paperwork.attachments.formats import MAX_DECOMPRESSED_BYTES, Malformed

PARAGRAPH_NS = "http://www.hancom.co.kr/hwpml/2011/paragraph"
_SECTION_PATH = re.compile(r"Contents/section(\d+)\.xml")
# Real sections compress 5-30:1; deflate tops out near 1000:1 on filler, which only a bomb has.
MAX_RATIO = 200
_RATIO_CHECKED_ABOVE = 1024 * 1024
# What the elements inside ``hp:t`` stand for.
_INLINE_TEXT = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}
_WHITESPACE_RUN = re.compile(r"\s+")
_READ_CHUNK = 64 * 1024
_SAFE_PARSING: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


def hwpx_text(data: bytes, *, max_chars: int = 500_000) -> str:
    """The text of the HWPX file ``data``: paragraphs one per line, table rows as lines of
    tab-separated cells; reading stops soon after ``max_chars`` characters.

    Raises ``Malformed`` for a damaged file or one that inflates beyond
    ``MAX_DECOMPRESSED_BYTES``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Malformed(f"not a readable zip file ({exc})") from exc
    with archive:
        budget = _Budget(MAX_DECOMPRESSED_BYTES)
        reader = _SectionReader()
        for name in _section_names(archive, budget):
            with _open_member(archive, name, budget) as stream:
                _read_section(stream, name, reader, max_chars)
            if reader.size >= max_chars:
                break
        return "\n".join(reader.lines)


class _Budget:
    """Decompressed bytes still allowed for this file."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise Malformed("too large when decompressed")


class _CappedReader:
    """A zip member read through the budget."""

    def __init__(self, member: IO[bytes], budget: _Budget) -> None:
        self._member = member
        self._budget = budget

    def read(self, size: int = _READ_CHUNK) -> bytes:
        chunk = self._member.read(min(size, _READ_CHUNK) if size > 0 else _READ_CHUNK)
        self._budget.spend(len(chunk))
        return chunk

    def __enter__(self) -> _CappedReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._member.close()


def _open_member(archive: zipfile.ZipFile, name: str, budget: _Budget) -> _CappedReader:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise Malformed(f"{name} is listed but missing") from exc
    if info.file_size > budget.left:
        raise Malformed("too large when decompressed")
    if info.file_size > _RATIO_CHECKED_ABOVE and info.file_size > MAX_RATIO * info.compress_size:
        raise Malformed(f"{name} expands too much to be a real document (a zip bomb?)")
    try:
        return _CappedReader(archive.open(info), budget)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
        raise Malformed(f"{name} cannot be opened ({exc})") from exc


def _section_names(archive: zipfile.ZipFile, budget: _Budget) -> list[str]:
    names = set(archive.namelist())
    ordered = _spine_sections(archive, names, budget) if "Contents/content.hpf" in names else []
    if not ordered:
        numbered = []
        for name in names:
            match = _SECTION_PATH.fullmatch(name)
            if match:
                numbered.append((int(match.group(1)), name))
        ordered = [name for _, name in sorted(numbered)]
    if not ordered:
        raise Malformed("no Contents/section*.xml parts: not an HWPX document")
    return ordered


def _spine_sections(archive: zipfile.ZipFile, names: set[str], budget: _Budget) -> list[str]:
    """The sections in the order the package's spine gives; [] when it gives none we can use."""
    with _open_member(archive, "Contents/content.hpf", budget) as stream:
        chunks = []
        while chunk := _inflate(stream, "Contents/content.hpf"):
            chunks.append(chunk)
    try:
        package = etree.fromstring(b"".join(chunks), etree.XMLParser(**_SAFE_PARSING))
    except etree.LxmlError as exc:
        raise Malformed(f"Contents/content.hpf is not valid XML ({exc})") from exc
    hrefs: dict[str, str] = {}
    for item in package.iter():
        if _local(item.tag) == "item" and item.get("id") and item.get("href"):
            hrefs[str(item.get("id"))] = str(item.get("href"))
    ordered: list[str] = []
    for ref in package.iter():
        if _local(ref.tag) != "itemref":
            continue
        href = hrefs.get(str(ref.get("idref")), "")
        # Hancom writes hrefs from the package root; the OPF rule is relative to content.hpf.
        for name in (href, f"Contents/{href}"):
            if _SECTION_PATH.fullmatch(name) and name in names and name not in ordered:
                ordered.append(name)
                break
    return ordered


def _inflate(stream: _CappedReader, name: str) -> bytes:
    try:
        return stream.read()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Malformed(f"{name} cannot be inflated ({exc})") from exc


def _read_section(stream: _CappedReader, name: str, reader: _SectionReader, max_chars: int) -> None:
    parser = etree.XMLParser(target=reader, **_SAFE_PARSING)
    try:
        while chunk := _inflate(stream, name):
            parser.feed(chunk)
            if reader.size >= max_chars:
                return  # enough text: the rest of the file is not read at all
        parser.close()
    except etree.LxmlError as exc:
        raise Malformed(f"{name} is not valid XML ({exc})") from exc


@dataclass
class _Paragraph:
    parts: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)  # tables and text boxes it anchors


@dataclass
class _Table:
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class _Cell:
    parts: list[str] = field(default_factory=list)


class _SectionReader:
    """An lxml parser target: turns the start/end/data events of sections into lines, keeping a
    stack of the paragraphs, tables and cells open at each point."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self._open: list[_Paragraph | _Table | _Cell] = []
        self._pushed: list[bool] = []  # per open element: did it open a frame?
        self._text_depth = 0  # > 0 inside an hp:t

    def start(self, tag: Any, attrib: Any) -> None:
        name = _local(tag)
        top = self._open[-1] if self._open else None
        frame: _Paragraph | _Table | _Cell | None = None
        if self._text_depth:
            self._text_depth += 1
            if name in _INLINE_TEXT and isinstance(top, _Paragraph):
                top.parts.append(_INLINE_TEXT[name])
        elif name == "t":
            self._text_depth = 1
        elif name == "p":
            frame = _Paragraph()
        elif name == "tbl":
            frame = _Table()
        elif name == "tr" and isinstance(top, _Table):
            top.rows.append([])
        elif name == "tc" and isinstance(top, _Table):
            frame = _Cell()
        if frame is not None:
            self._open.append(frame)
        self._pushed.append(frame is not None)

    def end(self, tag: Any) -> None:
        if self._text_depth:
            self._text_depth -= 1
        if not self._pushed.pop():
            return
        frame = self._open.pop()
        if isinstance(frame, _Paragraph):
            self._emit(["".join(frame.parts), *frame.blocks])
        elif isinstance(frame, _Table):
            self._emit(["\n".join("\t".join(row) for row in frame.rows)])
        elif isinstance(frame, _Cell) and self._open and isinstance(self._open[-1], _Table):
            table = self._open[-1]
            if not table.rows:
                table.rows.append([])
            text = " ".join(part for part in frame.parts if part.strip())
            table.rows[-1].append(_WHITESPACE_RUN.sub(" ", text).strip())

    def data(self, data: str) -> None:
        if self._text_depth == 1 and self._open and isinstance(self._open[-1], _Paragraph):
            self._open[-1].parts.append(data)

    def close(self) -> None:
        pass

    def _emit(self, lines: list[str]) -> None:
        parent = self._open[-1] if self._open else None
        if isinstance(parent, _Paragraph):  # a table or text box inside a paragraph
            parent.blocks.extend(lines)
        elif isinstance(parent, _Cell):
            parent.parts.extend(lines)
        elif parent is None:
            self.lines.extend(lines)
            self.size += sum(len(line) + 1 for line in lines)


def _local(tag: Any) -> str:
    """The name without its namespace: files differ in prefixes and namespace years, and a
    comment or processing instruction has a non-string tag."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
