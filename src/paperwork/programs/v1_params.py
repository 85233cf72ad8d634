"""The query of ``/api/v1/programs`` and its exports: the filter parameters as one dependency,
validated and normalised into ``ProgramFilters`` (or InvalidInput, a 422 saying what is wrong),
and the ``sort`` parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from pydantic import StringConstraints

from paperwork.errors import InvalidInput
from paperwork.portals.catalog import PORTAL_NAMES
from paperwork.programs.v1_schemas import ProgramFilters, ProgramSort
from paperwork.vocabulary import ProgramStatus

Value = Annotated[str, StringConstraints(max_length=100)]


def _text(name: str, value: str) -> str:
    # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the driver.
    if "\x00" in value:
        raise InvalidInput(f"{name}: NUL characters are not allowed")
    return value.strip()


def _values(name: str, values: Sequence[str] | None) -> tuple[str, ...]:
    """Distinct non-blank values, in the order given (a blank ``category=`` filters nothing)."""
    seen: list[str] = []
    for value in values or ():
        text = _text(name, value)
        if text and text not in seen:
            seen.append(text)
    return tuple(seen)


def _as_utc(name: str, moment: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)  # a time without offset is Korean time
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError as error:  # e.g. 0001-01-01T00:00+09:00 falls before year 1 in UTC
        raise InvalidInput(f"{name}: out of range") from error


def make_filters(
    *,
    q: str | None,
    portal_ids: Sequence[str] | None,
    statuses: Sequence[ProgramStatus] | None,
    categories: Sequence[str] | None,
    regions: Sequence[str] | None,
    agencies: Sequence[str] | None,
    targets: Sequence[str] | None,
    deadline_from: dt.date | None,
    deadline_to: dt.date | None,
    updated_since: dt.datetime | None,
    dedupe: bool,
    tz: ZoneInfo,
) -> ProgramFilters:
    """The query as filters, or InvalidInput (422) saying what is wrong with it."""
    portals = _values("portal_id", portal_ids)
    unknown = [portal for portal in portals if portal not in PORTAL_NAMES]
    if unknown:
        known = ", ".join(PORTAL_NAMES)
        raise InvalidInput(f"portal_id: 알 수 없는 포털입니다: {unknown[0]} (known: {known})")
    if deadline_from is not None and deadline_to is not None and deadline_from > deadline_to:
        raise InvalidInput("deadline_from must not be after deadline_to")
    query = _text("q", q) if q is not None else ""
    return ProgramFilters(
        q=query or None,
        portal_ids=portals,
        statuses=tuple(dict.fromkeys(statuses or ())),
        categories=_values("category", categories),
        regions=_values("region", regions),
        agencies=_values("agency", agencies),
        targets=_values("target", targets),
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        updated_since=_as_utc("updated_since", updated_since, tz),
        dedupe=dedupe,
    )


async def program_filters(
    request: Request,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to find in title, agency, target or description, inside Korean "
            'words and regardless of spacing ("창업" finds "예비창업패키지", "스마트공장" finds '
            '"스마트 공장"); Latin words at word starts ("ai" finds "AI기반"); agency short '
            'names find full ones ("중기부"). Every word must occur.',
        ),
    ] = None,
    portal_id: Annotated[
        list[Value] | None,
        Query(max_length=20, description="bizinfo, kstartup, mss; repeat for several."),
    ] = None,
    status: Annotated[
        list[ProgramStatus] | None,
        Query(
            max_length=5,
            description="From the parsed period, today in Asia/Seoul: closed (deadline passed), "
            "upcoming (starts later), open (deadline today or later, started), rolling "
            "(rolling or until-budget, no deadline), unknown. Repeat for several.",
        ),
    ] = None,
    category: Annotated[
        list[Value] | None,
        Query(max_length=20, description="Category contains this text; repeat for any of."),
    ] = None,
    region: Annotated[
        list[Value] | None,
        Query(
            max_length=20,
            description='Region contains this text ("경기" matches "서울, 경기"); repeatable.',
        ),
    ] = None,
    agency: Annotated[
        list[Value] | None,
        Query(max_length=20, description="Agency contains this text; repeat for any of."),
    ] = None,
    target: Annotated[
        list[Value] | None,
        Query(max_length=20, description="Target audience contains this text; repeatable."),
    ] = None,
    deadline_from: Annotated[
        dt.date | None, Query(description="apply_end on or after this day.")
    ] = None,
    deadline_to: Annotated[
        dt.date | None, Query(description="apply_end on or before this day.")
    ] = None,
    updated_since: Annotated[
        dt.datetime | None,
        Query(description="Updated at or after this time (no offset = Asia/Seoul)."),
    ] = None,
    dedupe: Annotated[
        bool,
        Query(
            description="Show a program announced on several portals once: the first "
            "collected (lowest id) stands for the others, which its detail lists in also_on."
        ),
    ] = False,
) -> ProgramFilters:
    return make_filters(
        q=q,
        portal_ids=portal_id,
        statuses=status,
        categories=category,
        regions=region,
        agencies=agency,
        targets=target,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
        updated_since=updated_since,
        dedupe=dedupe,
        tz=request.app.state.settings.tz,
    )


FiltersDep = Annotated[ProgramFilters, Depends(program_filters)]
SortQuery = Annotated[
    ProgramSort | None,
    Query(
        description="-scraped_at (newest first; the default without q), deadline (soonest "
        "first, none last), title, or relevance (the default with q; without q a 422)."
    ),
]
