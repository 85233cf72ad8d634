"""``/api/v1/programs`` use cases: validate the query into filters, page, detail, export rows.

``today`` (the Asia/Seoul calendar day) comes from the caller, so every status and d-day in one
answer agrees, and tests can stand on either side of midnight.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.errors import InvalidInput, NotFound
from paperwork.portals.catalog import PORTAL_NAMES, portal_name
from paperwork.programs import listing
from paperwork.programs.api_schemas import ProgramFilters, ProgramSort, ProgramStatus
from paperwork.programs.search import search_terms

# Newest changes shown on the detail page; older history stays in the database.
CHANGES_SHOWN = 200
EXPORT_CAP = 10_000
FEED_SIZE = 50


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


def check_sort(sort: ProgramSort, filters: ProgramFilters) -> None:
    if sort is ProgramSort.relevance and not search_terms(filters.q):
        raise InvalidInput("sort=relevance needs a search query (q)")


def program_item(row: Any, today: dt.date) -> dict[str, Any]:
    """One program as the list shows it (from a row of listing.ITEM_COLUMNS or a model)."""
    end: dt.date | None = row.apply_end
    return {
        "id": row.id,
        "portal_id": row.portal_id,
        "portal_name": portal_name(row.portal_id),
        "title": row.title,
        "agency": row.implementing_agency,
        "category": row.support_field,
        "region": row.region,
        "target": row.target_audience,
        "amount": row.support_amount,
        "period": row.application_period,
        "apply_start": row.apply_start,
        "apply_end": end,
        "period_kind": row.period_kind,
        "status": listing.program_status(row.apply_start, end, row.period_kind, today).value,
        "d_day": (end - today).days if end is not None else None,
        "url": row.detail_url,
        "scraped_at": row.scraped_at,
        "updated_at": row.updated_at,
        "quality_score": row.data_quality_score,
    }


async def list_programs(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    sort: ProgramSort,
    limit: int,
    offset: int,
    today: dt.date,
    total: Callable[[], Awaitable[int]] | None = None,
) -> dict[str, Any]:
    """One page and the number of all matches; ``total`` supplies that number when the caller
    keeps it (the router: once per filters and data version, so paging does not recount)."""
    check_sort(sort, filters)
    found = await listing.rows(
        session,
        filters,
        today=today,
        order=listing.order_for(sort, filters),
        limit=limit,
        offset=offset,
    )
    # A short first page already knows its total: skip the count.
    if offset == 0 and len(found) < limit:
        matches = len(found)
    elif total is not None:
        matches = await total()
    else:
        matches = await listing.count(session, filters, today=today)
    return {
        "items": [program_item(row, today) for row in found],
        "total": matches,
        "limit": limit,
        "offset": offset,
    }


def _strings(value: Any) -> list[str]:
    return [str(entry) for entry in value if entry is not None] if isinstance(value, list) else []


def _attachments(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [
        {"name": str(entry.get("name") or ""), "url": str(entry.get("url") or "")}
        for entry in value
        if isinstance(entry, dict)
    ]


async def get_program(session: AsyncSession, program_id: int, *, today: dt.date) -> dict[str, Any]:
    found = await listing.detail(session, program_id)
    if found is None:
        raise NotFound(f"지원사업을 찾을 수 없습니다: {program_id}")
    program, raw_url = found
    history = await listing.changes(session, program_id, limit=CHANGES_SHOWN)
    elsewhere = await listing.also_on(session, program)
    return {
        **program_item(program, today),
        "description": program.description,
        "required_documents": _strings(program.required_documents),
        "evaluation_criteria": _strings(program.evaluation_criteria),
        "attachments": _attachments(program.attachments),
        "raw_id": program.original_raw_id,
        "raw_url": raw_url,
        "changes": [
            {
                "changed_at": row.changed_at,
                "field": row.field,
                "from": row.old_value,
                "to": row.new_value,
            }
            for row in history
        ],
        "also_on": [program_item(row, today) for row in elsewhere],
    }


@dataclass(frozen=True)
class Export:
    items: list[dict[str, Any]]
    total: int
    truncated: bool


async def export_etag(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    variant: str,
    with_deadline: bool = False,
) -> str:
    """A weak ETag from what the export depends on, computed without building it."""
    count, newest, highest = await listing.fingerprint(
        session, filters, today=today, with_deadline=with_deadline
    )
    parts = (variant, filters.cache_key(), today.isoformat(), count, newest, highest)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


async def export(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    order: Sequence[Any],
    cap: int | None = None,
    with_deadline: bool = False,
) -> Export:
    """At most ``cap`` items, EXPORT_CAP by default (one more is read to know whether the cap
    cut the answer)."""
    cap = EXPORT_CAP if cap is None else cap
    found = await listing.rows(
        session, filters, today=today, order=order, limit=cap + 1, with_deadline=with_deadline
    )
    truncated = len(found) > cap
    if truncated:
        total = await listing.count(session, filters, today=today, with_deadline=with_deadline)
    else:
        total = len(found)
    # The feed dates an item by when it first appeared, which the list does not show.
    items = [
        {**program_item(row, today), "first_seen_at": row.first_seen_at} for row in found[:cap]
    ]
    return Export(items, total, truncated)
