"""``/api/v1/programs`` use cases: a page of programs and their total, one program with its
history, and the list's selection rendered as CSV, iCalendar or RSS.

``today`` (the Asia/Seoul calendar day) comes from the caller, so every status and d-day in one
answer agrees, and tests can stand on either side of midnight. What is kept between requests,
and the ETags, are the cache layer's (``cached``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.ai import summaries_repository
from paperwork.ai.summary_content import content_hash
from paperwork.attachments import repository as attachments_repository
from paperwork.attachments.v1_service import program_attachments
from paperwork.errors import InvalidInput, NotFound
from paperwork.models import ProgramSummary, SupportProgram
from paperwork.portals.catalog import portal_name
from paperwork.programs import cursor, exports, json_columns, v1_repository
from paperwork.programs.program_status import d_day, program_status
from paperwork.programs.v1_repository import FIRST_SEEN
from paperwork.programs.v1_schemas import (
    ChangeRead,
    ProgramDetail,
    ProgramFilters,
    ProgramPage,
    ProgramRead,
    ProgramSort,
    SummaryRead,
)
from paperwork.search.highlight import description_snippet, highlight_title
from paperwork.search.normalize import fold
from paperwork.search.query import SearchQuery, parse_query

# Newest changes shown on the detail page; older history stays in the database.
CHANGES_SHOWN = 200
EXPORT_CAP = 10_000
FEED_SIZE = 50
# A search's total is exact up to here; beyond it the answer says "gte" (counting every match
# of a one-syllable word would cost more than the page).
EXACT_TOTAL_CAP = 10_000


def resolve_sort(sort: ProgramSort | None, filters: ProgramFilters) -> ProgramSort:
    """The sort asked for, or the default: relevance with a search, newest first without.
    sort=relevance without a search is a 422."""
    searching = parse_query(filters.q) is not None
    if sort is None:
        return ProgramSort.relevance if searching else ProgramSort.newest
    if sort is ProgramSort.relevance and not searching:
        raise InvalidInput("sort=relevance needs a search query (q)")
    return sort


def program_fields(row: Any, today: dt.date) -> dict[str, Any]:
    """One program's list fields (``ProgramRead``'s) from a row of ``v1_repository.ITEM_COLUMNS``
    or a model: what the JSON item is built from, and what the exports render."""
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
        "status": program_status(row.apply_start, end, row.period_kind, today),
        "d_day": d_day(end, today),
        "url": row.detail_url,
        "scraped_at": row.scraped_at,
        "updated_at": row.updated_at,
        "quality_score": row.data_quality_score,
    }


def program_item(row: Any, today: dt.date) -> ProgramRead:
    return ProgramRead(**program_fields(row, today))


@dataclass(frozen=True)
class PageItems:
    """One page's items as ``ProgramRead`` fields and the cursor of the page after it."""

    items: list[dict[str, Any]]
    next_cursor: str | None


def _highlights(query: SearchQuery, row: Any) -> dict[str, str | None]:
    return {
        "title": highlight_title(row.title, query.groups),
        "description": description_snippet(row.description, query.groups),
    }


async def _attachment_highlights(
    session: AsyncSession, query: SearchQuery, page: Sequence[Any]
) -> dict[int, dict[str, Any]]:
    """For each result with a word found only in its attachments: the first attachment whose
    text shows a match, and a snippet of it."""
    elsewhere = [
        row.id
        for row in page
        if not query.found_in(
            *(
                fold(value or "")
                for value in (
                    row.title,
                    row.implementing_agency,
                    row.target_audience,
                    row.description,
                )
            )
        )
    ]
    found: dict[int, dict[str, Any]] = {}
    for program_id, link_id, name, text in await attachments_repository.extracted_texts(
        session, elsewhere
    ):
        if program_id in found:
            continue
        snippet = description_snippet(text, query.groups, only_matching=True)
        if snippet is not None:
            found[program_id] = {"id": link_id, "name": name, "snippet": snippet}
    return found


async def page_items(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    sort: ProgramSort,
    limit: int,
    offset: int,
    after: str | None,
    today: dt.date,
    matches: int | None = None,
) -> PageItems:
    """One page of the matches in ``sort`` order (``program_page`` validates them with the
    page in one pass: a search's first answer is on the hot path), starting ``offset`` rows in
    or after the row the cursor ``after`` names. One row more than the page is read, to know
    whether a page follows."""
    if after is not None and offset:
        raise InvalidInput("cursor and offset cannot be combined: a cursor says where to start")
    kinds = v1_repository.key_kinds(sort, filters)
    after_keys = None if after is None else cursor.decode(after, sort=sort.value, kinds=kinds)
    query = parse_query(filters.q)
    found = await v1_repository.rows(
        session,
        filters,
        today=today,
        order=sort,
        limit=limit + 1,
        offset=offset,
        after_keys=after_keys,
        with_description=query is not None,
        matches=matches,
    )
    page = found[:limit]
    items = [program_fields(row, today) for row in page]
    if query is not None:
        in_attachments = await _attachment_highlights(session, query, page)
        for item, row in zip(items, page, strict=True):
            item["highlights"] = _highlights(query, row)
            item["highlights"]["attachment"] = in_attachments.get(row.id)
    next_cursor = None
    if len(found) > limit:  # a row follows this page: start the next after its last row
        next_cursor = cursor.encode(sort.value, tuple(page[-1])[-len(kinds) :])
    return PageItems(items, next_cursor)


def total_known_from(
    items: Sequence[object], *, limit: int, offset: int, after: str | None
) -> int | None:
    """A short first page already knows its total (no count needed); any other does not."""
    first = offset == 0 and after is None
    return len(items) if first and len(items) < limit else None


