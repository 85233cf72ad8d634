"""SQL for ``/api/v1/programs``: filters to conditions, the orders, the page, its total, the
export rows and their fingerprint, the detail with its history, and the same program on other
portals.

Status is computed from the parsed period against a ``today`` the caller passes (Asia/Seoul),
never from the portals' status strings; ``program_status.program_status`` and
``status_condition`` here are the one rule written twice, in Python for items and in SQL for the
filter. The search conditions and score, and their dialect branch, are ``search_repository``'s.

Every order is a list of ``SortKey``s ending on id, so a page can also start *after* a row
(keyset paging: ``after`` holds the previous page's last key values), at the same cost on every
page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, Integer, case, false, func, literal, not_, or_, select
from sqlalchemy import and_ as sql_and
from sqlalchemy import cast as sql_cast
from sqlalchemy import tuple_ as sql_tuple
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from paperwork.db import IDS_PER_STATEMENT
from paperwork.models import ProgramChange, RawScrapedData, SupportProgram
from paperwork.programs import relevance_repository, search_repository
from paperwork.programs.repository import count_programs
from paperwork.programs.v1_schemas import ProgramFilters, ProgramSort
from paperwork.search.query import SearchQuery, parse_query
from paperwork.vocabulary import ROLLING_PERIOD_KINDS, ProgramStatus

SP = SupportProgram

# The feed's order, which no list sort offers: newest first collected first.
FIRST_SEEN: Literal["first_seen"] = "first_seen"
Order = ProgramSort | Literal["first_seen"]

LIKE_ESCAPE = "\\"
# Days to a deadline of a program without one, in the relevance order: after every dated one.
NO_DEADLINE_DAYS = 1_000_000

# What a list item shows: the long text columns stay in the database.
ITEM_COLUMNS = (
    SP.id,
    SP.portal_id,
    SP.title,
    SP.implementing_agency,
    SP.support_field,
    SP.region,
    SP.target_audience,
    SP.support_amount,
    SP.application_period,
    SP.apply_start,
    SP.apply_end,
    SP.period_kind,
    SP.detail_url,
    SP.scraped_at,
    SP.updated_at,
    SP.first_seen_at,
    SP.data_quality_score,
)


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards escaped, so ``%`` and ``_`` are searched as text."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def contains(
    column: ColumnElement[Any] | QueryableAttribute[Any], text: str
) -> ColumnElement[bool]:
    """Case-insensitive substring test, the text filters' (``ILIKE`` on PostgreSQL,
    ``lower() LIKE`` on SQLite). A value without cased letters (Hangul, digits) is the same test
    with plain ``LIKE``, which PostgreSQL runs about three times faster over Korean text."""
    if text.lower() == text.upper():
        return column.like(like_pattern(text), escape=LIKE_ESCAPE)
    return column.ilike(like_pattern(text), escape=LIKE_ESCAPE)


def status_condition(status: ProgramStatus, today: dt.date) -> ColumnElement[bool]:
    """``program_status.program_status(...) == status`` in SQL (each branch usable with the
    apply_end index)."""
    start, end = SP.apply_start, SP.apply_end
    started = or_(start.is_(None), start <= today)
    if status is ProgramStatus.closed:
        return end < today
    if status is ProgramStatus.upcoming:
        return sql_and(start > today, or_(end.is_(None), end >= today))
    if status is ProgramStatus.open:
        return sql_and(end >= today, started)
    kinds = SP.period_kind.in_(ROLLING_PERIOD_KINDS)
    return sql_and(end.is_(None), started, kinds if status is ProgramStatus.rolling else ~kinds)


async def earlier_twins(session: AsyncSession, program_ids: Sequence[int]) -> dict[int, set[int]]:
    """Each program's earlier twins (as ``_shadowed`` pairs them), matching or not: the alerts'
    dedupe, which matches a few new programs rather than listing everything."""
    later, earlier = aliased(SP), aliased(SP)
    pair = sql_and(
        earlier.dedupe_key == later.dedupe_key,
        earlier.portal_id != later.portal_id,
        earlier.id < later.id,
    )
    twins: dict[int, set[int]] = {}
    for start in range(0, len(program_ids), IDS_PER_STATEMENT):
        chunk = program_ids[start : start + IDS_PER_STATEMENT]
        statement = (
            select(later.id, earlier.id)
            .join(earlier, pair)
            .where(later.id.in_(chunk), later.dedupe_key.is_not(None))
        )
        for program_id, twin_id in await session.execute(statement):
            twins.setdefault(program_id, set()).add(twin_id)
    return twins


def _shadowed(matching: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """Among the rows that match, those with an earlier twin (lower id) on another portal:
    same deadline, agency and title key. Only programs with a deadline pair up (equal NULLs
    would pair every open-ended program of an agency). Each key is computed once per row,
    then one join pairs them, not a correlated probe per listed row."""
    keyed = (
        select(SP.id, SP.portal_id, SP.dedupe_key)
        .where(*matching, SP.dedupe_key.is_not(None))
        .cte("dedupe_keyed")
    )
    earlier, later = keyed.alias("earlier"), keyed.alias("later")
    twins = select(later.c.id).join(
        earlier,
        sql_and(
            earlier.c.dedupe_key == later.c.dedupe_key,
            earlier.c.portal_id != later.c.portal_id,
            earlier.c.id < later.c.id,
        ),
    )
    return SP.id.in_(twins)


def conditions(
    filters: ProgramFilters, *, dialect: str, today: dt.date
) -> list[ColumnElement[bool]]:
    """Filters AND together; the repeated values of one filter OR together."""
    where: list[ColumnElement[bool]] = []
    if filters.portal_ids:
        where.append(SP.portal_id.in_(filters.portal_ids))
    if filters.statuses:
        where.append(or_(*(status_condition(status, today) for status in filters.statuses)))
    for column, values in (
        (SP.support_field, filters.categories),
        (SP.region, filters.regions),
        (SP.implementing_agency, filters.agencies),
        (SP.target_audience, filters.targets),
    ):
        if values:
            where.append(or_(*(contains(column, value) for value in values)))
    if filters.deadline_from is not None:
        where.append(SP.apply_end >= filters.deadline_from)
    if filters.deadline_to is not None:
        where.append(SP.apply_end <= filters.deadline_to)
    if filters.updated_since is not None:
        where.append(SP.updated_at >= filters.updated_since)
    query = parse_query(filters.q)
    if query is not None:
        where.append(search_repository.search_condition(dialect, query))
    if filters.dedupe:
        # Twins are looked for among the matches only: with portal_id=kstartup, a program
        # also on bizinfo still shows, through its K-Startup copy.
        where.append(not_(_shadowed(list(where))))
    return where


@dataclass(frozen=True)
class SortKey:
    """One key of an order; ``kind`` says how a cursor carries its value, ``nullable`` keys
    sort their NULLs last."""

    expression: ColumnElement[Any]
    descending: bool
    kind: Literal["int", "str", "date", "datetime"]
    nullable: bool = False

    def ordered(self) -> ColumnElement[Any]:
        ordered = self.expression.desc() if self.descending else self.expression.asc()
        return ordered.nulls_last() if self.nullable else ordered

    def beyond(self, value: Any) -> ColumnElement[bool]:
        """Rows after ``value`` on this key alone."""
        if value is None:
            return false()  # NULLs come last: nothing is after a NULL but other NULLs
        after = self.expression < value if self.descending else self.expression > value
        return or_(after, self.expression.is_(None)) if self.nullable else after

    def equal(self, value: Any) -> ColumnElement[bool]:
        return self.expression.is_(None) if value is None else self.expression == value


def _days_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[int]:
    if dialect == "postgresql":
        return cast(ColumnElement[int], later - earlier)
    return sql_cast(func.julianday(later) - func.julianday(earlier), Integer)


def _relevance_keys(query: SearchQuery, dialect: str, today: dt.date) -> list[SortKey]:
    """Score, then open or upcoming before closed, then the nearest deadline (the soonest of
    the open, the latest of the closed; none last), then the newest."""
    end = SP.apply_end
    closed = case((end < today, 1), else_=0)
    days = case(
        (end.is_(None), NO_DEADLINE_DAYS),
        (end >= today, _days_between(dialect, end, literal(today))),
        else_=_days_between(dialect, literal(today), end),
    )
    return [
        SortKey(search_repository.score(dialect, query), descending=True, kind="int"),
        SortKey(closed, descending=False, kind="int"),
        SortKey(days, descending=False, kind="int"),
        SortKey(SP.scraped_at.expression, descending=True, kind="datetime"),
        SortKey(SP.id.expression, descending=True, kind="int"),
    ]


def sort_keys(
    order: Order, filters: ProgramFilters, *, dialect: str, today: dt.date
) -> list[SortKey]:
    """The keys of ``order``; every order ends on id, so pages never overlap or skip rows
    that tie."""
    if order == FIRST_SEEN:
        return [
            SortKey(SP.first_seen_at.expression, descending=True, kind="datetime"),
            SortKey(SP.id.expression, descending=True, kind="int"),
        ]
    if order is ProgramSort.deadline:
        return [
            SortKey(SP.apply_end.expression, descending=False, kind="date", nullable=True),
            SortKey(SP.id.expression, descending=False, kind="int"),
        ]
    if order is ProgramSort.by_title:
        return [
            SortKey(SP.title.expression, descending=False, kind="str"),
            SortKey(SP.id.expression, descending=False, kind="int"),
        ]
    query = parse_query(filters.q)
    if order is ProgramSort.relevance and query is not None:
        return _relevance_keys(query, dialect, today)
    return [
        SortKey(SP.scraped_at.expression, descending=True, kind="datetime"),
        SortKey(SP.id.expression, descending=True, kind="int"),
    ]


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows that come after the row whose keys are ``values``. Keys of one direction without
    NULLs compare as one row value, which an index on them serves; others key by key."""
    uniform = len({key.descending for key in keys}) == 1
    if uniform and not any(key.nullable for key in keys):
        row = sql_tuple(*(key.expression for key in keys))
        bound = sql_tuple(
            *(literal(v, type_=k.expression.type) for k, v in zip(keys, values, strict=True))
        )
        return row < bound if keys[0].descending else row > bound
    clauses = []
    for index, key in enumerate(keys):
        ties = [k.equal(v) for k, v in zip(keys[:index], values[:index], strict=True)]
        clauses.append(sql_and(*ties, key.beyond(values[index])))
    return or_(*clauses)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _plan(session: AsyncSession, filters: ProgramFilters) -> None:
    if parse_query(filters.q) is not None:
        await search_repository.plan_for_search(session)


