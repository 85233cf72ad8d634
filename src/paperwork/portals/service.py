"""Portal configs: read, validate and apply partial updates; when the next run is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.envelope import iso
from paperwork.errors import InvalidInput, NotFound
from paperwork.models import ScrapingConfig
from paperwork.portals import repository
from paperwork.portals.schedule import BACKOFF_AFTER_FAILURES, ScheduleConfig, next_run_at
from paperwork.portals.schemas import ScrapingConfigUpdate


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


def config_to_dict(config: ScrapingConfig) -> dict[str, Any]:
    return {
        "portal_id": config.portal_id,
        "is_enabled": config.is_enabled,
        "daily_limit": config.daily_limit,
        "interval_hours": config.interval_hours,
        "interval_minutes": config.interval_minutes,
        "random_delay_min": config.random_delay_min,
        "random_delay_max": config.random_delay_max,
        "start_time": _time(config.start_time),
        "end_time": _time(config.end_time),
        "weekdays_only": config.weekdays_only,
        "quality_threshold": float(config.quality_threshold),
        "auto_retry": config.auto_retry,
        "max_retries": config.max_retries,
        "updated_at": iso(config.updated_at),
    }


async def list_configs(session: AsyncSession, *, portal_id: str | None) -> list[dict[str, Any]]:
    configs = await repository.list_configs(session, portal_id=portal_id)
    if portal_id is not None and not configs:
        raise NotFound(f"알 수 없는 포털입니다: {portal_id}")
    return [config_to_dict(config) for config in configs]


async def update_config(
    session: AsyncSession, *, portal_id: str, update: ScrapingConfigUpdate
) -> list[str]:
    config = await repository.get_config(session, portal_id)
    if config is None:
        raise NotFound(f"알 수 없는 포털입니다: {portal_id}")
    changes = update.changes()
    delay_min = changes.get("random_delay_min", config.random_delay_min)
    delay_max = changes.get("random_delay_max", config.random_delay_max)
    if delay_min > delay_max:
        raise InvalidInput(
            f"random_delay_min ({delay_min}) must not exceed random_delay_max ({delay_max})"
        )
    await repository.update_config(session, config, changes)
    return list(changes)


@dataclass(frozen=True)
class PortalSchedule:
    portal_id: str
    next_run_at: dt.datetime | None
    consecutive_failures: int
    last_failure: str | None

    @property
    def degraded(self) -> bool:
        return self.consecutive_failures >= BACKOFF_AFTER_FAILURES


async def portal_schedules(
    session: AsyncSession, *, now: dt.datetime, tz: ZoneInfo
) -> dict[str, PortalSchedule]:
    """When each portal runs next (backoff included), and how its recent runs went."""
    configs = await repository.list_configs(session)
    last_started = await repository.last_runs_started_for_schedule(session)
    states = await repository.portal_states(session)
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
