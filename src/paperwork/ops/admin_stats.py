"""``/admin/stats``: per portal, the programs stored, raw items by outcome, the last day's runs
by status and their error rate; how many admin tokens are live; the attachments' progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.attachments import repository as attachments_repository
from paperwork.auth import repository as token_repository
from paperwork.ops import repository
from paperwork.ops.seed_schemas import AdminStats, PortalAdminStats
from paperwork.programs.repository import portal_aggregates
from paperwork.runs import repository as runs_repository
from paperwork.vocabulary import FAILED_RUN_STATUSES, RAW_PENDING

WINDOW = dt.timedelta(days=1)


def error_rate(runs_by_status: dict[str, int]) -> float:
    """Failed and partial runs over all runs, to four places; 0.0 when nothing ran."""
    total = sum(runs_by_status.values())
    failed = sum(runs_by_status.get(status, 0) for status in FAILED_RUN_STATUSES)
    return round(failed / total, 4) if total else 0.0


async def admin_stats(session: AsyncSession, *, now: dt.datetime) -> AdminStats:
    programs = await portal_aggregates(session)
    raw = await repository.raw_counts_by_portal_and_status(session)
    runs = await runs_repository.count_runs_by_portal_and_status_since(session, now - WINDOW)
    per_portal = []
    for portal_id in sorted(set(programs) | set(raw) | set(runs)):
        portal_runs = runs.get(portal_id, {})
        per_portal.append(
            PortalAdminStats(
                portal_id=portal_id,
                programs=programs.get(portal_id, (0, None, None))[0],
                raw_by_status={
                    status or RAW_PENDING: count for status, count in raw.get(portal_id, {}).items()
                },
                runs_last_24h=portal_runs,
                error_rate_last_24h=error_rate(portal_runs),
            )
        )
    return AdminStats(
        programs_total=sum(entry.programs for entry in per_portal),
        portals=per_portal,
        active_admin_tokens=await token_repository.count_live(session),
        attachments=await attachments_repository.counts(session),
    )
