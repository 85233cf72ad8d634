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
import functools
import operator
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Integer, any_, literal, select
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


class Programs:
    """Program ids as bits of an int: a set of a few thousand programs is one number, and
    intersecting ten thousand searches' matches is a few machine words each."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = sorted(set(ids))
        self._bit = {program_id: 1 << n for n, program_id in enumerate(self.ids)}
        self.everything = (1 << len(self.ids)) - 1

    def mask(self, ids: Iterable[int]) -> int:
        bits = 0
        for program_id in ids:
            bits |= self._bit[program_id]
        return bits

    def has(self, mask: int, program_id: int) -> bool:
        return bool(mask & self._bit[program_id])

    def members(self, mask: int) -> list[int]:
        """The ids in ``mask``, in id order."""
        bits = bin(mask)[:1:-1]  # lowest bit first (str.find walks it in C)
        found = []
        at = bits.find("1")
        while at != -1:
            found.append(self.ids[at])
            at = bits.find("1", at + 1)
        return found


@dataclass(frozen=True)
class Matches:
    programs: Programs  # the candidates, and the twins dedupe looked at
    masks: dict[Search, int]  # each search's matches among the candidates


async def matches(
    session: AsyncSession,
    searches: Iterable[Search],
    candidates: Collection[int],
    *,
    today: dt.date,
) -> Matches:
    """Each search's matches among ``candidates`` (program ids)."""
    wanted = set(searches)
    twins: dict[int, set[int]] = {}
    if any(search.dedupe for search in wanted):
        twins = await v1_repository.earlier_twins(session, sorted(candidates))
    # The twins' own matches decide whether a candidate is shadowed: they are asked too.
    programs = Programs(set(candidates).union(*twins.values()))
    atoms = set().union(*(search.atoms() for search in wanted)) if wanted else set()
    found = await _atom_matches(session, atoms, programs, today=today)
    twin_masks = {program_id: programs.mask(ids) for program_id, ids in twins.items()}
    within = programs.mask(candidates)
    clauses: dict[tuple[ProgramFilters, ...], int] = {}
    masks: dict[Search, int] = {}
    for search in wanted:
        matched = programs.everything
        for clause in search.clauses:
            if clause not in clauses:
                clauses[clause] = functools.reduce(operator.or_, (found[a] for a in clause), 0)
            matched &= clauses[clause]
        if search.dedupe:
            shadowed = [
                program_id
                for program_id, twin_mask in twin_masks.items()
                if twin_mask & matched and programs.has(matched, program_id)
            ]
            matched &= ~programs.mask(shadowed)
        masks[search] = matched & within
    return Matches(programs, masks)


async def _atom_matches(
    session: AsyncSession,
    atoms: Collection[ProgramFilters],
    programs: Programs,
    *,
    today: dt.date,
) -> dict[ProgramFilters, int]:
    dialect = session.get_bind().dialect.name
    if any(atom.q for atom in atoms):
        await plan_for_search(session)
    ids = programs.ids
    found: dict[ProgramFilters, int] = {}
    for atom in atoms:
        where = v1_repository.conditions(atom, dialect=dialect, today=today)
        if not where:  # a q with no words: it lists everything
            found[atom] = programs.everything
            continue
        matched = 0
        for start in range(0, len(ids), IDS_PER_STATEMENT):
            among = _among(ids[start : start + IDS_PER_STATEMENT], dialect)
            statement = select(SupportProgram.id).where(among, *where)
            matched |= programs.mask(await session.scalars(statement))
        found[atom] = matched
    return found


def _among(ids: list[int], dialect: str) -> ColumnElement[bool]:
    """``id IN ids``; on PostgreSQL as one array parameter, not thousands of bound ones (each
    atom's statement would otherwise be compiled with all of them)."""
    if dialect == "postgresql":
        return SupportProgram.id == any_(literal(ids, ARRAY(Integer)))
    return SupportProgram.id.in_(ids)
