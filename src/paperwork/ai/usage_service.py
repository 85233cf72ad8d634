"""The usage report of ``GET /api/v1/ai/usage``: spend, calls and tokens per day, provider and
model, and today's spend against the cap."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.ai import budget, budget_repository
from paperwork.ai.gateway import Gateway
from paperwork.ai.prices import NANOS_PER_USD
from paperwork.ai.v1_schemas import UsageReport, UsageRow
from paperwork.timeutil import today_in


async def report(
    session: AsyncSession, gateway: Gateway, *, days: int, now: dt.datetime, tz: ZoneInfo
) -> UsageReport:
    today = today_in(tz, now=now)
    since = today - dt.timedelta(days=days - 1)
    rows = [
        UsageRow(
            day=day,
            provider=provider,
            model=model,
            calls=calls,
            tokens_in=int(tokens_in or 0),
            tokens_out=int(tokens_out or 0),
            cost_usd=int(cost or 0) / NANOS_PER_USD,
        )
        for day, provider, model, calls, tokens_in, tokens_out, cost in (
            await budget_repository.usage_by_day(session, since=since)
        )
    ]
    spent, reserved = await budget_repository.spend_of(session, day=today, scope=budget.EVERYONE)
    return UsageReport(
        days=days,
        today=today,
        today_spent_usd=spent / NANOS_PER_USD,
        today_reserved_usd=reserved / NANOS_PER_USD,
        daily_limit_usd=gateway.caps.everyone / NANOS_PER_USD,
        rows=rows,
    )
