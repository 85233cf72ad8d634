"""``/metrics`` (the seed's JSON) and ``/metrics/prometheus`` (text exposition)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import Base, Database, SessionDep
from paperwork.envelope import OrjsonResponse, now_iso
from paperwork.ops.telemetry import Telemetry
from paperwork.programs.repository import count_programs

router = APIRouter(tags=["ops"])

PG_TABLE_STATS = text(
    "SELECT relname AS name, n_tup_ins AS inserts, n_tup_upd AS updates, "
    "n_tup_del AS deletes, n_live_tup AS live_tuples "
    "FROM pg_stat_user_tables WHERE schemaname = current_schema() ORDER BY relname"
)


async def table_stats(session: AsyncSession, dialect: str) -> list[dict[str, Any]]:
    if dialect == "postgresql":
        return [dict(row._mapping) for row in await session.execute(PG_TABLE_STATS)]
    # SQLite keeps no write statistics: live rows are counted, the rest is unknown (null).
    stats = []
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        count = await session.scalar(select(func.count()).select_from(table))
        stats.append(
            {
                "name": table.name,
                "inserts": None,
                "updates": None,
                "deletes": None,
                "live_tuples": int(count or 0),
            }
        )
    return stats


@router.get("/metrics", summary="운영 지표 (JSON)")
async def metrics(request: Request, session: SessionDep) -> Any:
    database: Database = request.app.state.db
    telemetry: Telemetry = request.app.state.telemetry
    return OrjsonResponse(
        {
            "success": True,
            "timestamp": now_iso(),
            "database": {
                "dialect": database.dialect,
                "tables": await table_stats(session, database.dialect),
                "pool": database.pool_status(),
            },
            "application": {
                "uptime_seconds": round(telemetry.uptime_seconds, 3),
                "endpoints": len(request.app.routes),
                "middleware_count": len(request.app.user_middleware),
                "requests": dict(telemetry.requests_by_route),
            },
        }
    )


@router.get(
    "/metrics/prometheus",
    summary="Prometheus text exposition",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics_prometheus(request: Request, session: SessionDep) -> Response:
    telemetry: Telemetry = request.app.state.telemetry
    body = generate_latest(telemetry.registry)
    total = await count_programs(session)
    body += (
        b"# HELP paperwork_programs Support programs stored.\n"
        b"# TYPE paperwork_programs gauge\n" + f"paperwork_programs {total}\n".encode()
    )
    return Response(body, media_type=CONTENT_TYPE_LATEST)
