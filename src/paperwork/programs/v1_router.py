"""``/api/v1/programs``: search and filter programs, one program with its history, and the
same selection as CSV, iCalendar and RSS. Every answer carries an ETag (``If-None-Match`` → 304).
Each route parses its request (``v1_params``) and returns what the cache layer (``cached``)
answers.

The fixed paths (``programs.csv``, ``programs.ics``, ``programs/feed.xml``) are declared before
``programs/{program_id}``, which would otherwise claim ``feed.xml`` as an id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from paperwork.cache import NOT_MODIFIED, CacheDep, IfNoneMatch
from paperwork.clock import NowDep, TodayDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, file_error_responses
from paperwork.programs import cached
from paperwork.programs.facets import parse_facets
from paperwork.programs.v1_files import CSVResponse, ICSResponse, RSSResponse
from paperwork.programs.v1_params import FiltersDep, SortQuery
from paperwork.programs.v1_schemas import ProgramDetail, ProgramPage
from paperwork.programs.v1_service import EXPORT_CAP, FEED_SIZE

router = APIRouter(prefix="/api/v1", tags=["programs"])

MAX_INT4 = 2**31 - 1

FAILURES: dict[int | str, dict[str, Any]] = {**NOT_MODIFIED, **error_responses(422)}
# The app-wide 429/500/503 entries are repeated so they, too, are documented as JSON here.
FILE_FAILURES = {**NOT_MODIFIED, **file_error_responses(422, 429, 500, 503)}


LIST_DESCRIPTION = """Search and filter programs; the answer is `{items, total, total_relation,
limit, offset, next_cursor, facets}`.

- **q** finds every word in title, agency, target or description, inside Korean words and
  regardless of spacing ("스마트공장" finds "스마트 공장"); Latin words and numbers at word starts,
  ignoring case ("ai" finds "AI기반", not "mail"); agency short names find full names and back
  ("중기부" finds "중소벤처기업부"). Items then carry `highlights`. With `q`, the default sort is
  `relevance` (see the README for the rule). `total` is exact up to 10,000 matches; beyond,
  it is 10,000 and `total_relation` is `"gte"`.
- **cursor**: pass a page's `next_cursor` (with the same filters and sort) for the next page:
  as fast at page 5,000 as at page 1, and stable while programs are added. `offset` must then
  be 0.
- **facets** (e.g. `portal_id,status,region,category`): counts per value for the same search
  and filters, each facet ignoring its own filter, so a choice can be widened.

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
    cache: CacheDep,
    filters: FiltersDep,
    today: TodayDep,
    sort: SortQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    cursor: Annotated[
        str | None, Query(max_length=1_000, description="A previous page's next_cursor.")
    ] = None,
    facets: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Comma-separated: portal_id, status, region, category.",
        ),
    ] = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    return await cached.program_page(
        cache,
        filters,
        sort=sort,
        limit=limit,
        offset=offset,
        after=cursor,
        facet_names=parse_facets(facets),
        today=today,
        if_none_match=if_none_match,
    )


EXPORT_NOTE = f" At most {EXPORT_CAP:,} programs: X-Export-Truncated tells."


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
    sort: SortQuery = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    return await cached.csv_export(
        session, filters, sort=sort, today=today, if_none_match=if_none_match
    )


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
    return await cached.calendar_export(session, filters, today=today, if_none_match=if_none_match)


@router.get(
    "/programs/feed.xml",
    response_class=RSSResponse,
    responses=FILE_FAILURES,
    summary="새 지원사업 RSS 피드",
    description=f"RSS 2.0 of the {FEED_SIZE} newest matching programs (by when "
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
    return await cached.feed_export(
        session,
        filters,
        today=today,
        now=now,
        link=str(request.url.replace(path=router.prefix + "/programs")),
        self_url=str(request.url),
        if_none_match=if_none_match,
    )


@router.get(
    "/programs/{program_id}",
    response_model=Envelope[ProgramDetail],
    responses={**NOT_MODIFIED, **error_responses(404, 422)},
    summary="지원사업 상세 (변경 이력, 다른 포털의 같은 사업)",
)
async def get_program(
    cache: CacheDep,
    today: TodayDep,
    program_id: Annotated[int, Path(ge=1, le=MAX_INT4)],
    if_none_match: IfNoneMatch = None,
) -> Any:
    return await cached.program_detail(cache, program_id, today=today, if_none_match=if_none_match)
