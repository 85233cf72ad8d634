"""``/scraping-dashboard``: the seed's collection list and scraping status (CONTRACT.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from paperwork.cache import CacheDep, answer
from paperwork.clock import NowDep
from paperwork.envelope import Envelope, error_responses
from paperwork.errors import NotFound
from paperwork.portals.catalog import PORTAL_NAMES
from paperwork.programs import service
from paperwork.programs.schemas import CollectionPage, ScrapingStatus

router = APIRouter(tags=["scraping-dashboard"])

STATUS_MAX_AGE_SECONDS = 5.0


class DashboardAction(StrEnum):
    collection_list = "collection_list"
    scraping_status = "scraping_status"


@router.get(
    "/scraping-dashboard",
    response_model=Envelope[CollectionPage] | Envelope[ScrapingStatus],
    responses=error_responses(404, 422),
    summary="수집 현황: 지원사업 목록(collection_list) 또는 수집 상태(scraping_status)",
)
async def scraping_dashboard(
    request: Request,
    cache: CacheDep,
    now: NowDep,
    action: DashboardAction = DashboardAction.collection_list,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    portal_id: Annotated[str | None, Query(max_length=32)] = None,
) -> Any:
    if action is DashboardAction.scraping_status:
        tz = request.app.state.settings.tz

        def program_stats(day_start: dt.datetime) -> Awaitable[dict[str, Any]]:
            # Kept per data version (and day, for new_today): the clock-driven refresh below
            # recomputes the schedules, not a scan of every program.
            return cache.value(
                f"program_stats:{day_start.isoformat()}",
                lambda session: service.program_stats(session, day_start),
            )

        status = await cache.get_or_compute(
            "scraping_status",
            lambda session: service.scraping_status(session, tz=tz, now=now, stats=program_stats),
            # next_run_at also moves with the clock (windows open and close), not only with data.
            max_age=STATUS_MAX_AGE_SECONDS,
        )
        return answer(status)
    if portal_id is not None and portal_id not in PORTAL_NAMES:
        raise NotFound(f"알 수 없는 포털입니다: {portal_id}")
    page = await cache.get_or_compute(
        f"collection_list:{portal_id}:{limit}:{offset}",
        lambda session: service.collection_list(
            session, portal_id=portal_id, limit=limit, offset=offset
        ),
    )
    return answer(page)
