"""The daily cost cap, over every API process: before a call, reserve the most it can cost (one
atomic database update that fails past the cap); after it, settle to what the provider says it
cost; a failed call releases its reservation. The day is Asia/Seoul's."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from paperwork.ai import budget_repository
from paperwork.ai.prices import NANOS_PER_USD
from paperwork.db import Database
from paperwork.errors import AppError
from paperwork.timeutil import start_of_day_utc, today_in

EVERYONE = "all"  # the scope of the cap on all calls together


def token_scope(token_id: int) -> str:
    return f"token:{token_id}"


def to_nanos(usd: float) -> int:
    return math.floor(usd * NANOS_PER_USD)


class OverBudget(AppError):
    status_code = 429
    code = "daily_cost_limit"


@dataclass(frozen=True)
class Caps:
    """Nano-dollars a day: for every call together, and for each token (None: no own cap)."""

    everyone: int
    per_token: int | None = None


@dataclass(frozen=True)
class Reservation:
    day: dt.date
    scopes: tuple[str, ...]
    nanos: int


async def reserve(
    database: Database,
    *,
    nanos: int,
    token_id: int | None,
    caps: Caps,
    now: dt.datetime,
    tz: ZoneInfo,
) -> Reservation:
    """Hold ``nanos`` of today's budget, or raise OverBudget (nothing held) with the seconds
    until the budget renews at the next midnight in ``tz``."""
    day = today_in(tz, now=now)
    scopes = [(EVERYONE, caps.everyone)]
    if caps.per_token is not None and token_id is not None:  # (None: the server's own call)
        scopes.append((token_scope(token_id), caps.per_token))
    async with database.session_scope() as session:
        for scope, cap in scopes:
            if not await budget_repository.reserve(
                session, day=day, scope=scope, nanos=nanos, cap=cap
            ):
                renews = start_of_day_utc(day + dt.timedelta(days=1), tz)
                wait = max(1, math.ceil((renews - now).total_seconds()))
                whose = "the service's" if scope == EVERYONE else "this token's"
                # Raising rolls the transaction back: no scope keeps a part of the reservation.
                raise OverBudget(
                    f"{whose} daily AI cost limit is reached; it renews at midnight (Asia/Seoul)",
                    headers={"Retry-After": str(wait)},
                )
    return Reservation(day, tuple(scope for scope, _cap in scopes), nanos)


async def settle(database: Database, reservation: Reservation, *, spent: int) -> None:
    """The call cost ``spent`` (0 when it failed: the reservation is released)."""
    async with database.session_scope() as session:
        for scope in reservation.scopes:
            await budget_repository.settle(
                session,
                day=reservation.day,
                scope=scope,
                reserved=reservation.nanos,
                spent=spent,
            )
