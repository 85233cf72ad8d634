"""The pipeline's SQL: raw rows, programs and their changes, in batches (one statement per
step, not one per item), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import ProgramChange, RawScrapedData, ScrapeRun, SupportProgram


async def insert_raw(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert raw rows; their ids come back in the order of ``rows``."""
    if not rows:
        return []
    result = await session.scalars(
        insert(RawScrapedData).returning(RawScrapedData.id, sort_by_parameter_order=True),
        list(rows),
    )
    return list(result)


async def mark_promoted(
    session: AsyncSession, raw_ids: Sequence[int], *, reason: str | None
) -> None:
    """One statement for a batch: these raw rows became (or matched) programs."""
    if raw_ids:
        await session.execute(
            update(RawScrapedData)
            .where(RawScrapedData.id.in_(list(raw_ids)))
            .values(status="promoted", status_reason=reason)
        )


async def set_raw_outcomes(session: AsyncSession, outcomes: Sequence[dict[str, Any]]) -> None:
    """Bulk update of raw rows by id (each dict carries ``id`` and the columns to set)."""
    if outcomes:
        await session.execute(update(RawScrapedData), list(outcomes))


async def existing_programs(
    session: AsyncSession, portal_id: str, external_ids: Sequence[str]
) -> dict[str, SupportProgram]:
    if not external_ids:
        return {}
    rows = await session.scalars(
        select(SupportProgram).where(
            SupportProgram.portal_id == portal_id,
            SupportProgram.external_id.in_(list(external_ids)),
        )
    )
    return {program.external_id: program for program in rows}


PROGRAMS_TABLE = cast(Table, SupportProgram.__table__)


async def insert_programs(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    # Core insert (one multi-row statement), not the ORM's bulk path: ingest speed lives here.
    if rows:
        await session.execute(insert(PROGRAMS_TABLE), list(rows))


async def update_programs(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk update of programs by id (each dict carries ``id`` and the columns to set)."""
    if rows:
        await session.execute(update(SupportProgram), list(rows))


async def insert_changes(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(ProgramChange), list(rows))


async def fetched_since(session: AsyncSession, portal_id: str, since: dt.datetime) -> int:
    """Items fetched from the portal's servers since ``since`` (imports don't count)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(ScrapeRun.fetched), 0)).where(
            ScrapeRun.portal_id == portal_id,
            ScrapeRun.started_at >= since,
            ScrapeRun.trigger != "import",
        )
    )
    return int(total or 0)
