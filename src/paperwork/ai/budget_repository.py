"""Every statement of the AI budget: the daily spend per scope (``ai_spend``: "all", and
"token:<id>" for a token's own cap) with its atomic reservation, and the usage log
(``ai_usage``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import insert_or_skip
from paperwork.models import AISpend, AIUsage


async def reserve(
    session: AsyncSession, *, day: dt.date, scope: str, nanos: int, cap: int | None
) -> bool:
    """Add ``nanos`` to the scope's reservations for ``day`` unless spent + reserved would then
    pass ``cap``: one conditional UPDATE, so of concurrent callers (any process) only those that
    fit win — PostgreSQL re-checks the condition on the row another transaction just changed,
    SQLite runs one writer at a time."""
    await _ensure(session, day, scope)
    fits = true() if cap is None else AISpend.spent_nanos + AISpend.reserved_nanos + nanos <= cap
    result = await session.execute(
        update(AISpend)
        .where(AISpend.day == day, AISpend.scope == scope, fits)
        .values(reserved_nanos=AISpend.reserved_nanos + nanos)
    )
    return getattr(result, "rowcount", 0) == 1


async def settle(
    session: AsyncSession, *, day: dt.date, scope: str, reserved: int, spent: int
) -> None:
    """Turn a reservation into what the call really cost (0: released)."""
    await session.execute(
        update(AISpend)
        .where(AISpend.day == day, AISpend.scope == scope)
        .values(
            reserved_nanos=AISpend.reserved_nanos - reserved,
            spent_nanos=AISpend.spent_nanos + spent,
        )
    )


async def spend_of(session: AsyncSession, *, day: dt.date, scope: str) -> tuple[int, int]:
    """(spent, reserved) of the scope on ``day``."""
    row = (
        await session.execute(
            select(AISpend.spent_nanos, AISpend.reserved_nanos).where(
                AISpend.day == day, AISpend.scope == scope
            )
        )
    ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def _ensure(session: AsyncSession, day: dt.date, scope: str) -> None:
    values = {"day": day, "scope": scope, "spent_nanos": 0, "reserved_nanos": 0}
    await session.execute(insert_or_skip(session.get_bind().dialect.name, AISpend, values))


async def record(session: AsyncSession, usage: dict[str, Any]) -> None:
    """One call in the usage log (never its prompt, answer or key)."""
    session.add(AIUsage(**usage))


async def usage_by_day(session: AsyncSession, *, since: dt.date) -> Sequence[Any]:
    """Calls, tokens and cost per day, provider and model since ``since``."""
    statement = (
        select(
            AIUsage.day,
            AIUsage.provider,
            AIUsage.model,
            func.count(),
            func.sum(AIUsage.tokens_in),
            func.sum(AIUsage.tokens_out),
            func.sum(AIUsage.cost_nanos),
        )
        .where(AIUsage.day >= since)
        .group_by(AIUsage.day, AIUsage.provider, AIUsage.model)
        .order_by(AIUsage.day.desc(), AIUsage.provider, AIUsage.model)
    )
    return list((await session.execute(statement)).all())
