"""The text of an HWPX file (OWPML, KS X 6101): a zip of XML parts.

The body is ``Contents/section0.xml``, ``section1.xml``, … in the order of the package's spine
(``Contents/content.hpf``). Text is in ``hp:t`` inside ``hp:p`` paragraphs; tables are
``hp:tbl`` > ``hp:tr`` > ``hp:tc``, each cell holding paragraphs of its own.

Guards, since the file is untrusted: the XML parser resolves no entities and loads no DTD or
anything from the network (no XXE, no entity expansion), and keeps libxml2's limits on depth and
text size; every part is inflated against one shared byte budget, after its declared size and
compression ratio were checked, because a zip's header can lie. Sections are parsed as a stream,
one top-level paragraph at a time, so memory follows the largest paragraph, not the document.
(lxml rather than defusedxml: defusedxml swaps in ElementTree's pure-Python parser, four times
slower on the large sections of real announcements.)
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
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
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
Element = Any  # lxml has no type stubs


def hwpx_text(data: bytes) -> str:
    """The text of the HWPX file ``data``: paragraphs one per line, table rows as lines of
    tab-separated cells. Raises ``Malformed`` for a damaged file or one that inflates beyond
    ``MAX_DECOMPRESSED_BYTES``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Malformed(f"not a readable zip file ({exc})") from exc
    with archive:
        budget = _Budget(MAX_DECOMPRESSED_BYTES)
        lines: list[str] = []
        for name in _section_names(archive, budget):
            with _open_member(archive, name, budget) as stream:
                lines.extend(_section_lines(stream, name))
        return "\n".join(lines)


class _Budget:
    """Decompressed bytes still allowed for this file."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise Malformed("too large when decompressed")


class _CappedReader(io.RawIOBase):
    """A zip member read through the budget: stops the parser the moment the file has inflated
    past its allowance, whatever the member's header claimed."""

    def __init__(self, member: IO[bytes], budget: _Budget) -> None:
        self._member = member
        self._budget = budget

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._member.read(_READ_CHUNK if size < 0 else min(size, _READ_CHUNK))
        self._budget.spend(len(chunk))
        return chunk

    def close(self) -> None:
        self._member.close()
        super().close()


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
        try:
            package = etree.fromstring(_read_all(stream), etree.XMLParser(**_SAFE))
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


def _read_all(stream: _CappedReader) -> bytes:
    chunks = []
    while chunk := stream.read(_READ_CHUNK):
        chunks.append(chunk)
    return b"".join(chunks)


def _section_lines(stream: _CappedReader, name: str) -> Iterator[str]:
    """The lines of one section, parsed as a stream: each top-level paragraph is read when it
    ends, then dropped from the tree."""
    depth = 0
    root: Element | None = None
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), **_SAFE):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                continue
            depth -= 1
            if depth == 1 and root is not None:
                if _local(element.tag) == "p":
                    yield from _paragraph_lines(element)
                root.remove(element)
    except etree.LxmlError as exc:
        raise Malformed(f"{name} is not valid XML ({exc})") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Malformed(f"{name} cannot be inflated ({exc})") from exc


def _paragraph_lines(paragraph: Element) -> list[str]:
    """A paragraph's own text as one line, then each table or text box it anchors."""
    text: list[str] = []
    blocks: list[str] = []

    def walk(element: Element) -> None:
        for child in element:
            name = _local(child.tag)
            if name == "t":
                text.append(_run_text(child))
            elif name == "tbl":
                blocks.append(_table_text(child))
            elif name == "p":  # a paragraph of a text box, footnote or header: a line of its own
                blocks.extend(_paragraph_lines(child))
            else:
                walk(child)

    walk(paragraph)
    return ["".join(text), *blocks]


def _run_text(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(_INLINE_TEXT.get(_local(child.tag), ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _table_text(table: Element) -> str:
    rows: list[str] = []
    for row in _children(table, "tr"):
        cells = []
        for cell in _children(row, "tc"):
            lines = [line for p in _cell_paragraphs(cell) for line in _paragraph_lines(p)]
            cells.append(_WHITESPACE_RUN.sub(" ", " ".join(lines)).strip())
        rows.append("\t".join(cells))
    return "\n".join(rows)


def _cell_paragraphs(cell: Element) -> Iterator[Element]:
    """The paragraphs directly in a cell (under its ``subList``), not those of nested tables,
    which their own paragraph reads."""
    for child in cell:
        if _local(child.tag) == "p":
            yield child
        elif _local(child.tag) == "subList":
            yield from _cell_paragraphs(child)


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _local(tag: Any) -> str:
    """The name without its namespace: files differ in prefixes and namespace years, and a
    comment or processing instruction has a non-string tag."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
