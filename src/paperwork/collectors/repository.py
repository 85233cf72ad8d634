"""The ingest repository: every SQL statement of the pipeline (raw rows, programs and their
changes) and its SQLite/PostgreSQL branches, in batches (one statement per step, not one per
item)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import JSON, Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import json_dumps
from paperwork.models import ProgramChange, RawScrapedData, ScrapeRun, SupportProgram
from paperwork.vocabulary import RawStatus, RunTrigger

RAW_TABLE = cast(Table, RawScrapedData.__table__)
PROGRAMS_TABLE = cast(Table, SupportProgram.__table__)


def _is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def _unnest_insert(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """PostgreSQL: one ``INSERT ... SELECT FROM unnest(<one array per column>)``.

    A multi-row ``VALUES`` carries one parameter per cell (tens of thousands per batch) and is a
    new statement for every batch size: parsed, planned and prepared each time, which cost more
    than the rows did. Arrays keep the statement the same (prepared once) and encode in C."""
    dialect = session.get_bind().dialect
    names = list(rows[0])
    arrays, params = [], {}
    for name in names:
        column_type = table.c[name].type
        values = [row[name] for row in rows]
        if isinstance(column_type, JSON):
            # asyncpg has no codec for jsonb[]: the documents go as text and are cast there.
            values = [None if value is None else json_dumps(value) for value in values]
            arrays.append(f"CAST(CAST(:{name} AS TEXT[]) AS JSONB[])")
        else:
            arrays.append(f"CAST(:{name} AS {column_type.compile(dialect=dialect)}[])")
        params[name] = values
    columns = ", ".join(f'"{name}"' for name in names)
    statement = f'INSERT INTO "{table.name}" ({columns}) SELECT * FROM unnest({", ".join(arrays)})'
    await session.execute(text(statement), params)


async def plan_for_current_size(session: AsyncSession) -> None:
    """PostgreSQL: plan this transaction's statements for the tables as they are now.

    A prepared statement settles on a generic plan after five runs and keeps it until the
    table is analysed again; a bulk load that starts on an empty table (no autovacuum yet, or
    none configured) would go on looking programs up by sequential scan at a million rows."""
    if _is_postgresql(session):
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def insert_raw(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert raw rows; their ids come back in the order of ``rows``."""
    if not rows:
        return []
    if not _is_postgresql(session):
        result = await session.scalars(
            insert(RawScrapedData).returning(RawScrapedData.id, sort_by_parameter_order=True),
            list(rows),
        )
        return list(result)
    # Ids drawn first, in order, so the rows can go in as arrays.
    ids = list(
        await session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('raw_scraped_data', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        )
    )
    await _unnest_insert(
        session, RAW_TABLE, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)]
    )
    return ids


async def mark_promoted(
    session: AsyncSession, raw_ids: Sequence[int], *, reason: str | None
) -> None:
    """One statement for a batch: these raw rows became (or matched) programs."""
    if raw_ids:
        await session.execute(
            update(RawScrapedData)
            .where(RawScrapedData.id.in_(list(raw_ids)))
            .values(status=RawStatus.promoted, status_reason=reason)
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


async def insert_programs(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    if _is_postgresql(session):
        await _unnest_insert(session, PROGRAMS_TABLE, rows)
    else:
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
            ScrapeRun.trigger != RunTrigger.import_,
        )
    )
    return int(total or 0)
