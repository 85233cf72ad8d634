"""SQL for ``/api/v1/programs``: filters to conditions, the orders, the page, its total, the
export rows and their fingerprint, the detail with its history, and the same program on other
portals.

Status is computed from the parsed period against a ``today`` the caller passes (Asia/Seoul),
never from the portals' status strings; ``program_status.program_status`` and
``status_condition`` here are the one rule written twice, in Python for items and in SQL for the
filter. The search conditions, and their dialect branch, are ``search_repository``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, func, not_, or_, select
from sqlalchemy import and_ as sql_and
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import UnaryExpression

from paperwork.models import ProgramChange, RawScrapedData, SupportProgram
from paperwork.programs.repository import count_programs
from paperwork.programs.search_repository import contains, relevance, search_condition
from paperwork.programs.search_terms import search_terms
from paperwork.programs.v1_schemas import ProgramFilters, ProgramSort
from paperwork.vocabulary import ROLLING_PERIOD_KINDS, ProgramStatus

SP = SupportProgram

# The feed's order, which no list sort offers: newest first collected first.
FIRST_SEEN: Literal["first_seen"] = "first_seen"
Order = ProgramSort | Literal["first_seen"]

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
    terms = search_terms(filters.q)
    if terms:
        where.append(search_condition(dialect, terms))
    if filters.dedupe:
        # Twins are looked for among the matches only: with portal_id=kstartup, a program
        # also on bizinfo still shows, through its K-Startup copy.
        where.append(not_(_shadowed(list(where))))
    return where


def order_for(order: Order, filters: ProgramFilters) -> tuple[UnaryExpression[Any], ...]:
    """Every order ends on id, so pages never overlap or skip rows that tie."""
    if order == FIRST_SEEN:
        return (SP.first_seen_at.desc(), SP.id.desc())
    if order is ProgramSort.deadline:
        return (SP.apply_end.asc().nulls_last(), SP.id.asc())
    if order is ProgramSort.by_title:
        return (SP.title.asc(), SP.id.asc())
    if order is ProgramSort.relevance:
        score = relevance(search_terms(filters.q))
        return (score.desc(), SP.scraped_at.desc(), SP.id.desc())
    return (SP.scraped_at.desc(), SP.id.desc())


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


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
    with_deadline: bool = False,
) -> Sequence[Any]:
    statement = (
        select(*ITEM_COLUMNS)
        .where(*_where(session, filters, today, with_deadline))
        .order_by(*order_for(order, filters))
        .limit(limit)
        .offset(offset)
    )
    return cast(Sequence[Any], (await session.execute(statement)).all())


def _counted_by_triggers(filters: ProgramFilters) -> bool:
    return filters == ProgramFilters(portal_ids=filters.portal_ids)


async def count(
    session: AsyncSession, filters: ProgramFilters, *, today: dt.date, with_deadline: bool = False
) -> int:
    """The page's total. Unfiltered (or by portal only) it is the trigger-kept counters' sum,
    one tiny read; otherwise a count over the same, indexed, conditions."""
    if _counted_by_triggers(filters) and not with_deadline:
        return await count_programs(session, portal_ids=filters.portal_ids)
    statement = (
        select(func.count()).select_from(SP).where(*_where(session, filters, today, with_deadline))
    )
    return int(await session.scalar(statement) or 0)


async def fingerprint(
    session: AsyncSession, filters: ProgramFilters, *, today: dt.date, with_deadline: bool = False
) -> tuple[int, str, int]:
    """(count, newest update, highest id) of the matches: changes whenever a matching row is
    added, removed or updated, for an export's ETag without building the export."""
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
