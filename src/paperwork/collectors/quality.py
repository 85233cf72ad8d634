"""How complete a normalised program is (0..10), and a hash that changes only with its content.

Quality rubric (total 10 points; ``QualityScore.reasons`` names every point lost):

| criterion            | points | how                                                              |
|----------------------|--------|------------------------------------------------------------------|
| title                | 2      | present, ≥ 5 characters (a shorter title scores 1)               |
| agency               | 1.5    | ``implementing_agency`` present                                  |
| application period   | 2      | both dates, or rolling / until budget: 2; one date: 1.5;         |
|                      |        | "추후 공지" (tba): 0.5; unparsed words or nothing: 0      |
| description          | 2      | ≥ 300 characters: 2; ≥ 100: 1.5; ≥ 30: 1; shorter: 0.5; none: 0  |
| target audience      | 1      | ``target_audience`` present                                      |
| detail URL           | 1      | an absolute http(s) ``detail_url``                               |
| attachments          | 0.5    | at least one attachment (notice file or form)                    |

The content hash covers every ``NormalizedProgram`` field except the volatile ones
(``VOLATILE_FIELDS``): ``view_count`` changes on every fetch and ``application_status`` changes
with the calendar, neither is a change of the announcement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from paperwork.collectors.base import NormalizedProgram
from paperwork.vocabulary import ROLLING_PERIOD_KINDS, PeriodKind

RUBRIC: dict[str, float] = {
    "title": 2.0,
    "agency": 1.5,
    "period": 2.0,
    "description": 2.0,
    "target": 1.0,
    "url": 1.0,
    "attachments": 0.5,
}
VOLATILE_FIELDS = frozenset({"view_count", "application_status"})
_FIELD_NAMES = tuple(field.name for field in dataclasses.fields(NormalizedProgram))


@dataclass(frozen=True)
class QualityScore:
    score: float  # 0..10, rounded to one decimal
    reasons: list[str]  # why points were lost, in rubric order; empty for a perfect 10


def _period_points(program: NormalizedProgram) -> tuple[float, str | None]:
    if program.apply_start and program.apply_end:
        return 2.0, None
    if program.period_kind in ROLLING_PERIOD_KINDS:
        return 2.0, None
    if program.apply_start or program.apply_end:
        return 1.5, "period has only one date"
    if program.period_kind == PeriodKind.tba:
        return 0.5, "period to be announced"
    return 0.0, "no parsed application period"


def _description_points(description: str | None) -> tuple[float, str | None]:
    length = len(description or "")
    if length >= 300:
        return 2.0, None
    if length == 0:
        return 0.0, "no description"
    points = 1.5 if length >= 100 else 1.0 if length >= 30 else 0.5
    return points, f"short description ({length} chars)"


def quality_score(program: NormalizedProgram) -> QualityScore:
    """Score a program with the rubric in this module's docstring."""
    score = 0.0
    reasons: list[str] = []
    title = (program.title or "").strip()
    if len(title) >= 5:
        score += RUBRIC["title"]
    elif title:
        score += 1.0
        reasons.append("very short title")
    else:
        reasons.append("no title")
    if program.implementing_agency:
        score += RUBRIC["agency"]
    else:
        reasons.append("no agency")
    for points, reason in (
        _period_points(program),
        _description_points(program.description),
    ):
        score += points
        if reason:
            reasons.append(reason)
    if program.target_audience:
        score += RUBRIC["target"]
    else:
        reasons.append("no target audience")
    if program.detail_url and program.detail_url.startswith(("http://", "https://")):
        score += RUBRIC["url"]
    else:
        reasons.append("no detail URL")
    if program.attachments:
        score += RUBRIC["attachments"]
    else:
        reasons.append("no attachments")
    return QualityScore(score=round(min(score, 10.0), 1), reasons=reasons)


def program_fields(program: NormalizedProgram) -> dict[str, Any]:
    """Every field as JSON-able values (dates as ISO strings), for storage and diffing."""
    # A shallow read, not dataclasses.asdict's deep copy: this runs for every ingested item.
    fields = {name: getattr(program, name) for name in _FIELD_NAMES}
    for name, value in fields.items():
        if isinstance(value, dt.date):
            fields[name] = value.isoformat()
    return fields


def content_hash(program: NormalizedProgram) -> str:
    """sha256 hex of the canonical JSON of every non-volatile field."""
    fields = {k: v for k, v in program_fields(program).items() if k not in VOLATILE_FIELDS}
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
