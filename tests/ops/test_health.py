"""/health (ops/health.py): the seed's keys, the checks' real state, and one overall status
(unhealthy without a database is tests/test_errors.py's)."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from paperwork.db import Database
from paperwork.models import PortalState
from paperwork.ops.health import overall_status, rate_limit_check
from paperwork.ops.seed_schemas import (
    DatabaseCheck,
    DatabaseDown,
    EnvironmentCheck,
    HealthChecks,
    HealthReport,
    MemoryCheck,
    SchedulerCheck,
)
from paperwork.portals.schedule import BACKOFF_AFTER_FAILURES
from paperwork.rate_limit import LimiterState
from paperwork.vocabulary import CheckStatus, HealthStatus


async def test_health_is_healthy_with_the_seed_keys(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["service"] == "paperwork-ai-backend" and body["version"]
    database = body["checks"]["database"]
    assert database["status"] == "healthy" and database["version"]
    assert "/" in database["pool_size"]
    environment = body["checks"]["environment"]
    assert environment["keys_loaded"] == 1  # the test key file holds API_RATE_LIMIT only
    assert environment["has_naver_ocr"] is False and environment["has_ai_keys"] is False
    memory = body["checks"]["memory"]
    assert 0 < memory["usage_percent"] < 100 and memory["available_mb"] > 0
    assert body["checks"]["scheduler"]["running"] is False
    # What is sent is the documented model, key for key.
    assert HealthReport.model_validate(body).model_dump(mode="json") == body


async def test_a_portal_failing_run_after_run_makes_it_degraded(
    client: httpx.AsyncClient, db: Database
) -> None:
    async with db.session_scope() as session:
        await session.execute(
            update(PortalState)
            .where(PortalState.portal_id == "mss")
            .values(consecutive_failures=BACKOFF_AFTER_FAILURES - 1)
        )
    assert (await client.get("/health")).json()["status"] == "healthy"  # one short of the rule
    async with db.session_scope() as session:
        await session.execute(
            update(PortalState)
            .where(PortalState.portal_id == "mss")
            .values(consecutive_failures=BACKOFF_AFTER_FAILURES)
        )
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["success"] is True
    assert body["checks"]["scheduler"]["degraded_portals"] == ["mss"]


def _checks(
    *,
    database: DatabaseCheck | DatabaseDown,
    memory: CheckStatus = CheckStatus.healthy,
    degraded: list[str] | None = None,
    rate_limit_fallback: bool = False,
) -> HealthChecks:
    return HealthChecks(
        database=database,
        environment=EnvironmentCheck(
            status=CheckStatus.warning, keys_loaded=0, has_naver_ocr=False, has_ai_keys=False
        ),
        memory=MemoryCheck(status=memory, usage_percent=50.0, available_mb=1),
        scheduler=SchedulerCheck(
            status="stopped",
            running=False,
            owner="x",
            last_tick=None,
            runs_in_progress=[],
            degraded_portals=degraded or [],
        ),
        rate_limit=rate_limit_check(LimiterState(storage="redis", fallback=rate_limit_fallback)),
    )


def test_overall_status() -> None:
    up = DatabaseCheck(dialect="sqlite", version="3", pool_size="1/5")
    down = DatabaseDown(dialect="sqlite", error="OperationalError")
    assert overall_status(_checks(database=up)) == HealthStatus.healthy
    assert overall_status(_checks(database=up, memory=CheckStatus.warning)) == HealthStatus.degraded
    assert overall_status(_checks(database=up, degraded=["mss"])) == HealthStatus.degraded
    # The limit holds per process only while Redis is away: serving, but not as configured.
    fallback = _checks(database=up, rate_limit_fallback=True)
    assert overall_status(fallback) == HealthStatus.degraded
    # No database outweighs everything else.
    assert overall_status(_checks(database=down, degraded=["mss"])) == HealthStatus.unhealthy
