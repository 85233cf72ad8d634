"""Shapes of ``/api/v1/stats``: programs first seen per day, per portal and in all."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


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
