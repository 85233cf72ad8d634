"""The seed-compatible dashboard views: the collection page and the scraping status, built
through their response models (``seed_schemas``) with the seed's keys and fallbacks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.envelope import iso
from paperwork.errors import NotFound
from paperwork.portals import service as portal_service
from paperwork.portals.catalog import PORTAL_NAMES, portal_name
from paperwork.programs import json_columns, repository
from paperwork.programs.seed_schemas import (
    Attachment,
    CollectionItem,
    CollectionPage,
    PortalFigures,
    PortalStat,
    ProgramStats,
    ScrapingStatus,
)
from paperwork.runs import repository as runs_repository
from paperwork.timeutil import start_of_day_utc, today_in
from paperwork.vocabulary import FAILED_RUN_STATUSES

NO_PROGRAMS = PortalFigures(count=0, last_scraping=None, avg_quality=0.0)


def check_portal(portal_id: str | None) -> None:
    """The list of one portal needs a portal we know (404 otherwise)."""
    if portal_id is not None and portal_id not in PORTAL_NAMES:
        raise NotFound(f"알 수 없는 포털입니다: {portal_id}")


def _collection_item(row: Any) -> CollectionItem:
    # The seed's keys and fallbacks, byte for byte (CONTRACT.md, collection_list).
    return CollectionItem(
        id=row.id,
        title=row.title or "N/A",
        agency=row.implementing_agency or "N/A",
        deadline=row.application_period or "N/A",
        status=row.application_status or "N/A",
        category=row.support_field or "기타",
        amount=row.support_amount or "N/A",
        created_at=iso(row.created_at),
        scraped_at=iso(row.scraped_at),
        quality_score=row.data_quality_score,
        portal_name=portal_name(row.portal_id),
        url=row.detail_url or "",
        view_count=row.view_count or 0,
        description=row.description or "",
        target_audience=row.target_audience or "",
        required_documents=json_columns.strings(row.required_documents),
        evaluation_criteria=json_columns.strings(row.evaluation_criteria),
        attachments=[Attachment(**entry) for entry in json_columns.attachments(row.attachments)],
    )


async def collection_list(
    session: AsyncSession, *, portal_id: str | None, limit: int, offset: int
) -> CollectionPage:
    rows = await repository.collection_page(
        session, portal_id=portal_id, limit=limit, offset=offset
    )
    portal_ids = () if portal_id is None else (portal_id,)
    total = await repository.count_programs(session, portal_ids=portal_ids)
    items = [_collection_item(row) for row in rows]
    return CollectionPage(
        items=items,
        total=total,
        current_page=offset // limit + 1,
        per_page=limit,
        has_more=offset + len(items) < total,
    )


def day_start(tz: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """When today (in ``tz``) began, in UTC: where ``new_today`` starts counting."""
    return start_of_day_utc(today_in(tz, now=now), tz)


async def program_stats(session: AsyncSession, day_start: dt.datetime) -> ProgramStats:
    """The status's figures read from the programs (see ``ProgramStats``)."""
    aggregates = await repository.portal_aggregates(session)
    lasts = [last for _count, last, _avg in aggregates.values() if last is not None]
    return ProgramStats(
        total=await repository.count_programs(session),
        portals={
            portal_id: PortalFigures(
                count=count,
                last_scraping=iso(last),
                avg_quality=round(float(avg), 2) if avg is not None else 0.0,
            )
            for portal_id, (count, last, avg) in aggregates.items()
        },
        last_scraping=iso(max(lasts, default=None)),
        new_today=await repository.count_first_seen_since(session, day_start),
    )


async def scraping_status(
    session: AsyncSession, *, tz: ZoneInfo, now: dt.datetime, programs: ProgramStats
) -> ScrapingStatus:
    """The status from ``programs`` (``program_stats`` of today, which the caller may keep)
    and what moves with the clock: the schedules, the last runs, today's failed runs."""
    schedules = await portal_service.portal_schedules(session, now=now, tz=tz)
    last_statuses = await runs_repository.last_run_statuses(session)
    errors_today = await runs_repository.count_runs_by_portal_since(
        session, day_start(tz, now), statuses=FAILED_RUN_STATUSES
    )
    portal_stats = []
    for portal_id in sorted(set(schedules) | set(programs.portals)):
        schedule = schedules.get(portal_id)
        figures = programs.portals.get(portal_id, NO_PROGRAMS)
        portal_stats.append(
            PortalStat(
                portal_id=portal_id,
                count=figures.count,
                last_scraping=figures.last_scraping,
                avg_quality=figures.avg_quality,
                last_run_status=last_statuses.get(portal_id),
                next_run_at=iso(schedule.next_run_at) if schedule else None,
                consecutive_failures=schedule.consecutive_failures if schedule else 0,
                errors_today=errors_today.get(portal_id, 0),
            )
        )
    return ScrapingStatus(
        last_scraping=programs.last_scraping,
        total_scraped=programs.total,
        new_today=programs.new_today,
        errors=sum(errors_today.values()),
        # The seed's "completed" is the number of collected programs; kept as it was.
        completed=programs.total,
        next_scheduled=iso(portal_service.earliest(schedules)),
        portal_stats=portal_stats,
    )
