"""The seed's ``/scraping-config``: read every portal's collection settings; admins change them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query

from paperwork.auth.dependency import AdminDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok
from paperwork.portals import seed_service
from paperwork.portals.seed_schemas import (
    ScrapingConfigRead,
    ScrapingConfigUpdate,
    ScrapingConfigUpdated,
)

router = APIRouter(tags=["scraping-config"])

PortalPath = Annotated[str, Path(max_length=32, description="포털 ID (bizinfo, kstartup, mss)")]


@router.get(
    "/scraping-config",
    response_model=Envelope[list[ScrapingConfigRead]],
    responses=error_responses(404, 422),
    summary="포털별 수집 설정 조회",
)
async def get_scraping_config(
    session: SessionDep, portal_id: Annotated[str | None, Query(max_length=32)] = None
) -> Any:
    return ok(await seed_service.list_configs(session, portal_id=portal_id))


@router.put(
    "/scraping-config/{portal_id}",
    response_model=Envelope[ScrapingConfigUpdated],
    responses=error_responses(401, 403, 404, 422),
    summary="포털 수집 설정 변경 (관리자)",
)
async def update_scraping_config(
    portal_id: PortalPath,
    _admin: AdminDep,
    session: SessionDep,
    update: Annotated[ScrapingConfigUpdate, Body()],
) -> Any:
    return ok(await seed_service.update_config(session, portal_id=portal_id, update=update))
