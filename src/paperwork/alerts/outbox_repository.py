"""Every statement of the alerts' outbox (``alert_deliveries``) and of what each channel was told
(``alert_notices``): the pass's lock, the alerts to evaluate, what their channels were told,
queueing messages with their notices, claiming a due message under a lease, and recording how
its sending went."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts.messages import Kind
from paperwork.models import Alert, AlertDelivery, AlertNotice, AlertPassLock
from paperwork.vocabulary import DeliveryStatus

_CHUNK = 5_000  # program ids per statement


def channel_key(url: str) -> str:
    """A channel's name in ``alert_notices``: its URL's hash (the URL is stored once)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


async def active_alerts(session: AsyncSession) -> Sequence[Alert]:
    """The alerts that may send (not paused), oldest first."""
    return list(
        await session.scalars(select(Alert).where(Alert.active.is_(True)).order_by(Alert.id))
    )


async def hold_pass(session: AsyncSession, *, now: dt.datetime) -> None:
    """Take the alerts pass's lock row: the first statement of a pass's transaction, so a pass
    in another process waits until this one has committed (PostgreSQL's row lock, SQLite's
    write lock) and then reads what it queued — no message is queued twice."""
    await session.execute(update(AlertPassLock).values(last_started_at=now))


async def recent_new(
    session: AsyncSession, since: dt.datetime
) -> Sequence[tuple[int, str, list[int]]]:
    """The "new" messages queued since ``since`` and not given up: (alert, channel, programs)."""
    statement = select(AlertDelivery.alert_id, AlertDelivery.channel, AlertDelivery.program_ids)
    statement = statement.where(
        AlertDelivery.kind == Kind.new.value,
        AlertDelivery.status != DeliveryStatus.failed,
        AlertDelivery.created_at >= since,
    )
    return [(alert_id, url, ids) for alert_id, url, ids in await session.execute(statement)]


async def notices_of(
    session: AsyncSession, program_ids: Sequence[int]
) -> set[tuple[int, str, int, str]]:
    """Every notice of these programs, as (alert, channel key, program, kind)."""
    found: set[tuple[int, str, int, str]] = set()
    columns = (AlertNotice.alert_id, AlertNotice.channel_key, AlertNotice.program_id)
    for start in range(0, len(program_ids), _CHUNK):
        chunk = program_ids[start : start + _CHUNK]
        statement = select(*columns, AlertNotice.kind).where(AlertNotice.program_id.in_(chunk))
        found.update((a, c, p, k) for a, c, p, k in await session.execute(statement))
    return found


async def queue(
    session: AsyncSession, deliveries: Sequence[dict[str, Any]], notices: Sequence[list[str]]
) -> None:
    """The messages (``alert_deliveries`` rows) and, in the same transaction, a notice per
    program each covers that is not new (``notices``: each program's kind, in ``program_ids``
    order; a new program's record is the message itself)."""
    if not deliveries:
        return
    statement = insert(AlertDelivery).returning(AlertDelivery.id, sort_by_parameter_order=True)
    ids = list(await session.scalars(statement, list(deliveries)))
    rows = [
        {
            "alert_id": delivery["alert_id"],
            "channel_key": channel_key(delivery["channel"]),
            "program_id": program_id,
            "kind": kind,
            "delivery_id": delivery_id,
        }
        for delivery_id, delivery, kinds in zip(ids, deliveries, notices, strict=True)
        for program_id, kind in zip(delivery["program_ids"], kinds, strict=True)
        if kind != Kind.new.value
    ]
    if rows:
        await session.execute(insert(AlertNotice), rows)


def _due(now: dt.datetime) -> ColumnElement[bool]:
    """Waiting and due, or held by a worker whose lease ran out (it died mid-send)."""
    return or_(
        (AlertDelivery.status == DeliveryStatus.pending) & (AlertDelivery.next_attempt_at <= now),
        (AlertDelivery.status == DeliveryStatus.sending) & (AlertDelivery.lease_expires_at < now),
    )


async def due_ids(session: AsyncSession, *, now: dt.datetime, limit: int) -> list[int]:
    statement = (
        select(AlertDelivery.id)
        .where(_due(now))
        .order_by(AlertDelivery.next_attempt_at, AlertDelivery.id)
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def claim(
    session: AsyncSession, delivery_id: int, *, owner: str, now: dt.datetime, until: dt.datetime
) -> AlertDelivery | None:
    """Take the message if it is still due: one conditional UPDATE, so of several workers
    racing for it exactly one wins (the others find it no longer due)."""
    result = await session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id == delivery_id, _due(now))
        .values(status=DeliveryStatus.sending, lease_owner=owner, lease_expires_at=until)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return await session.get(AlertDelivery, delivery_id, populate_existing=True)


async def finish(
    session: AsyncSession, delivery_id: int, *, owner: str, values: dict[str, Any]
) -> bool:
    """Record how sending went, if this worker still holds the message (a worker whose lease
    ran out and was taken over records nothing)."""
    result = await session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id == delivery_id, AlertDelivery.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None, **values)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def forget_notices(
    session: AsyncSession, delivery_id: int, alert_id: int, *, window_start: dt.datetime | None
) -> None:
    """A message given up: its programs are pending again for that channel, and the alert's
    next pass looks again from where the message's pass started (from the alert's start for a
    message that does not say) to find them."""
    await session.execute(delete(AlertNotice).where(AlertNotice.delivery_id == delivery_id))
    rewind = update(Alert).where(Alert.id == alert_id)
    if window_start is None:
        await session.execute(rewind.values(checked_until=None))
    else:
        later = Alert.checked_until > window_start
        await session.execute(rewind.where(later).values(checked_until=window_start))


async def set_failure_streak(session: AsyncSession, alert_id: int, *, failed: bool) -> None:
    streak = Alert.failure_streak + 1 if failed else 0
    await session.execute(update(Alert).where(Alert.id == alert_id).values(failure_streak=streak))


async def deliveries(
    session: AsyncSession, alert_id: int, *, limit: int, offset: int
) -> Sequence[AlertDelivery]:
    """An alert's messages, newest first."""
    statement = (
        select(AlertDelivery)
        .where(AlertDelivery.alert_id == alert_id)
        .order_by(AlertDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(await session.scalars(statement))
