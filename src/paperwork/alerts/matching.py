"""Which of a pass's candidate programs each alert's saved search matches, asking the database
once per distinct filter value rather than once per alert.

A saved search is the AND of its filters, each filter the OR of its values (as
``/api/v1/programs`` reads them). So it splits into *atoms* — one filter with one value, or the
whole ``q`` — and its matches are the intersection, over its filters, of the union of its
atoms' matches. Ten thousand alerts share a few hundred atoms (the same regions, statuses,
categories and popular words), and each atom is one query over the candidates only, with the
same SQL the list uses (``v1_repository.conditions``), so an alert tells of exactly what its
search lists. ``dedupe`` hides a match that has an earlier twin on another portal among the
matches: the candidates' twins are read once, their atoms answered with the candidates', and the
rule applied to each search's matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import IDS_PER_STATEMENT
from paperwork.models import SupportProgram
from paperwork.programs import v1_repository
from paperwork.programs.search_repository import plan_for_search
from paperwork.programs.v1_schemas import ProgramFilters

_NOTHING = ProgramFilters()


@dataclass(frozen=True)
class Search:
    """A saved search as atoms: every clause must hold, one atom of a clause is enough; with
    ``dedupe``, a match with an earlier matching twin is left out."""

    clauses: tuple[tuple[ProgramFilters, ...], ...]
    dedupe: bool = False

    def atoms(self) -> set[ProgramFilters]:
        return {atom for clause in self.clauses for atom in clause}


def split(filters: ProgramFilters) -> Search:
    """The search's atoms: one per value of each repeated filter, one per other filter."""
    clauses = []
    for field in fields(ProgramFilters):
        if field.name == "dedupe":
            continue
        value = getattr(filters, field.name)
        if value == getattr(_NOTHING, field.name):
            continue
        if isinstance(value, tuple):  # a repeated filter: any one of its values
            clause = tuple(_only(field.name, (item,)) for item in value)
        else:
            clause = (_only(field.name, value),)
        clauses.append(clause)
    return Search(tuple(clauses), dedupe=filters.dedupe)


def _only(name: str, value: Any) -> ProgramFilters:
    """A search with this one filter."""
    given: dict[str, Any] = {name: value}
    return replace(_NOTHING, **given)


async def matches(
    session: AsyncSession,
    searches: Iterable[Search],
    candidates: Collection[int],
    *,
    today: dt.date,
) -> dict[Search, frozenset[int]]:
    """Each search's matches among ``candidates`` (program ids)."""
    wanted = set(searches)
    twins: dict[int, set[int]] = {}
    if any(search.dedupe for search in wanted):
        twins = await v1_repository.earlier_twins(session, sorted(candidates))
    # The twins' own matches decide whether a candidate is shadowed: they are asked too.
    pool = frozenset(candidates).union(*twins.values())
    atoms = set().union(*(search.atoms() for search in wanted)) if wanted else set()
    found = await _atom_matches(session, atoms, pool, today=today)
    result: dict[Search, frozenset[int]] = {}
    for search in wanted:
        matched = pool
        for clause in search.clauses:
            matched = matched & frozenset().union(*(found[atom] for atom in clause))
        if search.dedupe:
            matched = frozenset(i for i in matched if not twins.get(i, set()) & matched)
        result[search] = matched & frozenset(candidates)
    return result


async def _atom_matches(
    session: AsyncSession,
    atoms: Collection[ProgramFilters],
    candidates: Collection[int],
    *,
    today: dt.date,
) -> dict[ProgramFilters, frozenset[int]]:
    dialect = session.get_bind().dialect.name
    if any(atom.q for atom in atoms):
        await plan_for_search(session)
    ids = sorted(candidates)
    found: dict[ProgramFilters, frozenset[int]] = {}
    for atom in atoms:
        where = v1_repository.conditions(atom, dialect=dialect, today=today)
        if not where:  # a q with no words: it lists everything
            found[atom] = frozenset(ids)
            continue
        matched: set[int] = set()
        for start in range(0, len(ids), IDS_PER_STATEMENT):
            chunk = ids[start : start + IDS_PER_STATEMENT]
            statement = select(SupportProgram.id).where(SupportProgram.id.in_(chunk), *where)
            matched.update(await session.scalars(statement))
        found[atom] = frozenset(matched)
    return found
