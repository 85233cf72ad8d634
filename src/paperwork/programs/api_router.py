"""``/api/v1/programs``: search and filter programs, one program with its history, and the
same selection as CSV, iCalendar and RSS. Every answer carries an ETag (``If-None-Match`` → 304).

The fixed paths (``programs.csv``, ``programs.ics``, ``programs/feed.xml``) are declared before
``programs/{program_id}``, which would otherwise claim ``feed.xml`` as an id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints

from paperwork.cache import CacheDep, answer
from paperwork.clock import NowDep, TodayDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses
from paperwork.programs import api_service, exports, http_cache, listing
from paperwork.programs.api_schemas import (
    ProgramDetail,
    ProgramFilters,
    ProgramPage,
    ProgramSort,
    ProgramStatus,
)

router = APIRouter(prefix="/api/v1", tags=["programs"])

MAX_INT4 = 2**31 - 1
Value = Annotated[str, StringConstraints(max_length=100)]


IfNoneMatch = Annotated[
    str | None, Header(description="An ETag from an earlier answer: 304 if unchanged.")
]


async def program_filters(
    request: Request,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to find in title, agency, description or target, inside words "
            '("창업" finds "예비창업패키지"); every word must occur. Case-insensitive.',
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
    return api_service.make_filters(
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
    ProgramSort,
    Query(
        description="-scraped_at (newest first), deadline (soonest first, none last), title, "
        "or relevance (needs q, else 422: title hits rank above agency, target, description)."
    ),
]
FAILURES: dict[int | str, dict[str, Any]] = {**http_cache.NOT_MODIFIED, **error_responses(422)}


def _json_errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Failure entries for a route whose success is a file: FastAPI would document a model's
    errors under the file's media type, but failures are JSON envelopes."""
    schema = {"$ref": "#/components/schemas/ErrorEnvelope"}
    return {
        code: {
            "description": HTTPStatus(code).phrase,
            "content": {"application/json": {"schema": schema}},
        }
        for code in codes
    }


# The app-wide 429/500/503 entries are repeated so they, too, are documented as JSON here.
FILE_FAILURES = {**http_cache.NOT_MODIFIED, **_json_errors(422, 429, 500, 503)}


class CSVResponse(StreamingResponse):
    media_type = "text/csv"


class ICSResponse(Response):
    media_type = "text/calendar"


class RSSResponse(Response):
    media_type = "application/rss+xml"


LIST_DESCRIPTION = """Search and filter programs; the answer is `{items, total, limit, offset}`.

- **Text filters** (`category`, `region`, `agency`, `target`) match when the field *contains*
  the value, ignoring case; a repeated filter matches any of its values; different filters
  must all match. `portal_id` is exact.
- **status** is computed from `apply_start`/`apply_end`/`period_kind` against today in
  Asia/Seoul, never from the portal's status text: `closed` once the deadline has passed,
  `upcoming` before the start, `open` from the start through the deadline day, `rolling` for
  rolling or until-budget programs without a deadline, `unknown` otherwise. `d_day` counts days
  to `apply_end` the same way.
- **dedupe=true** lists a program announced on several portals (same deadline, same agency,
  same title ignoring case, spaces and punctuation) once: the copy collected first (lowest id)
  among the matches. Its detail names the others in `also_on`. Programs without a deadline are
  never paired.
- **sort=relevance** needs `q` (422 without it).
- Every answer has an `ETag`; send it back in `If-None-Match` to get `304 Not Modified`.
"""


@router.get(
    "/programs",
    response_model=Envelope[ProgramPage],
    responses=FAILURES,
    summary="지원사업 검색·필터 목록",
    description=LIST_DESCRIPTION,
)
async def list_programs(
    request: Request,
    cache: CacheDep,
    filters: FiltersDep,
    today: TodayDep,
    sort: SortQuery = ProgramSort.newest,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    if_none_match: IfNoneMatch = None,
) -> Any:
    # The total is kept apart from the page: every page of one search shares it, so paging
    # through results counts the matches once per data version, not once per page.
    total_key = f"programs-total:{today}:{filters.cache_key()}"

    def total() -> Awaitable[int]:
        return cache.value(total_key, lambda session: listing.count(session, filters, today=today))

    entry = await cache.get_or_compute(
        f"programs:{today}:{request.url.query}",
        lambda session: api_service.list_programs(
            session, filters, sort=sort, limit=limit, offset=offset, today=today, total=total
        ),
    )
    return answer(entry, if_none_match=if_none_match)


