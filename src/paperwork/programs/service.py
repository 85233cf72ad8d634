"""The seed-compatible dashboard views: the collection page and the scraping status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.envelope import iso
from paperwork.portals import service as portal_service
from paperwork.portals.catalog import portal_name
from paperwork.programs import repository
from paperwork.runs import repository as portal_repository
from paperwork.timeutil import start_of_day_utc, today_in


def _collection_item(row: Any) -> dict[str, Any]:
    # The seed's keys and fallbacks, byte for byte (CONTRACT.md, collection_list).
    return {
        "id": row.id,
        "title": row.title or "N/A",
        "agency": row.implementing_agency or "N/A",
        "deadline": row.application_period or "N/A",
        "status": row.application_status or "N/A",
        "category": row.support_field or "기타",
        "amount": row.support_amount or "N/A",
        "created_at": iso(row.created_at),
        "scraped_at": iso(row.scraped_at),
        "quality_score": row.data_quality_score,
        "portal_name": portal_name(row.portal_id),
        "url": row.detail_url or "",
        "view_count": row.view_count or 0,
        "description": row.description or "",
        "target_audience": row.target_audience or "",
        "required_documents": row.required_documents or [],
        "evaluation_criteria": row.evaluation_criteria or [],
        "attachments": row.attachments or [],
    }


async def collection_list(
    session: AsyncSession, *, portal_id: str | None, limit: int, offset: int
) -> dict[str, Any]:
    rows = await repository.collection_page(
        session, portal_id=portal_id, limit=limit, offset=offset
    )
    total = await repository.count_programs(session, portal_id=portal_id)
    items = [_collection_item(row) for row in rows]
    return {
        "items": items,
        "total": total,
        "current_page": offset // limit + 1,
        "per_page": limit,
        "has_more": offset + len(items) < total,
    }


async def program_stats(session: AsyncSession, day_start: dt.datetime) -> dict[str, Any]:
    """What the status reads from the programs themselves: the costly part (the averages scan
    every program), which only a write changes. JSON-able, so a cache can keep it."""
    aggregates = await repository.portal_aggregates(session)
    lasts = [last for _count, last, _avg in aggregates.values() if last is not None]
    return {
        "total": await repository.count_programs(session),
        "portals": {
            portal_id: {
                "count": count,
                "last_scraping": iso(last),
                "avg_quality": round(float(avg), 2) if avg is not None else 0.0,
            }
            for portal_id, (count, last, avg) in aggregates.items()
        },
        "last_scraping": iso(max(lasts, default=None)),
        "new_today": await repository.count_first_seen_since(session, day_start),
    }


async def scraping_status(
    session: AsyncSession,
    *,
    tz: ZoneInfo,
    now: dt.datetime,
    stats: Callable[[dt.datetime], Awaitable[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """``stats(day_start)`` supplies ``program_stats`` when the caller keeps it (the router:
    once per data version and day, while the schedule part is recomputed as the clock moves)."""
    day_start = start_of_day_utc(today_in(tz, now=now), tz)
    programs = await (stats(day_start) if stats else program_stats(session, day_start))
    schedules = await portal_service.portal_schedules(session, now=now, tz=tz)
    last_statuses = await portal_repository.last_run_statuses(session)
    errors_today = await portal_repository.count_runs_by_portal_since(
        session, day_start, statuses=portal_repository.FAILED_RUN_STATUSES
    )
    portal_stats = []
    no_programs = {"count": 0, "last_scraping": None, "avg_quality": 0.0}
    for portal_id in sorted(set(schedules) | set(programs["portals"])):
        schedule = schedules.get(portal_id)
        portal_stats.append(
            {
                "portal_id": portal_id,
                **programs["portals"].get(portal_id, no_programs),
                "last_run_status": last_statuses.get(portal_id),
                "next_run_at": iso(schedule.next_run_at) if schedule else None,
                "consecutive_failures": schedule.consecutive_failures if schedule else 0,
                "errors_today": errors_today.get(portal_id, 0),
            }
        )
    return {
        "last_scraping": programs["last_scraping"],
        "total_scraped": programs["total"],
        "new_today": programs["new_today"],
        "errors": sum(errors_today.values()),
        # The seed's "completed" is the number of collected programs; kept as it was.
        "completed": programs["total"],
        "next_scheduled": iso(portal_service.earliest(schedules)),
        "portal_stats": portal_stats,
    }
