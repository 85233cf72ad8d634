"""The API's clock, as dependencies: "now" and today's Asia/Seoul date. Every handler takes its
time from here (never ``datetime.now``), so tests override ``current_time`` to stand anywhere in
time, at KST midnight or years ahead, without waiting for it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Request

from paperwork.timeutil import today_in


# Async on purpose: a sync dependency runs in the threadpool, a hop per request.
async def current_time() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def seoul_today(
    request: Request, now: Annotated[dt.datetime, Depends(current_time)]
) -> dt.date:
    return today_in(request.app.state.settings.tz, now=now)


NowDep = Annotated[dt.datetime, Depends(current_time)]
TodayDep = Annotated[dt.date, Depends(seoul_today)]
