"""``/api/v1/alerts`` use cases: list, read, create, change and delete saved-search alerts.

Who sees what: a client token only its own alerts (another's is a 404, as if it did not exist);
an admin token every alert. A new alert belongs to the token that created it. The saved search
is validated as ``/api/v1/programs`` validates the same parameters, and the channels by Apprise;
channels are answered masked, never whole.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts import channels, repository
from paperwork.alerts.v1_schemas import (
    DEFAULT_AT,
    DEFAULT_REMINDER_DAYS,
    DEFAULT_WEEKDAY,
    AlertChanges,
    AlertIn,
    AlertList,
    AlertQuery,
    AlertRead,
)
from paperwork.errors import Conflict, InvalidInput, NotFound
from paperwork.models import AdminToken, Alert
from paperwork.vocabulary import AlertFrequency, AlertNotify, AlertState, TokenRole

MAX_ALERTS_PER_CLIENT = 100
# Failed sends in a row after which an alert shows as degraded (dashboard, /health).
DEGRADED_AFTER = 3


def _owner_scope(caller: AdminToken) -> int | None:
    """Whose alerts ``caller`` may see: its own, or (None) everyone's for an admin."""
    return None if caller.role == TokenRole.admin else caller.id


def alert_state(alert: Alert) -> AlertState:
    if not alert.active:
        return AlertState.paused
    return AlertState.degraded if alert.failure_streak >= DEGRADED_AFTER else AlertState.ok


def _read(alert: Alert, owner: str) -> AlertRead:
    return AlertRead(
        id=alert.id,
        owner=owner,
        name=alert.name,
        query=alert.query,
        channels=[channels.mask(url) for url in alert.channels],
        notify=[AlertNotify(value) for value in alert.notify],
        reminder_days=alert.reminder_days,
        frequency=AlertFrequency(alert.frequency),
        at=alert.at,
        weekday=alert.weekday,
        active=alert.active,
        state=alert_state(alert),
        created_at=alert.created_at,
        updated_at=alert.updated_at,
    )


def _apply(alert: Alert, changes: AlertChanges | AlertIn, *, tz: ZoneInfo) -> None:
    """Set the fields given on ``alert``, each validated; then the schedule's fields as its
    frequency needs them (a digest's time and day default, an instant alert has none)."""
    if changes.name is not None:
        if not changes.name.strip():
            raise InvalidInput("name: 알림 이름이 비어 있습니다")
        alert.name = changes.name.strip()
    if changes.query is not None:
        changes.query.filters(tz)  # a 422 for what /api/v1/programs would refuse
        alert.query = changes.query.stored()
    if changes.channels is not None:
        alert.channels = channels.check_channels(changes.channels)
    if changes.notify is not None:
        alert.notify = list(dict.fromkeys(changes.notify))
    if changes.reminder_days is not None:
        alert.reminder_days = sorted(set(changes.reminder_days), reverse=True)
    if changes.frequency is not None:
        alert.frequency = changes.frequency
    if changes.active is not None:
        alert.active = changes.active
    at = changes.at if changes.at is not None else alert.at
    weekday = changes.weekday if changes.weekday is not None else alert.weekday
    frequency = AlertFrequency(alert.frequency)
    alert.at = None if frequency is AlertFrequency.instant else at or DEFAULT_AT
    if frequency is AlertFrequency.weekly:
        alert.weekday = DEFAULT_WEEKDAY if weekday is None else weekday
    else:
        alert.weekday = None


async def list_alerts(
    session: AsyncSession, caller: AdminToken, *, limit: int, offset: int
) -> AlertList:
    rows, total = await repository.list_visible(
        session, owner_id=_owner_scope(caller), limit=limit, offset=offset
    )
    return AlertList(items=[_read(alert, owner) for alert, owner in rows], total=total)


async def _visible(session: AsyncSession, caller: AdminToken, alert_id: int) -> tuple[Alert, str]:
    found = await repository.get(session, alert_id, owner_id=_owner_scope(caller))
    if found is None:
        raise NotFound(f"알림을 찾을 수 없습니다: {alert_id}")
    return found


async def get_alert(session: AsyncSession, caller: AdminToken, alert_id: int) -> AlertRead:
    return _read(*await _visible(session, caller, alert_id))


async def create_alert(
    session: AsyncSession, caller: AdminToken, body: AlertIn, *, tz: ZoneInfo, now: dt.datetime
) -> AlertRead:
    if (
        caller.role != TokenRole.admin
        and await repository.count_owned(session, caller.id) >= MAX_ALERTS_PER_CLIENT
    ):
        raise Conflict(f"알림은 토큰마다 {MAX_ALERTS_PER_CLIENT}개까지 만들 수 있습니다")
    defaults: dict[str, Any] = {
        "query": AlertQuery().stored(),
        "notify": [AlertNotify.new.value],
        "reminder_days": list(DEFAULT_REMINDER_DAYS),
        "frequency": AlertFrequency.instant.value,
        "active": True,
        "failure_streak": 0,
    }
    alert = Alert(owner_token_id=caller.id, created_at=now, updated_at=now, **defaults)
    _apply(alert, body, tz=tz)
    await repository.add(session, alert)
    return _read(alert, caller.name)


async def update_alert(
    session: AsyncSession,
    caller: AdminToken,
    alert_id: int,
    changes: AlertChanges,
    *,
    tz: ZoneInfo,
    now: dt.datetime,
) -> AlertRead:
    alert, owner = await _visible(session, caller, alert_id)
    _apply(alert, changes, tz=tz)
    alert.updated_at = now
    await repository.save(session)
    return _read(alert, owner)


async def delete_alert(session: AsyncSession, caller: AdminToken, alert_id: int) -> None:
    await _visible(session, caller, alert_id)
    await repository.remove(session, alert_id)
