"""When each portal runs next and how its recent runs went: the schedule the scheduler acts on,
the seed status shows and /health reports (one computation, so they never disagree)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.portals import repository
from paperwork.portals.schedule import ScheduleConfig, is_degraded, next_run_at
from paperwork.runs import repository as runs_repository


@dataclass(frozen=True)
class PortalSchedule:
    portal_id: str
    next_run_at: dt.datetime | None
    consecutive_failures: int
    last_failure: str | None

    @property
    def degraded(self) -> bool:
        return is_degraded(self.consecutive_failures)


async def portal_schedules(
    session: AsyncSession, *, now: dt.datetime, tz: ZoneInfo
) -> dict[str, PortalSchedule]:
    """When each portal runs next (backoff included), and how its recent runs went."""
    configs = await repository.list_configs(session)
    last_started = await runs_repository.last_runs_started_for_schedule(session)
    states = await runs_repository.portal_states(session)
    schedules = {}
    for config in configs:
        state = states.get(config.portal_id)
        failures = state.consecutive_failures if state else 0
        schedules[config.portal_id] = PortalSchedule(
            portal_id=config.portal_id,
            next_run_at=next_run_at(
                ScheduleConfig.from_row(config),
                last_started.get(config.portal_id),
                now,
                consecutive_failures=failures,
                tz=tz,
            ),
            consecutive_failures=failures,
            last_failure=state.last_failure if state else None,
        )
    return schedules


def earliest(schedules: dict[str, PortalSchedule]) -> dt.datetime | None:
    """The earliest next run over every enabled portal, or None when all are disabled."""
    return min((s.next_run_at for s in schedules.values() if s.next_run_at), default=None)
