"""The quality rubric and the content hash."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from paperwork.collectors.base import NormalizedProgram
from paperwork.collectors.quality import content_hash, program_fields, quality_score
from paperwork.vocabulary import PeriodKind

D = dt.date


def _complete() -> NormalizedProgram:
    return NormalizedProgram(
        portal_id="bizinfo",
        external_id="PBLN_000000000117842",
        title="2026년 중소기업 기술혁신개발사업 공고",
        implementing_agency="중소기업기술정보진흥원",
        application_period="2026-11-20 ~ 2026-12-10",
        apply_start=D(2026, 11, 20),
        apply_end=D(2026, 12, 10),
        period_kind=PeriodKind.dated,
        application_status="접수중",
        target_audience="중소기업",
        description="가" * 300,
        attachments=[{"name": "공고문.hwp", "url": "https://www.bizinfo.go.kr/f?1"}],
        detail_url="https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId=P",
        view_count=10,
    )


def test_quality_score_complete_program_is_ten() -> None:
    assert quality_score(_complete()) == quality_score(_complete())
    result = quality_score(_complete())
    assert (result.score, result.reasons) == (10.0, [])


def test_quality_score_names_what_is_missing() -> None:
    program = dataclasses.replace(
        _complete(),
        implementing_agency=None,
        apply_start=None,
        apply_end=None,
        period_kind=PeriodKind.unknown,
        description="짧은 설명",
        attachments=[],
    )
    result = quality_score(program)
    assert result.score == 10 - 1.5 - 2 - 1.5 - 0.5
    assert result.reasons == [
        "no agency",
        "no parsed application period",
        "short description (5 chars)",
        "no attachments",
    ]


@pytest.mark.parametrize(
    ("kind", "start", "end", "points"),
    [
        (PeriodKind.rolling, None, None, 2.0),
        (PeriodKind.until_budget, None, None, 2.0),
        (PeriodKind.dated, None, D(2026, 12, 1), 1.5),
        (PeriodKind.tba, None, None, 0.5),
    ],
)
def test_quality_score_period_points(
    kind: PeriodKind, start: dt.date | None, end: dt.date | None, points: float
) -> None:
    program = dataclasses.replace(_complete(), period_kind=kind, apply_start=start, apply_end=end)
    assert quality_score(program).score == 8.0 + points


def test_content_hash_ignores_view_count_and_status_only() -> None:
    base = content_hash(_complete())
    assert len(base) == 64
    assert content_hash(dataclasses.replace(_complete(), view_count=9999)) == base
    assert content_hash(dataclasses.replace(_complete(), application_status="마감")) == base
    assert content_hash(dataclasses.replace(_complete(), title="정정 공고")) != base
    assert content_hash(dataclasses.replace(_complete(), apply_end=D(2026, 12, 11))) != base
    changed = _complete()
    changed.attachments.append({"name": "추가", "url": "https://x.go.kr/2"})
    assert content_hash(changed) != base


def test_program_fields_are_json_ready() -> None:
    fields = program_fields(_complete())
    assert fields["apply_start"] == "2026-11-20"
    assert fields["view_count"] == 10
