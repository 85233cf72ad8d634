"""Every statement of ``program_summaries``: a program's summary for a content hash, holding the
place while one request makes it, storing it, and the latest one for the detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import insert_or_skip
from paperwork.models import ProgramSummary

DONE, MAKING = "done", "making"


async def done(session: AsyncSession, program_id: int, digest: str) -> ProgramSummary | None:
    summary = await session.get(ProgramSummary, (program_id, digest))
    return summary if summary is not None and summary.status == DONE else None


async def latest(session: AsyncSession, program_id: int) -> ProgramSummary | None:
    """The program's newest finished summary, of whatever content version."""
    statement = (
        select(ProgramSummary)
        .where(ProgramSummary.program_id == program_id, ProgramSummary.status == DONE)
        .order_by(ProgramSummary.created_at.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def hold_place(
    session: AsyncSession,
    program_id: int,
    digest: str,
    *,
    provider: str,
    model: str,
    now: dt.datetime,
    abandoned_before: dt.datetime,
) -> bool:
    """Take the place of this version's summary: a new row, or one whose maker gave up long ago.
    False when another request holds it (or has just finished it)."""
    values: dict[str, Any] = {
        "program_id": program_id,
        "content_hash": digest,
        "status": MAKING,
        "summary": None,
        "provider": provider,
        "model": model,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    result = await session.execute(insert_or_skip(dialect, ProgramSummary, values))
    if getattr(result, "rowcount", 0) == 1:
        return True
    retaken = await session.execute(
        update(ProgramSummary)
        .where(
            ProgramSummary.program_id == program_id,
            ProgramSummary.content_hash == digest,
            ProgramSummary.status == MAKING,
            ProgramSummary.created_at < abandoned_before,
        )
        .values(created_at=now, provider=provider, model=model)
    )
    return getattr(retaken, "rowcount", 0) == 1


async def store(
    session: AsyncSession, program_id: int, digest: str, fields: dict[str, Any]
) -> ProgramSummary:
    await session.execute(
        update(ProgramSummary)
        .where(ProgramSummary.program_id == program_id, ProgramSummary.content_hash == digest)
        .values(status=DONE, summary=fields)
    )
    summary = await session.get(ProgramSummary, (program_id, digest), populate_existing=True)
    assert summary is not None  # its place was held by this request
    return summary


async def give_up(session: AsyncSession, program_id: int, digest: str) -> None:
    """The making failed: free the place, so the next request tries again."""
    await session.execute(
        delete(ProgramSummary).where(
            ProgramSummary.program_id == program_id,
            ProgramSummary.content_hash == digest,
            ProgramSummary.status == MAKING,
        )
    )
