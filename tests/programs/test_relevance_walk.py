"""A relevance page of a common word is walked (``relevance_repository``) instead of sorted: the
walk must give exactly the sorted order, page after page, with cursors and with offsets."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from paperwork.db import Database
from paperwork.programs import relevance_repository, v1_repository
from paperwork.programs.v1_schemas import ProgramFilters, ProgramSort

TODAY = dt.date(2026, 12, 15)
TITLES = (
    "예비창업패키지 모집",
    "청년 창업 지원사업",
    "수출바우처 지원",
    "스마트공장 구축",
    "차세대 기술개발",
)
AGENCIES = ("창업진흥원", "중소벤처기업부", "KOTRA", None)
TARGETS = ("예비창업자", "중소기업", "청년 창업자", None)
DESCRIPTIONS = ("창업 지원 안내", "사업화 자금 지원", "전기차 충전", "청년 창업 교육")
DEADLINES = (None, -20, -3, 0, 5, 30)


@pytest.fixture
async def corpus(make_program: Any, clock: Any) -> None:
    combos = itertools.product(TITLES, AGENCIES, TARGETS, DESCRIPTIONS)
    for number, (title, agency, target, description) in enumerate(itertools.islice(combos, 90)):
        days = DEADLINES[number % len(DEADLINES)]
        end = None if days is None else TODAY + dt.timedelta(days=days)
        await make_program(
            title=title,
            implementing_agency=agency,
            target_audience=target,
            description=description,
            apply_start=None,
            apply_end=end,
            period_kind="dated" if end else "rolling",
            # Ties on the deadline are broken by the newest: some share a scrape time.
            scraped_at=clock.now - dt.timedelta(hours=number % 7),
        )


async def _pages(db: Database, q: str, *, walk: bool, by_cursor: bool) -> list[int]:
    filters = ProgramFilters(q=q)
    seen: list[int] = []
    after = None
    async with db.session_scope() as session:
        matches = await v1_repository.count(session, filters, today=TODAY)
        for page in range(100):
            rows = await v1_repository.rows(
                session,
                filters,
                today=TODAY,
                order=ProgramSort.relevance,
                limit=4,
                offset=0 if by_cursor else page * 4,
                after_keys=after if by_cursor else None,
                matches=matches if walk else None,
            )
            if not rows:
                return seen
            seen += [row.id for row in rows]
            after = tuple(rows[-1])[-5:]
    raise AssertionError("more pages than programs")


@pytest.mark.parametrize("q", ["창업", "지원", "차", "청년 창업", "창업 지원"])
@pytest.mark.parametrize("by_cursor", [True, False], ids=["cursor", "offset"])
async def test_the_walk_pages_in_exactly_the_sorted_order(
    db: Database, corpus: None, monkeypatch: pytest.MonkeyPatch, q: str, by_cursor: bool
) -> None:
    monkeypatch.setattr(relevance_repository, "WALK_MIN_MATCHES", 1)
    sorted_ids = await _pages(db, q, walk=False, by_cursor=by_cursor)
    walked_ids = await _pages(db, q, walk=True, by_cursor=by_cursor)
    assert len(sorted_ids) == len(set(sorted_ids)) > 8
    assert walked_ids == sorted_ids
