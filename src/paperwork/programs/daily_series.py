"""Sparse (day, portal, count) rows as the series a chart can draw: every day of the range, a
count for every known portal (and any other portal found), zeros where nothing was first seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from paperwork.portals.catalog import PORTAL_NAMES, portal_name
from paperwork.programs.v1_stats_schemas import DailyDay, DailyPortal, DailyStats


def daily_series(
    rows: Iterable[tuple[dt.date, str, int]], *, start_day: dt.date, end_day: dt.date
) -> DailyStats:
    """Every day from ``start_day`` to ``end_day``; rows outside the range are ignored."""
    counts: dict[tuple[dt.date, str], int] = {}
    portal_ids = dict.fromkeys(PORTAL_NAMES)
    for day, portal, count in rows:
        if start_day <= day <= end_day:
            counts[day, portal] = counts.get((day, portal), 0) + count
            portal_ids.setdefault(portal, None)
    portals = list(portal_ids)
    days = [
        start_day + dt.timedelta(days=offset) for offset in range((end_day - start_day).days + 1)
    ]
    series = []
    for day in days:
        per_portal = {portal: counts.get((day, portal), 0) for portal in portals}
        series.append(DailyDay(date=day, counts=per_portal, total=sum(per_portal.values())))
    totals = [
        DailyPortal(
            portal_id=portal,
            portal_name=portal_name(portal),
            total=sum(counts.get((day, portal), 0) for day in days),
        )
        for portal in portals
    ]
    return DailyStats(
        start_date=start_day,
        end_date=end_day,
        portals=totals,
        series=series,
        total=sum(entry.total for entry in totals),
    )
