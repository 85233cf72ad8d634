"""The programs' cache layer, between routers and services: what each answer is kept under, for
how long, and its conditional GET. A router calls one function here and returns its answer.

- JSON answers (the seed's collection list and status, ``/api/v1/programs`` pages and details)
  are computed once per data version by ``AnswerCache`` and tagged with a hash of their data.
- A page's total is kept apart from the page: every page of one search shares it, so paging
  through results counts the matches once per data version, not once per page; a short first
  page knows its own total and counts nothing.
- The scraping status also moves with the clock (windows open and close), so it is kept at most
  ``STATUS_MAX_AGE_SECONDS``; the per-program figures it is built from are kept per data version
  and day, so its refresh recomputes the schedules, not a scan of every program.
- Exports are not kept (they can be large); they are tagged before they are built, from a
  fingerprint of what they depend on (weak: the same content, not promised byte for byte), so
  a 304 skips building them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.cache import AnswerCache, answer, etag_matches, not_modified
from paperwork.programs import facets, seed_service, v1_files, v1_service
from paperwork.programs.seed_schemas import ProgramStats, ScrapingStatus
from paperwork.programs.v1_schemas import ProgramFilters, ProgramPage, ProgramSort

STATUS_MAX_AGE_SECONDS = 5.0


# --- the seed's /scraping-dashboard ---------------------------------------------------------


async def collection_page(
    cache: AnswerCache, *, portal_id: str | None, limit: int, offset: int
) -> Response:
    seed_service.check_portal(portal_id)
    entry = await cache.get_or_compute(
        f"collection_list:{portal_id}:{limit}:{offset}",
        lambda session: seed_service.collection_list(
            session, portal_id=portal_id, limit=limit, offset=offset
        ),
    )
    return answer(entry)


async def scraping_status(cache: AnswerCache, *, tz: ZoneInfo, now: dt.datetime) -> Response:
    async def compute(session: AsyncSession) -> ScrapingStatus:
        day_start = seed_service.day_start(tz, now)
        figures = await cache.value(
            f"program_stats:{day_start.isoformat()}",
            lambda session: seed_service.program_stats(session, day_start),
        )
        return await seed_service.scraping_status(
            session, tz=tz, now=now, programs=ProgramStats.model_validate(figures)
        )

    entry = await cache.get_or_compute("scraping_status", compute, max_age=STATUS_MAX_AGE_SECONDS)
    return answer(entry)


# --- /api/v1/programs -----------------------------------------------------------------------


async def program_page(
    cache: AnswerCache,
    filters: ProgramFilters,
    *,
    sort: ProgramSort | None,
    limit: int,
    offset: int,
    after: str | None,
    facet_names: tuple[str, ...],
    today: dt.date,
    if_none_match: str | None,
) -> Response:
    resolved = v1_service.resolve_sort(sort, filters)
    # Statuses and d-days move with the day: every key names it.
    selection = f"{today}:{filters.cache_key()}"

    async def total() -> int:
        return int(
            await cache.value(
                f"programs-total:{selection}",
                lambda session: v1_service.count_matches(session, filters, today=today),
            )
        )

    async def compute(session: AsyncSession) -> ProgramPage:
        # A relevance page is read one way for a few matches and another for many: the total
        # (kept for every page of the search anyway) comes first to choose.
        matches = await total() if resolved is ProgramSort.relevance else None
        page = await v1_service.page_items(
            session,
            filters,
            sort=resolved,
            limit=limit,
            offset=offset,
            after=after,
            today=today,
            matches=matches,
        )
        known = v1_service.total_known_from(page.items, limit=limit, offset=offset, after=after)
        if known is None:
            known = matches if matches is not None else await total()
        counts = None
        if facet_names:
            # Kept apart from the pages, like the total: paging through a search counts once.
            counts = await cache.value(
                f"programs-facets:{','.join(facet_names)}:{selection}",
                lambda session: facets.facet_data(session, filters, facet_names, today=today),
            )
        return v1_service.program_page(page, total=known, limit=limit, offset=offset, facets=counts)

    key = f"programs:{resolved}:{limit}:{offset}:{after}:{','.join(facet_names)}:{selection}"
    entry = await cache.get_or_compute(key, compute)
    return answer(entry, if_none_match=if_none_match)


async def program_detail(
    cache: AnswerCache, program_id: int, *, today: dt.date, if_none_match: str | None
) -> Response:
    entry = await cache.get_or_compute(
        f"program:{today}:{program_id}",
        lambda session: v1_service.get_program(session, program_id, today=today),
    )
    return answer(entry, if_none_match=if_none_match)


async def _export_etag(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    variant: str,
    with_deadline: bool = False,
) -> str:
    """A weak ETag from what the export depends on, computed without building it."""
    count, newest, highest = await v1_service.export_fingerprint(
        session, filters, today=today, with_deadline=with_deadline
    )
    parts = (variant, filters.cache_key(), today.isoformat(), count, newest, highest)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


async def csv_export(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    sort: ProgramSort | None,
    today: dt.date,
    if_none_match: str | None,
) -> Response:
    resolved = v1_service.resolve_sort(sort, filters)  # a bad sort is a 422, whatever is held
    etag = await _export_etag(session, filters, today=today, variant=f"csv:{resolved}")
    if etag_matches(if_none_match, etag):
        return not_modified(etag)
    export = await v1_service.csv_export(session, filters, sort=resolved, today=today)
    return v1_files.csv_file(export, etag)


async def calendar_export(
    session: AsyncSession, filters: ProgramFilters, *, today: dt.date, if_none_match: str | None
) -> Response:
    etag = await _export_etag(session, filters, today=today, variant="ics", with_deadline=True)
    if etag_matches(if_none_match, etag):
        return not_modified(etag)
    export = await v1_service.calendar_export(session, filters, today=today)
    return v1_files.calendar_file(export, etag)


async def feed_export(
    session: AsyncSession,
    filters: ProgramFilters,
    *,
    today: dt.date,
    now: dt.datetime,
    link: str,
    self_url: str,
    if_none_match: str | None,
) -> Response:
    etag = await _export_etag(session, filters, today=today, variant="rss")
    if etag_matches(if_none_match, etag):
        return not_modified(etag)
    export = await v1_service.feed_export(
        session, filters, today=today, link=link, self_url=self_url, built_at=now
    )
    return v1_files.feed_file(export, etag)
