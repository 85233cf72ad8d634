"""The list's facets (``facets=portal_id,status,region,category``): which names may be asked
for, and each asked facet's values with their counts, most first. The counting rule, and its
SQL, are ``facets_repository``'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.errors import InvalidInput
from paperwork.programs import facets_repository
from paperwork.programs.v1_schemas import FacetCount, ProgramFilters

FACET_NAMES = ("portal_id", "status", "region", "category")


def parse_facets(raw: str | None) -> tuple[str, ...]:
    """The asked names, in the order given, once each (blanks ignored); an unknown name is
    InvalidInput (422) naming it and the known ones."""
    names = tuple(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    unknown = [name for name in names if name not in FACET_NAMES]
    if unknown:
        known = ", ".join(FACET_NAMES)
        raise InvalidInput(f"facets: 알 수 없는 facet입니다: {', '.join(unknown)} (known: {known})")
    return names


async def facet_counts(
    session: AsyncSession, filters: ProgramFilters, names: Sequence[str], *, today: dt.date
) -> dict[str, list[FacetCount]]:
    """Each asked facet's values with matches, by count (most first), then value."""
    counted = await facets_repository.facet_value_counts(session, filters, names, today=today)
    return {
        name: [
            FacetCount(value=value, count=count)
            for value, count in sorted(values.items(), key=lambda item: (-item[1], item[0]))
            if count > 0
        ]
        for name, values in counted.items()
    }


async def facet_data(
    session: AsyncSession, filters: ProgramFilters, names: Sequence[str], *, today: dt.date
) -> dict[str, list[dict[str, object]]]:
    """``facet_counts`` as plain data, what the answer cache keeps."""
    counted = await facet_counts(session, filters, names, today=today)
    return {name: [count.model_dump() for count in counts] for name, counts in counted.items()}