def _where(
    session: AsyncSession, filters: ProgramFilters, today: dt.date, with_deadline: bool
) -> list[ColumnElement[bool]]:
    """``with_deadline``: only programs with an apply_end (what a calendar can show)."""
    where = conditions(filters, dialect=_dialect(session), today=today)
    return [*where, SP.apply_end.is_not(None)] if with_deadline else where


async def rows(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    order: Order,
    limit: int,
    offset: int = 0,
    after_keys: Sequence[Any] | None = None,
    with_deadline: bool = False,
    with_description: bool = False,
    matches: int | None = None,
) -> Sequence[Any]:
    """A page in ``order``; each row ends with its sort key values (a cursor is made of the
    last row's), after ``description`` when asked (highlights). ``matches`` (the search's
    total, when known) lets a relevance page of a common word be walked, not sorted
    (``relevance_repository``)."""
    await _plan(session, filters)
    dialect = _dialect(session)
    keys = sort_keys(order, filters, dialect=dialect, today=today)
    columns = [
        *ITEM_COLUMNS,
        *(SP.description,) * with_description,
        *(key.expression.label(f"key{i}") for i, key in enumerate(keys)),
    ]
    query = parse_query(filters.q)
    if (
        dialect == "postgresql"
        and order is ProgramSort.relevance
        and query is not None
        and relevance_repository.walks(query, matches=matches, dedupe=filters.dedupe)
    ):
        unsearched = replace(filters, q=None)
        walk = relevance_repository.walk_statement(
            query,
            columns=columns,
            score=keys[0].expression,
            match=search_repository.search_condition(dialect, query),
            filters=_where(session, unsearched, today, with_deadline),
            today=today,
            after_keys=after_keys,
            no_deadline_days=NO_DEADLINE_DAYS,
            limit=limit,
            offset=offset,
        )
        return await relevance_repository.execute_walk(session, walk)
    where = _where(session, filters, today, with_deadline)
    if after_keys is not None:
        where.append(after(keys, after_keys))
    statement = (
        select(*columns)
        .where(*where)
        .order_by(*(key.ordered() for key in keys))
        .limit(limit)
        .offset(offset)
    )
    return cast(Sequence[Any], (await session.execute(statement)).all())


