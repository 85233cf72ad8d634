"""``/scraping-dashboard``: the seed's collection list and scraping status (CONTRACT.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from paperwork.cache import CacheDep
from paperwork.clock import NowDep
from paperwork.envelope import Envelope, error_responses
from paperwork.programs import cached
from paperwork.programs.seed_schemas import CollectionPage, ScrapingStatus

router = APIRouter(tags=["scraping-dashboard"])


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
        return await cached.scraping_status(cache, tz=request.app.state.settings.tz, now=now)
    return await cached.collection_page(cache, portal_id=portal_id, limit=limit, offset=offset)
