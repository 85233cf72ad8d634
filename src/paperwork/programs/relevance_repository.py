"""PostgreSQL: a relevance page of a search with many matches, read as an ordered walk instead of
a sort of every match.

Ranking all matches of a common word ("창업" is in nearly every announcement) costs a read of
every matching row per page. But the relevance order is (score, not closed, nearest deadline,
newest, id), the score takes few values, and within one score the rest of the order is an
index order of one of three segments: open programs by ``apply_end`` ascending, undated ones by
``scraped_at`` descending, closed ones by ``apply_end`` descending (ties by ``scraped_at`` and id
descending, an incremental sort). So the page is a ``UNION ALL`` of one branch per (score value,
segment), highest score first, each walking its index and keeping the rows of its score; the
outer ``LIMIT`` stops the walk as soon as the page is full. A cursor skips the branches before
it and starts its own branch's walk at the cursor's position in the index.

Used only where it pays: many matches (a rare word's few matches are cheaper to sort), at most
``MAX_WORDS`` words (the branches multiply with the words), no ``dedupe``. The rows and their
order are exactly those of ``v1_repository``'s sort (the tests compare them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, text, union_all
from sqlalchemy import tuple_ as sql_tuple
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import SupportProgram
from paperwork.search.query import SearchQuery

SP = SupportProgram

WALK_MIN_MATCHES = 2_000
MAX_WORDS = 1

# Index walks (with ``plan_for_search``'s no sequential scans), in order, in one process (an
# Append of parallel workers would not keep the branches' order).
WALK_SETTINGS = {"enable_bitmapscan": "off", "max_parallel_workers_per_gather": "0"}


def walks(query: SearchQuery | None, *, matches: int | None, dedupe: bool) -> bool:
    return (
        query is not None
        and matches is not None
        and matches >= WALK_MIN_MATCHES
        and len(query.groups) <= MAX_WORDS
        and not dedupe
    )


def score_values(query: SearchQuery) -> list[int]:
    """Every score the query can give, highest first (``scoring.score``: twice the sum of 0–3
    per word, plus 1 for the phrase)."""
    words = len(query.groups)
    bonuses = (1, 0) if query.phrase is not None else (0,)
    return [2 * total + bonus for total in range(3 * words, -1, -1) for bonus in bonuses]


def _in_description_only_possible(query: SearchQuery, value: int) -> bool:
    """Whether some word of a program with this score may be found in its description only
    (then the match must be tested; otherwise finding every word in the head implies it)."""
    return value // 2 <= 3 * len(query.groups) - 2


@dataclass(frozen=True)
class Segment:
    closed: bool
    dated: bool

    def condition(self, today: dt.date) -> ColumnElement[bool]:
        if not self.dated:
            return SP.apply_end.is_(None)
        return SP.apply_end < today if self.closed else SP.apply_end >= today

    def order(self) -> list[Any]:
        newest = [SP.scraped_at.desc(), SP.id.desc()]
        if not self.dated:
            return newest
        return [SP.apply_end.desc() if self.closed else SP.apply_end.asc(), *newest]

    def after(self, keys: Sequence[Any], today: dt.date) -> list[ColumnElement[bool]]:
        """Rows of this segment after the cursor's row (keys: score, closed, days, scraped_at,
        id), with the bound on ``apply_end`` written apart so the index walk starts there."""
        _score, _closed, days, scraped_at, row_id = keys
        newer = sql_tuple(SP.scraped_at, SP.id) < sql_tuple(scraped_at, row_id)
        if not self.dated:
            return [newer]
        end = today - dt.timedelta(days=days) if self.closed else today + dt.timedelta(days=days)
        if self.closed:
            return [SP.apply_end <= end, or_(SP.apply_end < end, newer)]
        return [SP.apply_end >= end, or_(SP.apply_end > end, newer)]


SEGMENTS = (
    Segment(closed=False, dated=True),
    Segment(closed=False, dated=False),
    Segment(True, True),
)


def _segment_of(keys: Sequence[Any], no_deadline_days: int) -> Segment:
    _score, closed, days = keys[:3]
    if closed:
        return SEGMENTS[2]
    return SEGMENTS[1] if days == no_deadline_days else SEGMENTS[0]


def walk_statement(
    query: SearchQuery,
    *,
    columns: Sequence[Any],
    score: ColumnElement[int],
    match: ColumnElement[bool],
    filters: Sequence[ColumnElement[bool]],
    today: dt.date,
    after_keys: Sequence[Any] | None,
    no_deadline_days: int,
    limit: int,
    offset: int,
) -> Select[Any]:
    """The page as the branches' ``UNION ALL``; ``columns`` end with the sort keys, as
    ``v1_repository.rows`` selects them."""
    branches = []
    cursor_segment = None if after_keys is None else _segment_of(after_keys, no_deadline_days)
    for value in score_values(query):
        if after_keys is not None and value > after_keys[0]:
            continue  # wholly before the cursor
        for segment in SEGMENTS:
            where = [*filters, score == value, segment.condition(today)]
            if _in_description_only_possible(query, value):
                where.append(match)
            if after_keys is not None and value == after_keys[0]:
                assert cursor_segment is not None
                if SEGMENTS.index(segment) < SEGMENTS.index(cursor_segment):
                    continue
                if segment == cursor_segment:
                    where += segment.after(after_keys, today)
            branch = select(*columns).where(*where).order_by(*segment.order())
            branches.append(branch.limit(limit + offset))
    return select(union_all(*branches).subquery()).limit(limit).offset(offset)


async def execute_walk(session: AsyncSession, statement: Select[Any]) -> Sequence[Any]:
    for name, value in WALK_SETTINGS.items():
        await session.execute(text(f"SET LOCAL {name} = {value}"))
    try:
        return list((await session.execute(statement)).all())
    finally:
        for name in WALK_SETTINGS:
            await session.execute(text(f"RESET {name}"))
