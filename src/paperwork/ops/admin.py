"""``/admin/stats``: counts, runs and error rates for operators (admin only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from paperwork.auth import AdminDep
from paperwork.clock import NowDep
from paperwork.db import SessionDep
from paperwork.envelope import error_responses, ok
from paperwork.models import AdminToken, RawScrapedData, ScrapeRun
from paperwork.portals.repository import FAILED_RUN_STATUSES
from paperwork.programs.repository import portal_aggregates

router = APIRouter(tags=["admin"])


@router.get("/admin/stats", responses=error_responses(401), summary="관리자 통계")
async def admin_stats(_admin: AdminDep, session: SessionDep, now: NowDep) -> Any:
    since = now - dt.timedelta(days=1)
    programs = await portal_aggregates(session)
    raw_rows = await session.execute(
        select(RawScrapedData.portal_id, RawScrapedData.status, func.count()).group_by(
            RawScrapedData.portal_id, RawScrapedData.status
        )
    )
    raw: dict[str, dict[str, int]] = {}
    for portal_id, status, count in raw_rows.all():
        raw.setdefault(portal_id, {})[status or "pending"] = count
    run_rows = await session.execute(
        select(ScrapeRun.portal_id, ScrapeRun.status, func.count())
        .where(ScrapeRun.started_at >= since)
        .group_by(ScrapeRun.portal_id, ScrapeRun.status)
    )
    runs: dict[str, dict[str, int]] = {}
    for portal_id, status, count in run_rows.all():
        runs.setdefault(portal_id, {})[status] = count
    portals = sorted(set(programs) | set(raw) | set(runs))
    per_portal = []
    for portal_id in portals:
        portal_runs = runs.get(portal_id, {})
        total_runs = sum(portal_runs.values())
        failed = sum(portal_runs.get(status, 0) for status in FAILED_RUN_STATUSES)
        per_portal.append(
            {
                "portal_id": portal_id,
                "programs": programs.get(portal_id, (0, None, None))[0],
                "raw_by_status": raw.get(portal_id, {}),
                "runs_last_24h": portal_runs,
                "error_rate_last_24h": round(failed / total_runs, 4) if total_runs else 0.0,
            }
        )
    active_tokens = await session.scalar(
        select(func.count()).where(AdminToken.revoked_at.is_(None))
    )
    return ok(
        {
            "programs_total": sum(entry["programs"] for entry in per_portal),
            "portals": per_portal,
            "active_admin_tokens": int(active_tokens or 0),
        }
    )
