"""The seed's operations endpoints: ``/health``, ``/metrics``, ``/metrics/prometheus``,
``/env-config`` and (admin only) ``/admin/stats``. Each parses the request, asks its service,
and answers."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from paperwork.auth.dependency import AdminDep
from paperwork.clock import NowDep
from paperwork.db import SessionDep
from paperwork.envelope import Envelope, OrjsonResponse, error_responses, ok
from paperwork.ops import admin_stats as admin_stats_service
from paperwork.ops.env_config import env_config
from paperwork.ops.health import health_report
from paperwork.ops.metrics import metrics_report, prometheus_text
from paperwork.ops.seed_schemas import AdminStats, EnvConfig, HealthReport, MetricsReport
from paperwork.vocabulary import HealthStatus

router = APIRouter()

OPS: list[str | Enum] = ["ops"]


@router.get(
    "/health",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "Unhealthy (no database)"}},
    summary="헬스체크 (503 when unhealthy)",
    tags=OPS,
)
async def health(request: Request, now: NowDep) -> Any:
    state = request.app.state
    report = await health_report(
        state.db, state.settings, state.scheduler, state.rate_limits, now=now
    )
    status_code = 503 if report.status == HealthStatus.unhealthy else 200
    return OrjsonResponse(report, status_code=status_code)


@router.get("/metrics", response_model=MetricsReport, summary="운영 지표 (JSON)", tags=OPS)
async def metrics(request: Request, session: SessionDep, now: NowDep) -> Any:
    report = await metrics_report(
        session,
        app=request.app,
        database=request.app.state.db,
        telemetry=request.app.state.telemetry,
        now=now,
    )
    return OrjsonResponse(report)


@router.get(
    "/metrics/prometheus",
    summary="Prometheus text exposition",
    tags=OPS,
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics_prometheus(request: Request, session: SessionDep, now: NowDep) -> Response:
    body = await prometheus_text(session, request.app.state.telemetry, now=now)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/env-config",
    response_model=Envelope[EnvConfig],
    summary="클라이언트 환경 설정 (비밀 키는 마스킹)",
    tags=OPS,
)
async def get_env_config(request: Request, now: NowDep) -> Any:
    return ok(env_config(request.app.state.settings.keys, request.app.state.ai, now=now))


@router.get(
    "/admin/stats",
    response_model=Envelope[AdminStats],
    responses=error_responses(401, 403),
    summary="관리자 통계",
    tags=["admin"],
)
async def admin_stats(_admin: AdminDep, session: SessionDep, now: NowDep) -> Any:
    return ok(await admin_stats_service.admin_stats(session, now=now))
