"""SQL for programs: the dashboard page (served from the order index), counts, aggregates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import ProgramCount, SupportProgram

SP = SupportProgram

COLLECTION_COLUMNS = (
    SP.id,
    SP.title,
    SP.implementing_agency,
    SP.application_period,
    SP.application_status,
    SP.support_field,
    SP.support_amount,
    SP.created_at,
    SP.scraped_at,
    SP.data_quality_score,
    SP.portal_id,
    SP.detail_url,
    SP.view_count,
    SP.description,
    SP.target_audience,
    SP.required_documents,
    SP.evaluation_criteria,
    SP.attachments,
)


async def collection_page(
    session: AsyncSession, *, portal_id: str | None, limit: int, offset: int
) -> Sequence[Any]:
    statement = select(*COLLECTION_COLUMNS)
    if portal_id is not None:
        statement = statement.where(SP.portal_id == portal_id)
    statement = statement.order_by(SP.scraped_at.desc(), SP.id.desc()).limit(limit).offset(offset)
    result = await session.execute(statement)
    return cast(Sequence[Any], result.all())


async def count_programs(session: AsyncSession, *, portal_ids: Sequence[str] = ()) -> int:
    """Exact count, of every portal or of ``portal_ids``, from the trigger-kept counters: one
    tiny read instead of a table scan."""
    statement = select(func.coalesce(func.sum(ProgramCount.count), 0))
    if portal_ids:
        statement = statement.where(ProgramCount.portal_id.in_(portal_ids))
    return int(await session.scalar(statement) or 0)


async def count_first_seen_since(session: AsyncSession, since: dt.datetime) -> int:
    return int(await session.scalar(select(func.count()).where(SP.first_seen_at >= since)) or 0)


async def portal_aggregates(session: AsyncSession) -> dict[str, tuple[int, Any, float | None]]:
    """Per portal: (count, last scrape, average quality)."""
    rows = await session.execute(
        select(
            SP.portal_id,
            func.count(),
            func.max(SP.scraped_at),
            func.avg(SP.data_quality_score),
        ).group_by(SP.portal_id)
    )
    return {portal: (count, last, avg) for portal, count, last, avg in rows.all()}
