"""Matching saved searches a pass at a time (alerts/matching.py): split into atoms, each asked once
over the candidates and combined in memory, a search matches exactly what the list's own SQL
(``v1_repository.conditions``) selects for it — repeated values, statuses, words, dates, and
dedupe's twins (one of them outside the candidates) included — on both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from apptest import Clock
from paperwork.alerts import matching
from paperwork.alerts.v1_schemas import AlertQuery
from paperwork.db import Database
from paperwork.models import SupportProgram
from paperwork.programs import v1_repository
from paperwork.timeutil import SEOUL

SEARCHES: list[dict[str, Any]] = [
    {},
    {"q": "창업"},
    {"q": "수출 바우처"},
    {"q": "R&D", "status": ["open"]},
    {"region": ["서울", "부산"]},
    {"region": "서울", "category": ["기술"], "status": ["open", "upcoming"]},
    {"portal_id": ["kstartup"], "target": ["청년"]},
    {"status": ["closed"]},
    {"deadline_from": "2026-12-20", "deadline_to": "2027-01-31"},
    {"q": "창업", "dedupe": True},
    {"dedupe": True, "region": ["서울"]},
    {"q": "없는단어"},
]


async def _programs(make_program: Any, today: dt.date) -> list[int]:
    later = today + dt.timedelta(days=20)
    made = [
        await make_program(title="청년 창업 지원사업", region="서울", target_audience="청년"),
        await make_program(
            title="청년 창업 지원사업", portal_id="kstartup", region="서울", target_audience="청년"
        ),
        await make_program(title="수출바우처 모집", region="부산", support_field="수출"),
        await make_program(title="R&D 기술개발 과제", region="서울", support_field="기술"),
        await make_program(
            title="창업 사관학교 입교생 모집",
            portal_id="mss",
            apply_start=today + dt.timedelta(days=5),
            apply_end=later,
            support_field="기술",
            region="서울",
        ),
        await make_program(title="마감된 창업 공고", apply_end=today - dt.timedelta(days=1)),
        await make_program(title="상시 경영 컨설팅", apply_end=None, period_kind="rolling"),
    ]
    return made


@pytest.mark.parametrize("saved", SEARCHES, ids=[str(s) or "everything" for s in SEARCHES])
async def test_a_split_search_matches_what_the_list_selects(
    db: Database, clock: Clock, make_program: Any, saved: dict[str, Any]
) -> None:
    today = clock.now.astimezone(SEOUL).date()
    made = await _programs(make_program, today)
    filters = AlertQuery.model_validate(saved).filters(SEOUL)
    # The twin listed first (lower id) is no candidate: only the pass's new programs are.
    candidates = made[1:]
    async with db.session_scope() as session:
        found = await matching.matches(session, [matching.split(filters)], candidates, today=today)
        where = v1_repository.conditions(filters, dialect=db.dialect, today=today)
        listed = set(await session.scalars(select(SupportProgram.id).where(*where)))
    [mask] = found.masks.values()
    assert set(found.programs.members(mask)) == listed & set(candidates)


async def test_searches_sharing_filters_are_each_answered(
    db: Database, clock: Clock, make_program: Any
) -> None:
    """Many searches at once (shared atoms, shared clauses) give each its own answer."""
    today = clock.now.astimezone(SEOUL).date()
    made = await _programs(make_program, today)
    searches = {
        matching.split(AlertQuery.model_validate(saved).filters(SEOUL)): saved for saved in SEARCHES
    }
    async with db.session_scope() as session:
        found = await matching.matches(session, searches, made, today=today)
        for search, saved in searches.items():
            filters = AlertQuery.model_validate(saved).filters(SEOUL)
            where = v1_repository.conditions(filters, dialect=db.dialect, today=today)
            listed = set(await session.scalars(select(SupportProgram.id).where(*where)))
            assert set(found.programs.members(found.masks[search])) == listed, saved
