"""``/metrics``'s figures (the seed's JSON: tables, pool, application) and the Prometheus text
exposition beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fastapi import FastAPI
from prometheus_client import generate_latest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from paperwork.db import Database
from paperwork.ops import prometheus, repository
from paperwork.ops.health import rate_limit_check
from paperwork.ops.seed_schemas import (
    ApplicationMetrics,
    DatabaseMetrics,
    MetricsReport,
    PoolStatus,
    TableStat,
)
from paperwork.ops.telemetry import Telemetry


def count_endpoints(routes: Iterable[BaseRoute]) -> int:
    """Every route the app answers. FastAPI keeps an included router as one entry of
    ``app.routes``, so counting that list would count routers (and change with how the code is
    split into modules); the routers' own routes are counted instead."""
    total = 0
    for route in routes:
        included = getattr(route, "original_router", None)
        total += count_endpoints(included.routes) if included is not None else 1
    return total


async def metrics_report(
    session: AsyncSession,
    *,
    app: FastAPI,
    database: Database,
    telemetry: Telemetry,
    now: dt.datetime,
) -> MetricsReport:
    tables = await repository.table_stats(session)
    return MetricsReport(
        timestamp=now.isoformat(),
        database=DatabaseMetrics(
            dialect=database.dialect,
            tables=[TableStat.model_validate(table) for table in tables],
            pool=PoolStatus.model_validate(database.pool_status()),
        ),
        application=ApplicationMetrics(
            uptime_seconds=round(telemetry.uptime_seconds, 3),
            endpoints=count_endpoints(app.routes),
            middleware_count=len(app.user_middleware),
            requests=dict(telemetry.requests_by_route),
            rate_limit=rate_limit_check(app.state.rate_limits.state),
        ),
    )


async def prometheus_text(
    session: AsyncSession, telemetry: Telemetry, *, now: dt.datetime
) -> bytes:
    """This process's own series (``telemetry.registry``: requests, latency), then what every
    process shares, read from the database (``ops/prometheus.py``)."""
    shared = await prometheus.read_shared_figures(session, now=now)
    return generate_latest(telemetry.registry) + prometheus.render(
        prometheus.shared_families(shared)
    )
