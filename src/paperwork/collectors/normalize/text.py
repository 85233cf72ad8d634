"""Portal text made plain: HTML and entities gone, whitespace tidied, NFC — the first step of
every field a parser reads (pure: no I/O).

Kept apart from the other clean-up modules because everything else (links, sections, amounts)
reads text this module has already cleaned.
"""

from __future__ import annotations

import html
import re
import unicodedata

import lxml.html
from lxml import etree

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_BLOCK_END = re.compile(
    r"<\s*br\s*/?\s*>|<\s*/\s*(?:p|div|li|tr|h[1-6]|table|ul|ol|dd|dt)\s*>|<\s*li[^>]*>",
    re.IGNORECASE,
)


def unescape(value: str) -> str:
    """HTML entities decoded, up to three times (the live data escapes some twice)."""
    for _ in range(3):  # "&amp;amp;" is escaped twice in the live data
        unescaped = html.unescape(value)
        if unescaped == value:
            return value
        value = unescaped
    return value


# What only a parser reads right: comments and CDATA (may hold ">"), scripts and styles (their
# text must go, not stay).
_NEEDS_PARSER = re.compile(r"<\s*(?:!|script|style)", re.IGNORECASE)


def _html_text(markup: str) -> str:
    if not _NEEDS_PARSER.search(markup):
        # Plain tags around text (most portal bodies): dropping them is all a parse would do,
        # at a fraction of its cost.
        return _TAG.sub("", markup)
    # lxml directly, not BeautifulSoup: ten times faster.
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing parseable: drop what looks like tags
        return _TAG.sub("", markup)
    for junk in root.iter("script", "style"):
        junk.drop_tree()
    return str(root.text_content())


def _to_text(value: str) -> str:
    """Entities decoded, tags dropped (block tags become line breaks), NFC."""
    value = unescape(value).replace("\r\n", "\n").replace("\r", "\n")
    if _TAG.search(value):
        value = unescape(_html_text(_BLOCK_END.sub("\n", value)))
    return unicodedata.normalize("NFC", value.replace("\xa0", " "))


def clean_text(value: str | None) -> str | None:
    """One line of text: HTML and entities gone, whitespace collapsed; None when empty."""
    if value is None:
        return None
    text = " ".join(_to_text(str(value)).split())
    return text or None


def clean_multiline(value: str | None) -> str | None:
    """Text that keeps its line breaks (bodies, 제출서류 lists); blank-line runs collapsed."""
    if value is None:
        return None
    lines = [" ".join(line.split()) for line in _to_text(str(value)).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    text = "\n".join(kept).strip()
    return text or None


def split_list(value: str | None, separators: str = ",") -> list[str]:
    """Split a comma list. ``ㆍ`` (U+318D) joins words inside one entry and is kept."""
    text = clean_text(value)
    if not text:
        return []
    items = re.split("[" + re.escape(separators) + "]", text)
    return [item.strip() for item in items if item.strip()]
