"""SQL for the list's facets: how many of the list's matches fall under each portal, status,
region and category. A value's count is exactly the list's total with that facet's filter set
to that value alone, the other filters as they are: each facet is counted over
``v1_repository.conditions`` of the filters less its own (with ``region=서울`` set, 경기 is
still counted).

Facets whose filters come out the same share one statement, grouped by all their columns.
Region and category texts are grouped as stored and split into values by ``facet_values``.

``dedupe`` is the one filter that a GROUP BY cannot apply: which copy it hides depends on the
value filtered by (with ``status=open`` an open copy shows even when its upcoming twin came
first; with ``portal_id=kstartup`` the K-Startup copy shows). So the matches are counted
without it, and the copies it would hide under each value are taken off, from the rows that
have a twin among the matches (few: one program announced on several portals).
"""

from __future__ import annotations

import datetime as dt
import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import SupportProgram
from paperwork.programs.facet_values import (
    Copy,
    contains_folded,
    equals,
    split_listed,
    with_earlier_twins,
    without_shadowed,
)
from paperwork.programs.search_repository import plan_for_search
from paperwork.programs.v1_repository import conditions, status_condition
from paperwork.programs.v1_schemas import ProgramFilters
from paperwork.search.query import parse_query
from paperwork.vocabulary import ProgramStatus

SP = SupportProgram

# Each facet's own field of ProgramFilters: cleared when that facet is counted.
OWN_FILTER = {
    "portal_id": "portal_ids",
    "status": "statuses",
    "region": "regions",
    "category": "categories",
}
# The facets whose stored text may list several values.
LISTED = frozenset({"region", "category"})

# program_status's order of decision. The conditions exclude each other, so the order changes
# no count; it is kept so the CASE reads as the rule it mirrors.
STATUS_PRECEDENCE = (
    ProgramStatus.closed,
    ProgramStatus.upcoming,
    ProgramStatus.open,
    ProgramStatus.rolling,
    ProgramStatus.unknown,
)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def folder(dialect: str) -> Callable[[str], str]:
    """The case folding of ``search_repository.contains`` on ``dialect``, to compare in Python
    as the filter compares in SQL: SQLite's ``lower()`` and ``LIKE`` fold ASCII letters only;
    PostgreSQL's ``ILIKE`` folds every letter (as ``str.lower`` does, but for a few special
    cases such as "İ" that no region or category holds)."""
    if dialect == "sqlite":
        return lambda text: text.translate(_ASCII_LOWER)
    return str.lower


def _column(name: str, today: dt.date) -> ColumnElement[Any]:
    if name == "status":
        # No ELSE: a row that no status_condition takes is in no status filter's total either.
        return case(
            *((status_condition(status, today), status.value) for status in STATUS_PRECEDENCE)
        )
    column = {"portal_id": SP.portal_id, "region": SP.region, "category": SP.support_field}[name]
    return column.expression


async def _grouped(
    session: AsyncSession, where: list[ColumnElement[bool]], columns: dict[str, ColumnElement[Any]]
) -> dict[str, Counter[str]]:
    """Rows per value of each facet, over the rows ``where`` takes: one statement grouped by
    all the facets' columns, summed per facet here."""
    keys = [column.label(name) for name, column in columns.items()]
    statement = select(*keys, func.count().label("facet_rows")).where(*where).group_by(*keys)
    counted: dict[str, Counter[str]] = {name: Counter() for name in columns}
    for row in await session.execute(statement):
        for name in columns:
            value = row._mapping[name]
            if value is not None:
                counted[name][str(value)] += int(row.facet_rows)
    return counted


async def _copies(
    session: AsyncSession, where: list[ColumnElement[bool]], columns: dict[str, ColumnElement[Any]]
) -> list[Copy]:
    """The rows ``where`` takes whose dedupe key another portal's taken row shares."""
    shared_keys = (
        select(SP.dedupe_key)
        .where(*where, SP.dedupe_key.is_not(None))
        .group_by(SP.dedupe_key)
        .having(func.count(SP.portal_id.distinct()) > 1)
    )
    statement = select(
        SP.id,
        SP.portal_id,
        SP.dedupe_key,
        *(column.label(name) for name, column in columns.items()),
    ).where(*where, SP.dedupe_key.in_(shared_keys))
    return [
        Copy(
            id=row.id,
            portal_id=row.portal_id,
            key=row.dedupe_key,
            values={name: row._mapping[name] for name in columns},
        )
        for row in await session.execute(statement)
    ]


async def facet_value_counts(
    session: AsyncSession, filters: ProgramFilters, names: Sequence[str], *, today: dt.date
) -> dict[str, dict[str, int]]:
    """For each facet in ``names``, the number of matches under each value (a value without
    matches may be missing or 0)."""
    dialect = session.get_bind().dialect.name
    fold = folder(dialect)
    if parse_query(filters.q) is not None:
        await plan_for_search(session)
    groups: dict[ProgramFilters, list[str]] = {}
    for name in dict.fromkeys(names):
        if name not in OWN_FILTER:
            raise ValueError(f"unknown facet: {name}")
        own: dict[str, Any] = {OWN_FILTER[name]: ()}
        counted_over = replace(filters, dedupe=False, **own)
        groups.setdefault(counted_over, []).append(name)
    counts: dict[str, dict[str, int]] = {}
    for counted_over, group in groups.items():
        where = conditions(counted_over, dialect=dialect, today=today)
        columns = {name: _column(name, today) for name in group}
        grouped = await _grouped(session, where, columns)
        paired = (
            with_earlier_twins(await _copies(session, where, columns)) if filters.dedupe else []
        )
        for name in group:
            listed = name in LISTED
            values = split_listed(grouped[name], fold) if listed else dict(grouped[name])
            takes = contains_folded(fold) if listed else equals
            counts[name] = without_shadowed(values, name, paired, takes) if paired else values
    return {name: counts[name] for name in dict.fromkeys(names)}
