"""Every paid call goes through here: hold the most it can cost (or refuse with 429), make it,
settle to what it cost (nothing when it failed), and log it in ``ai_usage``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from paperwork.ai import budget, budget_repository
from paperwork.ai.providers import ProviderFailure, Usage
from paperwork.db import Database
from paperwork.timeutil import today_in

T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    """Who calls, when, and where the spend and the log go."""

    database: Database
    caps: budget.Caps
    token_id: int | None  # None: the server's own call (a scanned attachment's OCR)
    request_id: str
    now: dt.datetime
    tz: ZoneInfo


@dataclass(frozen=True)
class Metered:
    """One paid call: what kind, to whom, and the most it can cost (nano-dollars)."""

    kind: str  # chat, ocr, summary
    provider: str
    model: str
    most_nanos: int


@dataclass(frozen=True)
class Cost:
    nanos: int
    usage: Usage | None = None  # the tokens, for a model's call


async def metered(
    caller: Caller,
    call: Metered,
    make: Callable[[], Awaitable[T]],
    cost_of: Callable[[T], Cost],
) -> tuple[T, Cost]:
    """``make()`` under the budget; a ProviderFailure is logged, charged nothing and re-raised."""
    held = await hold(caller, call)
    started = time.perf_counter()
    try:
        result = await make()
    except ProviderFailure as failure:
        await settle(caller, call, held, None, started, failure.kind.value)
        raise
    cost = cost_of(result)
    await settle(caller, call, held, cost, started, None)
    return result, cost


async def hold(caller: Caller, call: Metered) -> budget.Reservation:
    try:
        return await budget.reserve(
            caller.database,
            nanos=call.most_nanos,
            token_id=caller.token_id,
            caps=caller.caps,
            now=caller.now,
            tz=caller.tz,
        )
    except budget.OverBudget:
        await _log(caller, call, None, 0, 0.0, "refused", "daily_cost_limit")
        raise


async def settle(
    caller: Caller,
    call: Metered,
    held: budget.Reservation,
    cost: Cost | None,
    started: float,
    error: str | None,
    *,
    status: str | None = None,
) -> None:
    """The reservation becomes ``cost`` (None: the call failed, nothing is charged)."""
    spent = cost.nanos if cost is not None else 0
    await budget.settle(caller.database, held, spent=spent)
    outcome = status or ("ok" if error is None else "failed")
    await _log(caller, call, cost, held.nanos, time.perf_counter() - started, outcome, error)


async def _log(
    caller: Caller,
    call: Metered,
    cost: Cost | None,
    reserved: int,
    seconds: float,
    status: str,
    error: str | None,
) -> None:
    usage = cost.usage if cost is not None else None
    async with caller.database.session_scope() as session:
        await budget_repository.record(
            session,
            {
                "request_id": caller.request_id,
                "token_id": caller.token_id,
                "kind": call.kind,
                "provider": call.provider,
                "model": call.model,
                "tokens_in": usage.tokens_in if usage else 0,
                "tokens_out": usage.tokens_out if usage else 0,
                "cost_nanos": cost.nanos if cost is not None else 0,
                "reserved_nanos": reserved,
                "duration_ms": round(seconds * 1000),
                "status": status,
                "error": error,
                "day": today_in(caller.tz, now=caller.now),
                "created_at": caller.now,
            },
        )
