"""The support amount an announcement states ("최대 1억원"), read from its words (pure).

A module of its own: the amount pattern is tuned for speed on long bodies and has its own rules
for what is money and what is a count.
"""

from __future__ import annotations

import re

from paperwork.collectors.normalize.text import clean_text

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
