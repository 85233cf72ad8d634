"""``/api/v1/stats/daily``: programs first seen per Asia/Seoul day and portal (the dashboard's
chart, and anyone else's)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from paperwork.clock import NowDep, TodayDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok
from paperwork.programs import v1_stats_service
from paperwork.programs.v1_stats_schemas import DailyStats

router = APIRouter(prefix="/api/v1", tags=["stats"])

MAX_DAYS = 365
DaysQuery = Annotated[
    int, Query(ge=1, le=MAX_DAYS, description="How many days, today included (1–365).")
]


@router.get(
    "/stats/daily",
    response_model=Envelope[DailyStats],
    responses=error_responses(422),
    summary="일별 신규 지원사업 수 (포털별, 한국 시간)",
    description="Programs first collected on each Asia/Seoul day of the last `days` days "
    "(today included), per portal, with zeros for days and portals without any.",
)
async def daily_stats(
    request: Request,
    session: SessionDep,
    today: TodayDep,
    now: NowDep,
    days: DaysQuery = 30,
) -> Any:
    stats = await v1_stats_service.daily_stats(
        session, days=days, today=today, tz=request.app.state.settings.tz, now=now
    )
    return ok(stats)
