"""Application periods (신청기간): parse what the portals write, never invent a date.

Formats seen live (PORTALS.md "Periods"): ``2026-06-17 ~ 2026-07-10``, ``20220727 ~ 20220930``,
``26.07.10``, ``2026.07.10``, ``2026년 7월 10일``, separators ``~ ∼ ～ 〜 -``, times after dates,
one-sided ranges, and free text ("예산 소진시까지", "상시 접수", "추후 공지", "공고문 참조").
All dates are Korean calendar dates (Asia/Seoul); ``today`` is passed in by the caller.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass

from paperwork.vocabulary import ROLLING_PERIOD_KINDS, PeriodKind

STATUS_UPCOMING = "접수예정"
STATUS_OPEN = "접수중"
STATUS_CLOSED = "마감"
STATUS_ROLLING = "상시"

# Words shown for a kind when the source gave a start date but no end.
_KIND_WORDS = {
    PeriodKind.until_budget: "예산 소진시까지",
    PeriodKind.rolling: "상시",
    PeriodKind.tba: "추후 공지",
}

_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<y4>\d{4})\s*[-./년]\s*(?P<m4>\d{1,2})\s*[-./월]\s*(?P<d4>\d{1,2})(?!\d)\s*일?"
    r"|(?P<y8>\d{4})(?P<m8>\d{2})(?P<d8>\d{2})(?!\d)"
    r"|(?P<y2>\d{2})\s*[-./]\s*(?P<m2>\d{1,2})\s*[-./]\s*(?P<d2>\d{1,2})(?!\d)"
    r")"
)
# What may follow a date before the range separator: "(목)", "18:00", "오후 6시".
_AFTER_DATE = re.compile(
    r"^\.?\s*(?:\([월화수목금토일]\))?\s*(?:(?:오전|오후)\s*)?"
    r"(?:\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?|\d{1,2}\s*시(?:\s*\d{1,2}\s*분)?)?\s*"
)
_TILDES = str.maketrans({"∼": "~", "～": "~", "〜": "~", "〰": "~", "–": "-", "—": "-"})


@dataclass(frozen=True)
class Period:
    """A parsed period; ``text`` is the source's words."""

    start: dt.date | None
    end: dt.date | None
    kind: PeriodKind
    text: str


def _clean(text: str | None) -> str:
    value = text or ""
    for _ in range(3):  # double-escaped entities (&amp;amp;) need more than one pass
        unescaped = html.unescape(value)
        if unescaped == value:
            break
        value = unescaped
    value = unicodedata.normalize("NFC", value).translate(_TILDES)
    return " ".join(value.split())


def _date_of(match: re.Match[str]) -> dt.date | None:
    groups = match.groupdict()
    for suffix in ("4", "8", "2"):
        if groups[f"y{suffix}"] is not None:
            year = int(groups[f"y{suffix}"])
            if suffix == "2":
                year += 2000
            try:
                return dt.date(year, int(groups[f"m{suffix}"]), int(groups[f"d{suffix}"]))
            except ValueError:  # "2026-02-30" is a typo, not a date we may guess at
                return None
    return None


def parse_date(text: str | None) -> dt.date | None:
    """The first real date in ``text`` (any supported format), or None."""
    for match in _DATE.finditer(_clean(text)):
        found = _date_of(match)
        if found is not None:
            return found
    return None


def _kind_from_words(text: str) -> PeriodKind:
    squashed = text.replace(" ", "")
    # "상시 접수(예산 소진 시 마감)" is open until the money runs out: the budget wins.
    if "소진" in squashed:
        return PeriodKind.until_budget
    if "상시" in squashed or "수시" in squashed:
        return PeriodKind.rolling
    if re.search(r"추후(공지|공고|안내|확정|결정)|미정|별도(공지|공고|안내)", squashed):
        return PeriodKind.tba
    return PeriodKind.unknown


def parse_period(text: str | None) -> Period:
    """Parse a free-form 신청기간.

    Two or more dates: first is the start, last is the end. One date: the side of the ``~``
    (or "부터"/"까지") decides; a bare date is read as the deadline, the one date a reader of
    a list of announcements looks for. No date: the words decide the kind.
    """
    cleaned = _clean(text)
    found: list[tuple[re.Match[str], dt.date]] = []
    for match in _DATE.finditer(cleaned):
        date = _date_of(match)
        if date is not None:
            found.append((match, date))
    words_kind = _kind_from_words(cleaned)
    if len(found) >= 2:
        return Period(found[0][1], found[-1][1], PeriodKind.dated, cleaned)
    if len(found) == 1:
        match, date = found[0]
        before = cleaned[: match.start()].rstrip()
        after = cleaned[match.end() :]
        trailer = _AFTER_DATE.match(after)
        if trailer is not None:
            after = after[trailer.end() :]
        if not before.endswith(("~", "-")) and after.startswith(("~", "-", "부터")):
            # "2026-03-01 ~ 예산 소진시까지": a start, and the words say how it ends.
            kind = words_kind if words_kind in _KIND_WORDS else PeriodKind.dated
            return Period(date, None, kind, cleaned)
        return Period(None, date, PeriodKind.dated, cleaned)
    return Period(None, None, words_kind, cleaned)


def period_from_fields(start: str | None, end: str | None) -> Period:
    """Two separate date fields (kstartup ``yyyyMMdd``, mss ``YYYY-MM-DD``); either may be empty."""
    start_date, end_date = parse_date(start), parse_date(end)
    words = " ~ ".join(part for part in (_clean(start), _clean(end)) if part)
    kind = PeriodKind.dated if start_date or end_date else _kind_from_words(words)
    return Period(start_date, end_date, kind, words)


def period_label(period: Period) -> str | None:
    """The ``application_period`` text: ``YYYY-MM-DD ~ YYYY-MM-DD`` or the source's words."""
    if period.start and period.end:
        return f"{period.start.isoformat()} ~ {period.end.isoformat()}"
    if period.start:
        words = _KIND_WORDS.get(period.kind)
        return f"{period.start.isoformat()} ~ {words}" if words else f"{period.start.isoformat()} ~"
    if period.end:
        return f"~ {period.end.isoformat()}"
    return period.text or None


def application_status(period: Period, today: dt.date) -> str | None:
    """접수예정 / 접수중 / 마감 / 상시, or None when the source does not say (tba, unknown)."""
    if period.start and today < period.start:
        return STATUS_UPCOMING
    if period.kind in ROLLING_PERIOD_KINDS:
        return STATUS_ROLLING
    if period.kind != PeriodKind.dated:
        return None
    if period.end and today > period.end:
        return STATUS_CLOSED
    return STATUS_OPEN