def key_kinds(order: Order, filters: ProgramFilters) -> list[str]:
    """How a cursor of ``order`` carries each key value (dialect and day do not change it)."""
    return [key.kind for key in sort_keys(order, filters, dialect="", today=dt.date.min)]


def _counted_by_triggers(filters: ProgramFilters) -> bool:
    return filters == ProgramFilters(portal_ids=filters.portal_ids)


async def count(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    with_deadline: bool = False,
    cap: int | None = None,
) -> int:
    """The page's total. Unfiltered (or by portal only) it is the trigger-kept counters' sum,
    one tiny read; otherwise a count over the same, indexed, conditions, which stops at
    ``cap`` + 1 when a cap is given (more than ``cap`` is all the caller needs to know)."""
    if _counted_by_triggers(filters) and not with_deadline:
        return await count_programs(session, portal_ids=filters.portal_ids)
    await _plan(session, filters)
    matches = select(SP.id).where(*_where(session, filters, today, with_deadline))
    if cap is not None:
        matches = matches.limit(cap + 1)
    statement = select(func.count()).select_from(matches.subquery())
    return int(await session.scalar(statement) or 0)


async def fingerprint(
    session: AsyncSession, filters: ProgramFilters, *, today: dt.date, with_deadline: bool = False
) -> tuple[int, str, int]:
    """(count, newest update, highest id) of the matches: changes whenever a matching row is
    added, removed or updated, for an export's ETag without building the export."""
    await _plan(session, filters)
    statement = (
        select(func.count(), func.max(SP.updated_at), func.max(SP.id))
        .select_from(SP)
        .where(*_where(session, filters, today, with_deadline))
    )
    total, newest, highest = (await session.execute(statement)).one()
    return int(total), str(newest), int(highest or 0)


async def detail(session: AsyncSession, program_id: int) -> Any | None:
    statement = (
        select(SP, RawScrapedData.url.label("raw_url"))
        .outerjoin(RawScrapedData, RawScrapedData.id == SP.original_raw_id)
        .where(SP.id == program_id)
    )
    return (await session.execute(statement)).first()


async def changes(session: AsyncSession, program_id: int, *, limit: int) -> Sequence[Any]:
    statement = (
        select(
            ProgramChange.changed_at,
            ProgramChange.field,
            ProgramChange.old_value,
            ProgramChange.new_value,
        )
        .where(ProgramChange.program_id == program_id)
        .order_by(ProgramChange.changed_at.desc(), ProgramChange.id.desc())
        .limit(limit)
    )
    return cast(Sequence[Any], (await session.execute(statement)).all())


async def also_on(session: AsyncSession, program: SupportProgram) -> Sequence[Any]:
    """Programs on other portals with this one's deadline, agency and title key."""
    if program.dedupe_key is None:
        return []
    statement = (
        select(*ITEM_COLUMNS)
        .where(SP.dedupe_key == program.dedupe_key, SP.portal_id != program.portal_id)
        .order_by(SP.id)
    )
    return cast(Sequence[Any], (await session.execute(statement)).all())
