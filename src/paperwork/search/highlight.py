"""Search highlights (issue 12): a title with every match of the query marked, and a short snippet
of a description around its first match. Everything but the ``<mark>`` tags is HTML-escaped.

A match is where a term's :attr:`~paperwork.search.tokens.QueryTerm.pattern` (or one of its
abbreviation alternatives') matches the folded text, the rule the search keeps a program by.
Folding can change lengths ("ß" → "ss", "㈜" → "(주)", "ＡＩ" → "ai"), so the text is folded piece
by piece and each match mapped back onto the original characters: a mark always covers whole
original characters. Each piece of text is escaped on its own, so a mark never lands inside an
escape (and a query "lt" never marks the "&lt;" a "<" becomes).
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from paperwork.search.normalize import fold
from paperwork.search.tokens import QueryTerm

ELLIPSIS = "…"
# How far from the ideal cut a snippet looks for a space, to start and end on whole words.
_WORD_SLACK = 15

Span = tuple[int, int]

# A description is thousands of characters of a few hundred distinct ones: fold each once.
_fold_piece = lru_cache(maxsize=16384)(fold)


def _continues(char: str) -> bool:
    """Whether ``char`` joins the character before it under NFKC (a combining mark, a conjoining
    Hangul vowel or final consonant): they are folded together, as ``fold`` on the whole text
    does, so decomposed Hangul (a macOS-made file's "한" as three jamo) still matches."""
    return (
        unicodedata.combining(char) != 0
        or "\u1160" <= char <= "\u11ff"
        or "\ud7b0" <= char <= "\ud7ff"
    )


def _fold_with_origin(text: str) -> tuple[str, list[Span]]:
    """``text`` folded, and for each folded character the span of ``text`` it came from."""
    casefolded = text.casefold()
    # Most portal text (precomposed Hangul, ASCII) folds character for character: casefold never
    # maps a character to nothing, so equal lengths mean one each, and NFKC then changes nothing.
    if (
        len(casefolded) == len(text)
        and unicodedata.is_normalized("NFKC", text)
        and unicodedata.is_normalized("NFKC", casefolded)
    ):
        return fold(text), [(i, i + 1) for i in range(len(text))]
    pieces: list[str] = []
    origin: list[Span] = []
    start = 0
    for end in range(1, len(text) + 1):
        if end == len(text) or not _continues(text[end]):
            piece = _fold_piece(text[start:end])
            pieces.append(piece)
            origin.extend([(start, end)] * len(piece))
            start = end
    return "".join(pieces), origin


def _match_spans(text: str, groups: Sequence[Sequence[QueryTerm]]) -> list[Span]:
    """Every match of any term, as sorted spans of ``text``; overlapping or touching ones merged
    so that neighbouring matches make one mark."""
    folded, origin = _fold_with_origin(text)
    found: list[Span] = []
    for term in (term for group in groups for term in group):
        match = term.pattern.search(folded)
        while match is not None:
            if match.end() > match.start():
                found.append((origin[match.start()][0], origin[match.end() - 1][1]))
            # From the next character, not the match's end: a repeated word ("하하하") overlaps.
            match = term.pattern.search(folded, match.start() + 1)
    merged: list[Span] = []
    for begin, end in sorted(found):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _render(text: str, spans: Sequence[Span]) -> str:
    parts: list[str] = []
    at = 0
    for begin, end in spans:
        parts += [html.escape(text[at:begin]), "<mark>", html.escape(text[begin:end]), "</mark>"]
        at = end
    parts.append(html.escape(text[at:]))
    return "".join(parts)


def highlight_title(text: str, groups: Sequence[Sequence[QueryTerm]]) -> str:
    """``text`` HTML-escaped with every match of any term of any group in ``<mark>``."""
    return _render(text, _match_spans(text, groups))


def description_snippet(
    text: str | None,
    groups: Sequence[Sequence[QueryTerm]],
    *,
    width: int = 120,
    only_matching: bool = False,
) -> str | None:
    """About ``width`` characters of ``text`` from a little before its first match (its start
    when nothing matches), escaped, matches marked, "…" at each end that was cut; None when
    there is no text (``only_matching``: or no match)."""
    if text is None or not text.strip():
        return None
    # One line: a snippet of a sentence or two has no use for the description's line breaks.
    text = " ".join(text.split())
    spans = _match_spans(text, groups)
    if only_matching and not spans:
        return None
    if len(text) <= width:
        return _render(text, spans)
    first = spans[0] if spans else (0, 0)
    # A quarter of the width before the match, but a full width when the match is near the end.
    start = max(0, min(first[0] - width // 4, len(text) - width))
    if start > 0:
        space = text.find(" ", start, first[0])
        start = space + 1 if space != -1 and space - start <= _WORD_SLACK else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", max(first[1], end - _WORD_SLACK), end)
        end = space if space > start else end
    # Never cut between a letter and the marks or jamo that make it one character with it.
    while start < first[0] and _continues(text[start]):
        start += 1
    while start < end < len(text) and _continues(text[end]):
        end -= 1
    # The marks that show, clipped to the snippet and counted from its start.
    inside = [
        (max(b, start) - start, min(e, end) - start) for b, e in spans if b < end and e > start
    ]
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text) else ""
    return before + _render(text[start:end], inside) + after
