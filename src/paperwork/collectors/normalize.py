"""Pure clean-up shared by every collector: text, URLs, attachments, regions, amounts, sections.

Nothing here does I/O. Periods live in ``periods.py`` and the quality score and content hash in
``quality.py``; both are re-exported here so callers need one import::

    from paperwork.collectors.normalize import parse_period, quality_score, content_hash
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from paperwork.collectors.periods import (
    STATUS_CLOSED,
    STATUS_OPEN,
    STATUS_ROLLING,
    STATUS_UPCOMING,
    Period,
    application_status,
    parse_date,
    parse_period,
    period_from_fields,
    period_label,
)
from paperwork.collectors.quality import (
    RUBRIC,
    VOLATILE_FIELDS,
    QualityScore,
    content_hash,
    program_fields,
    quality_score,
)

__all__ = [
    "CRITERIA_HEADINGS",
    "DOCUMENT_HEADINGS",
    "PROVINCES",
    "RUBRIC",
    "STATUS_CLOSED",
    "STATUS_OPEN",
    "STATUS_ROLLING",
    "STATUS_UPCOMING",
    "VOLATILE_FIELDS",
    "Period",
    "QualityScore",
    "absolute_url",
    "announcement_fields",
    "application_status",
    "attachments_from_joined",
    "clean_multiline",
    "clean_text",
    "content_hash",
    "dedupe_attachments",
    "extract_amount",
    "extract_section",
    "parse_date",
    "parse_period",
    "period_fields",
    "period_from_fields",
    "period_label",
    "program_fields",
    "quality_score",
    "regions_in",
    "split_list",
]

PROVINCES = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종",
    "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip
# Agencies write the official names ("경상남도", "전북특별자치도"); regions use the short ones.
_PROVINCE_FULL = {
    "서울특별시": "서울", "부산광역시": "부산", "대구광역시": "대구", "인천광역시": "인천",
    "광주광역시": "광주", "대전광역시": "대전", "울산광역시": "울산", "세종특별자치시": "세종",
    "경기도": "경기", "강원특별자치도": "강원", "강원도": "강원", "충청북도": "충북",
    "충청남도": "충남", "전북특별자치도": "전북", "전라북도": "전북", "전라남도": "전남",
    "경상북도": "경북", "경상남도": "경남", "제주특별자치도": "제주",
}  # fmt: skip

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_BLOCK_END = re.compile(
    r"<\s*br\s*/?\s*>|<\s*/\s*(?:p|div|li|tr|h[1-6]|table|ul|ol|dd|dt)\s*>|<\s*li[^>]*>",
    re.IGNORECASE,
)


def _unescape(value: str) -> str:
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
    value = _unescape(value).replace("\r\n", "\n").replace("\r", "\n")
    if _TAG.search(value):
        value = _unescape(_html_text(_BLOCK_END.sub("\n", value)))
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


# "www.nipa.kr/home" is a host without its scheme; "selectSIIA200Detail.do?x=1" is a relative
# path whose ".do" only looks like a top-level domain, hence the short list of real ones.
_BARE_HOST = re.compile(
    r"^(?:[a-z0-9-]+\.)+(?:kr|com|net|org|io|biz|info)(?::\d+)?(?:[/?#]|$)", re.IGNORECASE
)


def absolute_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL: entities decoded, scheme added to ``www.x.go.kr/...``."""
    if not url:
        return None
    value = _unescape(str(url)).strip()
    if not value or value.lower() in ("null", "none", "-") or value.startswith("#"):
        return None
    if value.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    if value.startswith("//"):
        value = "https:" + value
    elif value[:8].lower().startswith(("http://", "https://")):
        pass  # already absolute: most portal links, and the quick way out
    elif not urlsplit(value).scheme and _BARE_HOST.match(value):
        value = "https://" + value
    elif base:
        value = urljoin(base, value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return value.replace(" ", "%20")


def dedupe_attachments(
    pairs: Iterable[tuple[str | None, str | None]], base: str
) -> list[dict[str, str]]:
    """``[{"name", "url"}]`` with absolute URLs, in order, each URL once; unnamed → 첨부파일 N."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for name, url in pairs:
        absolute = absolute_url(url, base)
        if absolute is None or absolute in seen:
            continue
        seen.add(absolute)
        out.append({"name": clean_text(name) or f"첨부파일 {len(out) + 1}", "url": absolute})
    return out


def attachments_from_joined(names: str | None, paths: str | None) -> list[tuple[str | None, str]]:
    """bizinfo's ``fileNm``/``flpthNm``: several files joined with ``@``, in the same order."""
    url_list = [p.strip() for p in (paths or "").split("@") if p.strip()]
    name_list = [n.strip() for n in (names or "").split("@")] if names else []
    # The two lists come from one upload form; when they disagree, a URL without its name is
    # still worth a link, a name without a URL is not.
    return [
        (name_list[i] if i < len(name_list) and name_list[i] else None, url)
        for i, url in enumerate(url_list)
    ]


def regions_in(*texts: str | None) -> list[str]:
    """Province short names mentioned in hashtags, a "[경기]" title prefix or an agency name."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        value = unicodedata.normalize("NFC", text)
        for full, short in _PROVINCE_FULL.items():
            value = value.replace(full, short)
        tokens = re.split(r"[\s,\[\]()#/·ㆍ]+", value)
        for token in tokens:
            if token in PROVINCES and token not in found:
                found.append(token)
    return found


# The number first: a pattern that starts with an optional prefix is tried at every character,
# one that starts with a digit skips ahead to the next digit (six times faster on a body).
_AMOUNT = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*"
    r"(?P<unit>억(?:\s*\d[\d,]*\s*(?:천만|백만|만))?|천만|백만|만)?\s*"
    r"(?P<won>원)?"
)
_AMOUNT_PREFIXES = (
    "최대", "최고", "최소", "한도", "총", "연간",
    "기업당", "개사당", "과제당", "팀당", "1인당", "업체당",
)  # fmt: skip
_MAX_PREFIXES = ("최대", "최고", "한도")


def _amount_prefix(before: str) -> str | None:
    """The qualifier written just before an amount ("최대 1억원"), if any."""
    before = before.rstrip()
    return next((prefix for prefix in _AMOUNT_PREFIXES if before.endswith(prefix)), None)


def extract_amount(text: str | None) -> str | None:
    """The support amount the text states ("최대 1억원", "1,000만원"), preferring a "최대" one."""
    if not text:
        return None
    value = clean_text(text) or ""
    candidates: list[tuple[bool, str]] = []
    for match in _AMOUNT.finditer(value):
        num, unit, won = match["num"], match["unit"], match["won"]
        digits = num.replace(",", "")
        if not won and not (unit or "").startswith("억"):
            continue  # "100만 명", "3만 개" are counts, not money; "최대 1억 지원" is money
        if not unit and len(digits.split(".")[0]) < 5:
            continue  # "500원" is a fee, "2026원" a misread year, not a support amount
        amount = num + " ".join((unit or "").split()) + "원"
        prefix = _amount_prefix(value[max(0, match.start() - 8) : match.start()])
        label = f"{prefix} {amount}" if prefix else amount
        candidates.append((prefix in _MAX_PREFIXES, label))
    for is_max, label in candidates:
        if is_max:
            return label
    return candidates[0][1] if candidates else None


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


def period_fields(period: Period, today: dt.date) -> dict[str, Any]:
    """The program's period columns, as every portal fills them from a parsed period."""
    return {
        "application_period": period_label(period),
        "apply_start": period.start,
        "apply_end": period.end,
        "period_kind": period.kind,
        "application_status": application_status(period, today),
    }


def announcement_fields(text: str | None) -> dict[str, Any]:
    """What the announcement's own words state: the amount, 제출서류 and 평가/심사기준."""
    return {
        "support_amount": extract_amount(text),
        "required_documents": extract_section(text, DOCUMENT_HEADINGS),
        "evaluation_criteria": extract_section(text, CRITERIA_HEADINGS),
    }