async def count_matches(session: AsyncSession, filters: ProgramFilters, *, today: dt.date) -> int:
    """The number of all matches, up to EXACT_TOTAL_CAP + 1: the total every page of one
    search shares."""
    return await v1_repository.count(session, filters, today=today, cap=EXACT_TOTAL_CAP)


def program_page(
    page: PageItems,
    *,
    total: int,
    limit: int,
    offset: int,
    facets: dict[str, Any] | None = None,
) -> ProgramPage:
    capped = total > EXACT_TOTAL_CAP
    return ProgramPage.model_validate(
        {
            "items": page.items,
            "total": EXACT_TOTAL_CAP if capped else total,
            "total_relation": "gte" if capped else "eq",
            "limit": limit,
            "offset": offset,
            "next_cursor": page.next_cursor,
            "facets": facets,
        }
    )


async def get_program(session: AsyncSession, program_id: int, *, today: dt.date) -> ProgramDetail:
    found = await v1_repository.detail(session, program_id)
    if found is None:
        raise NotFound(f"지원사업을 찾을 수 없습니다: {program_id}")
    program, raw_url = found
    history = await v1_repository.changes(session, program_id, limit=CHANGES_SHOWN)
    elsewhere = await v1_repository.also_on(session, program)
    return ProgramDetail(
        **program_fields(program, today),
        description=program.description,
        required_documents=json_columns.strings(program.required_documents),
        evaluation_criteria=json_columns.strings(program.evaluation_criteria),
        attachments=await program_attachments(session, program),
        raw_id=program.original_raw_id,
        raw_url=raw_url,
        changes=[
            ChangeRead(
                changed_at=row.changed_at, field=row.field, from_=row.old_value, to=row.new_value
            )
            for row in history
        ],
        also_on=[program_item(row, today) for row in elsewhere],
        summary=await stored_summary(session, program),
    )


async def stored_summary(session: AsyncSession, program: SupportProgram) -> SummaryRead | None:
    """The program's latest AI summary, and whether it was made from the program as it is."""
    found = await summaries_repository.latest(session, program.id)
    if found is None or found.summary is None:
        return None
    attachments = await attachments_repository.attachment_texts(session, program.id)
    current = found.content_hash == content_hash(program, attachments)
    return summary_read(found, current=current)


def summary_read(found: ProgramSummary, *, current: bool) -> SummaryRead:
    return SummaryRead(
        **(found.summary or {}),
        provider=found.provider,
        model=found.model,
        created_at=found.created_at,
        current=current,
    )


# --- exports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """A rendered export: its body (whole, or chunks to stream) and how much it holds."""

    body: bytes | Iterator[bytes]

    def chunks(self) -> Iterator[bytes]:
        return iter((self.body,)) if isinstance(self.body, bytes) else self.body

    total: int
    truncated: bool


async def export_fingerprint(
    session: AsyncSession, filters: ProgramFilters, *, today: dt.date, with_deadline: bool = False
) -> tuple[int, str, int]:
    """What an export depends on (count, newest update, highest id of the matches), read
    without building it: the cache layer tags the export with it."""
    return await v1_repository.fingerprint(
        session, filters, today=today, with_deadline=with_deadline
    )


async def _export_items(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    order: v1_repository.Order,
    cap: int | None = None,
    with_deadline: bool = False,
) -> tuple[list[dict[str, Any]], int, bool]:
    """At most ``cap`` items, EXPORT_CAP by default (one more is read to know whether the cap
    cut the answer), with the number of all matches and whether the cap cut them. The rows are
    read now and the connection returned: only the encoding streams."""
    cap = EXPORT_CAP if cap is None else cap
    found = await v1_repository.rows(
        session, filters, today=today, order=order, limit=cap + 1, with_deadline=with_deadline
    )
    truncated = len(found) > cap
    if truncated:
        total = await v1_repository.count(
            session, filters, today=today, with_deadline=with_deadline
        )
    else:
        total = len(found)
    # The feed dates an item by when it first appeared, which the list does not show.
    items = [
        {**program_fields(row, today), "first_seen_at": row.first_seen_at} for row in found[:cap]
    ]
    return items, total, truncated


async def csv_export(
    session: AsyncSession, filters: ProgramFilters, *, sort: ProgramSort, today: dt.date
) -> ExportFile:
    """The list's items as CSV chunks, same filters and sort."""
    items, total, truncated = await _export_items(session, filters, today=today, order=sort)
    return ExportFile(exports.csv_chunks(items), total, truncated)


async def calendar_export(
    session: AsyncSession, filters: ProgramFilters, *, today: dt.date
) -> ExportFile:
    """The deadlines of the matches with one, soonest first, as iCalendar."""
    items, total, truncated = await _export_items(
        session, filters, today=today, order=ProgramSort.deadline, with_deadline=True
    )
    return ExportFile(exports.ics_document(items, name="지원사업 마감일"), total, truncated)


async def feed_export(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    link: str,
    self_url: str,
    built_at: dt.datetime,
) -> ExportFile:
    """The FEED_SIZE newest matches by when first collected, as RSS 2.0."""
    items, total, truncated = await _export_items(
        session, filters, today=today, order=FIRST_SEEN, cap=FEED_SIZE
    )
    body = exports.rss_document(
        items,
        title="Paperwork AI 지원사업" + (f": {filters.q}" if filters.q else ""),
        link=link,
        self_url=self_url,
        description="정부 지원사업 공고 (기업마당, K-Startup, 중소벤처기업부)",
        built_at=built_at,
    )
    return ExportFile(body, total, truncated)
