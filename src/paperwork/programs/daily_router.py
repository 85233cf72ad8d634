"""``/api/v1/stats/daily``: programs first seen per Asia/Seoul day and portal (the dashboard's
chart, and anyone else's)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from paperwork.clock import NowDep, TodayDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, error_responses, ok
from paperwork.programs import daily

router = APIRouter(prefix="/api/v1", tags=["stats"])

MAX_DAYS = 365
DaysQuery = Annotated[
    int, Query(ge=1, le=MAX_DAYS, description="How many days, today included (1–365).")
]


class DailyDay(BaseModel):
    date: dt.date
    counts: dict[str, int] = Field(description="Programs first seen that day, by portal_id.")
    total: int


class DailyPortal(BaseModel):
    portal_id: str
    portal_name: str
    total: int = Field(description="Programs first seen in the whole range.")


class DailyStats(BaseModel):
    start_date: dt.date = Field(description="The first day of the range (Asia/Seoul).")
    end_date: dt.date = Field(description="Today in Asia/Seoul, the last day of the range.")
    portals: list[DailyPortal]
    series: list[DailyDay] = Field(description="One entry per day, oldest first, zero-filled.")
    total: int


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
    tz = request.app.state.settings.tz
    start_day = today - dt.timedelta(days=days - 1)
    rows = await daily.first_seen_counts(session, start_day=start_day, tz=tz, now=now)
    return ok(daily.daily_series(rows, start_day=start_day, end_day=today))
