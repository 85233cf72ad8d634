"""``/health``'s checks: database, key file, memory, scheduler and the rate limit's storage, and
the overall status they add up to (unhealthy without a database; degraded when memory runs
short, a portal fails run after run, or the shared rate-limit storage is unreachable)."""

from __future__ import annotations

import asyncio
import datetime as dt

import psutil

from paperwork import __version__
from paperwork.alerts import repository as alerts_repository
from paperwork.alerts.v1_service import DEGRADED_AFTER
from paperwork.config import SECRET_KEYS, Settings
from paperwork.db import Database
from paperwork.ops import repository
from paperwork.ops.seed_schemas import (
    DatabaseCheck,
    DatabaseDown,
    EnvironmentCheck,
    HealthChecks,
    HealthReport,
    MemoryCheck,
    RateLimitCheck,
    SchedulerCheck,
)
from paperwork.portals.schedule import is_degraded
from paperwork.portals.scheduler import Scheduler
from paperwork.rate_limit import LimiterState, SharedLimiter
from paperwork.runs.repository import portal_states
from paperwork.vocabulary import CheckStatus, HealthStatus

SERVICE_NAME = "paperwork-ai-backend"
DATABASE_CHECK_TIMEOUT = 3.0
MEMORY_WARNING_PERCENT = 90.0


async def database_check(database: Database) -> DatabaseCheck | DatabaseDown:
    try:
        async with asyncio.timeout(DATABASE_CHECK_TIMEOUT), database.engine.connect() as conn:
            version = await repository.server_version(conn)
    except Exception as exc:  # any failure here means "unhealthy", never a 500
        return DatabaseDown(dialect=database.dialect, error=type(exc).__name__)
    pool = database.pool_status()
    return DatabaseCheck(
        dialect=database.dialect,
        version=version,
        pool_size=f"{pool['current_size']}/{pool['max_size']}",
    )


def environment_check(settings: Settings) -> EnvironmentCheck:
    keys = settings.keys
    return EnvironmentCheck(
        status=CheckStatus.healthy if keys.values else CheckStatus.warning,
        keys_loaded=len(keys.values),
        has_naver_ocr=bool(keys.get("NAVER_OCR_API_KEY")),
        has_ai_keys=any(keys.get(key) for key in SECRET_KEYS[1:]),
    )


def memory_check() -> MemoryCheck:
    memory = psutil.virtual_memory()
    return MemoryCheck(
        status=(
            CheckStatus.healthy if memory.percent < MEMORY_WARNING_PERCENT else CheckStatus.warning
        ),
        usage_percent=memory.percent,
        available_mb=round(memory.available / 1024 / 1024),
    )


async def scheduler_check(scheduler: Scheduler, database: Database) -> SchedulerCheck:
    """This process's scheduler, plus the portals failing run after run and the alerts whose
    sends keep failing (from the database, so an API process without its own scheduler loop
    reports them too)."""
    check = SchedulerCheck.model_validate(scheduler.status())
    try:
        async with database.session_scope() as session:
            states = await portal_states(session)
            check.degraded_alerts = await alerts_repository.degraded_ids(
                session, failures=DEGRADED_AFTER
            )
    except Exception:  # the database check reports the outage
        return check
    check.degraded_portals = sorted(
        portal_id for portal_id, state in states.items() if is_degraded(state.consecutive_failures)
    )
    return check


def rate_limit_check(state: LimiterState) -> RateLimitCheck:
    return RateLimitCheck(
        status=CheckStatus.warning if state.fallback else CheckStatus.healthy,
        storage=state.storage,
        fallback=state.fallback,
    )


def overall_status(checks: HealthChecks) -> HealthStatus:
    if isinstance(checks.database, DatabaseDown):
        return HealthStatus.unhealthy
    if (
        checks.memory.status != CheckStatus.healthy
        or checks.scheduler.degraded_portals
        or checks.rate_limit.fallback
    ):
        return HealthStatus.degraded
    return HealthStatus.healthy


async def health_report(
    database: Database,
    settings: Settings,
    scheduler: Scheduler,
    rate_limits: SharedLimiter,
    *,
    now: dt.datetime,
) -> HealthReport:
    checks = HealthChecks(
        database=await database_check(database),
        environment=environment_check(settings),
        memory=memory_check(),
        scheduler=await scheduler_check(scheduler, database),
        rate_limit=rate_limit_check(await rate_limits.probe()),
    )
    status = overall_status(checks)
    return HealthReport(
        success=status != HealthStatus.unhealthy,
        status=status,
        timestamp=now.isoformat(),
        service=SERVICE_NAME,
        version=__version__,
        checks=checks,
    )
