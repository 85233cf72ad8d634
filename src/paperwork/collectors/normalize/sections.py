"""Sections of an announcement's body (제출서류, 평가기준, ...) and the items listed under them.

Pure: the heading and marker rules are the one place that knows how Korean announcements lay
out their sections.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

# A heading marker at the start of a line, and the words that start the sections we know.
_MARKER = re.compile(
    r"^\s*(?P<m>[□■◎●◆◇▶▷▣◈○◦•※\-*·ㆍ]|[①-⑳]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.?|\d{1,2}[.)]|\(\d{1,2}\)"
    r"|[가-하][.)]|[\[【<〈])\s*"
)
_KNOWN_HEADINGS = (
    "사업개요", "사업목적", "지원대상", "신청대상", "지원자격", "지원내용", "지원규모", "지원금액",
    "지원분야", "신청기간", "접수기간", "모집기간", "신청방법", "접수방법", "제출서류", "구비서류",
    "신청서류", "평가기준", "심사기준", "평가항목", "선정기준", "선정절차", "평가절차", "추진일정",
    "문의처", "문의", "유의사항", "기타사항", "지원제외", "신청제외", "제외대상", "사업내용",
)  # fmt: skip
_CLOSERS = "]】>〉:："
# Markers that announce a section rather than an item of a list.
_HEADING_MARKERS = frozenset("□■◎●◆◇▶▷▣◈[【<〈") | {"roman", "num.", "hangul."}


_NUM = re.compile(r"\d{1,2}[.)]")
_PNUM = re.compile(r"\(\d{1,2}\)")
_HANGUL = re.compile(r"[가-하][.)]")
_CIRCLED = re.compile(r"[①-⑳]")
_ROMAN = re.compile(r"[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.?")


def _marker_class(marker: str) -> str:
    if _NUM.fullmatch(marker):
        return "num" + marker[-1]
    if _PNUM.fullmatch(marker):
        return "pnum"
    if _HANGUL.fullmatch(marker):
        return "hangul" + marker[-1]
    if _CIRCLED.fullmatch(marker):
        return "circled"
    if _ROMAN.fullmatch(marker):
        return "roman"
    return marker


@functools.cache
def _headings_by_first_letter(headings: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for heading in (*headings, *_KNOWN_HEADINGS):
        grouped.setdefault(heading[:1], []).append(heading)
    return {letter: tuple(group) for letter, group in grouped.items()}


def _split_marker(line: str) -> tuple[str | None, str]:
    match = _MARKER.match(line)
    if match is None:
        return None, line.strip()
    return _marker_class(match["m"]), line[match.end() :].strip()


def _heading(marker: str | None, body: str, headings: Sequence[str]) -> tuple[str, str] | None:
    """``(heading, rest of line)`` when the line is a section heading, else None.

    A line is a heading when it starts with a known heading word and either carries a section
    marker ("□ 제출서류", "1. 평가기준") or ends or breaks there ("제출서류", "제출서류: ...").
    "- 지원대상 확인서 1부" is an item that happens to start with a heading word.
    """
    squashed = body.replace(" ", "")
    candidates = _headings_by_first_letter(tuple(headings)).get(squashed[:1])
    if not candidates:  # most lines: no heading starts with their first letter
        return None
    for heading in candidates:
        if not squashed.startswith(heading):
            continue
        count, i = 0, 0  # walk the original text past the heading's letters (spaces may split it)
        while i < len(body) and count < len(heading):
            if body[i] != " ":
                count += 1
            i += 1
        rest = body[i:]
        stripped = rest.strip()
        breaks = not stripped or stripped[0] in _CLOSERS or stripped.startswith(("및", "("))
        if breaks or (marker in _HEADING_MARKERS and len(body) <= 30):
            return heading, stripped.lstrip(_CLOSERS).strip()
    return None


def extract_section(text: str | None, headings: Sequence[str]) -> list[str]:
    """Items listed under the first of ``headings`` until the next heading.

    ``text`` should keep its line breaks (``clean_multiline``). Content on the heading's own line
    ("제출서류: 사업계획서, 재무제표") counts, split at commas.
    """
    if not text:
        return []
    lines = [line for line in text.split("\n") if line.strip()]
    for index, line in enumerate(lines):
        # A heading line holds its word (spaces aside); most lines hold none, and are skipped
        # before the costlier marker parse.
        squashed = line.replace(" ", "")
        if not any(heading in squashed for heading in headings):
            continue
        marker, body = _split_marker(line)
        found = _heading(marker, body, headings)
        if found is None or found[0] not in headings:
            continue
        rest = found[1]
        items = [part.strip() for part in re.split(r"[,，]", rest) if part.strip()] if rest else []
        for follower in lines[index + 1 :]:
            f_marker, f_body = _split_marker(follower)
            if marker is not None and f_marker == marker and marker in _HEADING_MARKERS:
                break  # a sibling section ("□ 평가기준" after "□ 제출서류")
            if f_marker not in _ITEM_MARKERS and _heading(f_marker, f_body, ()) is not None:
                break
            if f_body:
                items.append(f_body)
        return items[:40]
    return []


_ITEM_MARKERS = frozenset("-·ㆍ•○◦*※") | {"circled", "num)", "pnum", "hangul)"}


DOCUMENT_HEADINGS = ("제출서류", "구비서류", "신청서류")
CRITERIA_HEADINGS = ("평가기준", "심사기준", "평가항목", "선정기준")