def _export_headers(export: api_service.Export, etag: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "X-Total-Count": str(export.total),
        "X-Export-Truncated": "true" if export.truncated else "false",
    }


EXPORT_NOTE = f" At most {api_service.EXPORT_CAP:,} programs: X-Export-Truncated tells."


@router.get(
    "/programs.csv",
    response_class=CSVResponse,
    responses=FILE_FAILURES,
    summary="목록 CSV 내보내기 (UTF-8 BOM)",
    description="The list's items as CSV, same filters and sort." + EXPORT_NOTE,
)
async def export_csv(
    session: SessionDep,
    filters: FiltersDep,
    today: TodayDep,
    sort: SortQuery = ProgramSort.newest,
    if_none_match: IfNoneMatch = None,
) -> Response:
    api_service.check_sort(sort, filters)
    etag = await api_service.export_etag(session, filters, today=today, variant=f"csv:{sort}")
    if http_cache.matches(if_none_match, etag):
        return http_cache.not_modified(etag)
    # Rows are read now and the connection returned; only the encoding streams, so a slow
    # download never holds a pooled connection.
    export = await api_service.export(
        session, filters, today=today, order=listing.order_for(sort, filters)
    )
    headers = _export_headers(export, etag)
    headers["Content-Disposition"] = 'attachment; filename="programs.csv"'
    return CSVResponse(exports.csv_chunks(export.items), headers=headers)


@router.get(
    "/programs.ics",
    response_class=ICSResponse,
    responses=FILE_FAILURES,
    summary="마감일 캘린더 (iCalendar)",
    description="An all-day event on each matching program's deadline, soonest first; "
    "programs without a deadline are left out." + EXPORT_NOTE,
)
async def export_ics(
    session: SessionDep,
    filters: FiltersDep,
    today: TodayDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    etag = await api_service.export_etag(
        session, filters, today=today, variant="ics", with_deadline=True
    )
    if http_cache.matches(if_none_match, etag):
        return http_cache.not_modified(etag)
    export = await api_service.export(
        session,
        filters,
        today=today,
        order=listing.order_for(ProgramSort.deadline, filters),
        with_deadline=True,
    )
    body = exports.ics_document(export.items, name="지원사업 마감일")
    return ICSResponse(body, headers=_export_headers(export, etag))


@router.get(
    "/programs/feed.xml",
    response_class=RSSResponse,
    responses=FILE_FAILURES,
    summary="새 지원사업 RSS 피드",
    description=f"RSS 2.0 of the {api_service.FEED_SIZE} newest matching programs (by when "
    "first collected): a saved search for feed readers.",
)
async def feed(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    today: TodayDep,
    now: NowDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    etag = await api_service.export_etag(session, filters, today=today, variant="rss")
    if http_cache.matches(if_none_match, etag):
        return http_cache.not_modified(etag)
    export = await api_service.export(
        session, filters, today=today, order=listing.NEWEST_FIRST, cap=api_service.FEED_SIZE
    )
    body = exports.rss_document(
        export.items,
        title="Paperwork AI 지원사업" + (f": {filters.q}" if filters.q else ""),
        link=str(request.url.replace(path=router.prefix + "/programs")),
        self_url=str(request.url),
        description="정부 지원사업 공고 (기업마당, K-Startup, 중소벤처기업부)",
        built_at=now,
    )
    return RSSResponse(body, headers={"ETag": etag})


@router.get(
    "/programs/{program_id}",
    response_model=Envelope[ProgramDetail],
    responses={**http_cache.NOT_MODIFIED, **error_responses(404, 422)},
    summary="지원사업 상세 (변경 이력, 다른 포털의 같은 사업)",
)
async def get_program(
    cache: CacheDep,
    today: TodayDep,
    program_id: Annotated[int, Path(ge=1, le=MAX_INT4)],
    if_none_match: IfNoneMatch = None,
) -> Any:
    entry = await cache.get_or_compute(
        f"program:{today}:{program_id}",
        lambda session: api_service.get_program(session, program_id, today=today),
    )
    return answer(entry, if_none_match=if_none_match)
