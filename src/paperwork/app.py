"""``create_app(settings)``: the lifespan builds every resource; routers and middleware."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from paperwork import __version__
from paperwork.ai import summary_router as ai_summary_router
from paperwork.ai import v1_router as ai_v1_router
from paperwork.ai.gateway import Gateway
from paperwork.alerts import v1_router as alerts_v1_router
from paperwork.attachments import v1_router as attachments_v1_router
from paperwork.attachments.store import store_from_url
from paperwork.cache import AnswerCache
from paperwork.config import Settings
from paperwork.dashboard import router as dashboard_router
from paperwork.db import Database
from paperwork.envelope import error_responses
from paperwork.errors import install_error_handlers
from paperwork.logs import configure_logging
from paperwork.middleware import RequestContextMiddleware
from paperwork.ops import seed_router as ops_seed_router
from paperwork.ops.telemetry import Telemetry
from paperwork.portals import seed_router as portals_seed_router
from paperwork.portals.scheduler import Scheduler
from paperwork.programs import seed_router as programs_seed_router
from paperwork.programs import v1_router as programs_v1_router
from paperwork.programs import v1_stats_router
from paperwork.rate_limit import SharedLimiter
from paperwork.runs import v1_router as runs_v1_router
from paperwork.search.query import use_abbreviations

log = logging.getLogger(__name__)

# Response headers a browser client may read across origins.
EXPOSED_HEADERS = [
    "X-Request-ID",
    "X-Process-Time",
    "ETag",
    "Retry-After",
    "X-Total-Count",
    "X-Export-Truncated",
]


def create_app(
    settings: Settings | None = None, *, portal_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The app; ``portal_transport`` lets tests serve saved portal answers to its runs."""
    settings = settings or Settings()
    configure_logging(settings.log_level, secrets=settings.secret_values())
    # A bad operator file stops the start here, naming its file and line.
    use_abbreviations(settings.search_abbreviations_file)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url, pool_size=settings.db_pool_size)
        scheduler = Scheduler(
            database,
            settings,
            tick_seconds=settings.scheduler_tick_seconds,
            lease_seconds=settings.scheduler_lease_seconds,
            transport=portal_transport,
        )
        app.state.db, app.state.scheduler = database, scheduler
        app.state.answers = AnswerCache(database)
        # The loop only when asked; manual runs (POST /api/v1/portals/{id}/runs) work either way.
        loop = asyncio.create_task(scheduler.run_forever()) if settings.scheduler else None
        log.info("app.started version=%s dialect=%s", __version__, database.dialect)
        # Everything built so far lives as long as the app: keep the collector from rescanning
        # it on every full collection (fewer long pauses in the latency tail).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            await scheduler.shutdown()
            if loop is not None:
                await loop
            await database.dispose()
            await app.state.ai.aclose()
            await app.state.files.close()
            log.info("app.stopped")

    app = FastAPI(
        title="Paperwork AI API",
        description=(
            "정부 지원사업 공고(기업마당, K-Startup, 중소벤처기업부)를 수집해 제공하는 API. "
            "관리자 엔드포인트는 `Authorization: Bearer <token>`이 필요합니다."
        ),
        version=__version__,
        lifespan=lifespan,
        responses=error_responses(429, 500, 503),
    )
    app.state.settings = settings
    app.state.telemetry = Telemetry()
    # One limiter for the per-address limit and the AI gateway's per-token one.
    app.state.rate_limits = SharedLimiter(settings.rate_limit_storage)
    app.state.rate_limits.export_to(app.state.telemetry.registry)
    app.state.ai = Gateway.from_settings(settings)
    # A bad PAPERWORK_FILES_URL stops the start here.
    app.state.files = store_from_url(settings.files_url, settings.files_dir)
    install_error_handlers(app)
    routers = (
        ops_seed_router,
        programs_seed_router,
        programs_v1_router,
        portals_seed_router,
        runs_v1_router,
        v1_stats_router,
        alerts_v1_router,
        ai_v1_router,
        ai_summary_router,
        attachments_v1_router,
        dashboard_router,
    )
    for module in routers:
        app.include_router(module.router)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "If-None-Match"],
            expose_headers=EXPOSED_HEADERS,
        )
    # Added last = outermost: ids, timing and the rate limit cover every response.
    app.add_middleware(
        RequestContextMiddleware,
        limiter=app.state.rate_limits,
        per_minute=settings.keys.rate_limit_per_minute,
        trusted_proxies=settings.trusted_proxies,
        telemetry=app.state.telemetry,
    )
    return app
