"""``/health``: database, key file, memory and scheduler checks; 503 when unhealthy."""

from __future__ import annotations

import asyncio
from typing import Any

import psutil
from fastapi import APIRouter, Request
from sqlalchemy import text

from paperwork import __version__
from paperwork.config import SECRET_KEYS, Settings
from paperwork.db import Database
from paperwork.envelope import OrjsonResponse, now_iso
from paperwork.portals.repository import portal_states
from paperwork.portals.schedule import BACKOFF_AFTER_FAILURES

router = APIRouter(tags=["ops"])

SERVICE_NAME = "paperwork-ai-backend"
DATABASE_CHECK_TIMEOUT = 3.0
MEMORY_WARNING_PERCENT = 90.0


async def database_check(database: Database) -> dict[str, Any]:
    query = "SELECT sqlite_version()" if database.dialect == "sqlite" else "SHOW server_version"
    try:
        async with asyncio.timeout(DATABASE_CHECK_TIMEOUT), database.engine.connect() as conn:
            version = str(await conn.scalar(text(query)))
    except Exception as exc:  # any failure here means "unhealthy", never a 500
        return {"status": "unhealthy", "dialect": database.dialect, "error": type(exc).__name__}
    pool = database.pool_status()
    return {
        "status": "healthy",
        "dialect": database.dialect,
        "version": version.split()[0],
        "pool_size": f"{pool['current_size']}/{pool['max_size']}",
    }


def environment_check(settings: Settings) -> dict[str, Any]:
    keys = settings.keys
    return {
        "status": "healthy" if keys.values else "warning",
        "keys_loaded": len(keys.values),
        "has_naver_ocr": bool(keys.get("NAVER_OCR_API_KEY")),
        "has_ai_keys": any(keys.get(key) for key in SECRET_KEYS[1:]),
    }


def memory_check() -> dict[str, Any]:
    memory = psutil.virtual_memory()
    return {
        "status": "healthy" if memory.percent < MEMORY_WARNING_PERCENT else "warning",
        "usage_percent": memory.percent,
        "available_mb": round(memory.available / 1024 / 1024),
    }


async def scheduler_check(request: Request) -> dict[str, Any]:
    """This process's scheduler, plus the portals failing run after run (from the database,
    so an API process without its own scheduler loop reports them too)."""
    status: dict[str, Any] = request.app.state.scheduler.status()
    try:
        async with request.app.state.db.session_scope() as session:
            states = await portal_states(session)
    except Exception:  # the database check above reports the outage
        return status
    status["degraded_portals"] = sorted(
        portal_id
        for portal_id, state in states.items()
        if state.consecutive_failures >= BACKOFF_AFTER_FAILURES
    )
    return status


@router.get("/health", summary="헬스체크 (503 when unhealthy)", responses={503: {}})
async def health(request: Request) -> Any:
    checks = {
        "database": await database_check(request.app.state.db),
        "environment": environment_check(request.app.state.settings),
        "memory": memory_check(),
        "scheduler": await scheduler_check(request),
    }
    if checks["database"]["status"] == "unhealthy":
        status = "unhealthy"
    elif checks["memory"]["status"] != "healthy" or checks["scheduler"].get("degraded_portals"):
        status = "degraded"
    else:
        status = "healthy"
    body = {
        "success": status != "unhealthy",
        "status": status,
        "timestamp": now_iso(),
        "service": SERVICE_NAME,
        "version": __version__,
        "checks": checks,
    }
    return OrjsonResponse(body, status_code=503 if status == "unhealthy" else 200)
