"""Every statement of the alerts' outbox (``alert_deliveries``) and of what each channel was told
(``alert_notices``): the alerts to evaluate, the matches a channel has not been told of,
queueing a message with its notices, claiming a due message under a lease, and recording how
its sending went."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import Alert, AlertDelivery, AlertNotice, SupportProgram
from paperwork.vocabulary import DeliveryStatus

SP = SupportProgram


async def active_alerts(session: AsyncSession) -> Sequence[Alert]:
    """The alerts that may send (not paused), oldest first."""
    return list(
        await session.scalars(select(Alert).where(Alert.active.is_(True)).order_by(Alert.id))
    )


async def untold(
    session: AsyncSession,
    matching: Sequence[ColumnElement[bool]],
    *,
    alert_id: int,
    channel_key: str,
    kind: ColumnElement[str],
    limit: int,
) -> Sequence[Any]:
    """The programs ``matching`` takes that this channel of the alert has not been told of as
    ``kind`` (an expression: it may differ per program), first seen first; each row ends with
    its ``notice_kind``."""
    told = exists().where(
        AlertNotice.alert_id == alert_id,
        AlertNotice.channel_key == channel_key,
        AlertNotice.kind == kind,
        AlertNotice.program_id == SP.id,
    )
    columns = (SP.id, SP.title, SP.implementing_agency, SP.apply_end, SP.detail_url)
    statement = (
        select(*columns, kind.label("notice_kind"))
        .where(*matching, ~told)
        .order_by(SP.first_seen_at, SP.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).all())


async def queue(
    session: AsyncSession, delivery: AlertDelivery, *, channel_key: str, kinds: Sequence[str]
) -> AlertDelivery:
    """The message and, in the same transaction, a notice per program it covers (``kinds``:
    each program's notice kind, in ``program_ids`` order)."""
    session.add(delivery)
    await session.flush()
    session.add_all(
        AlertNotice(
            alert_id=delivery.alert_id,
            channel_key=channel_key,
            program_id=program_id,
            kind=kind,
            delivery_id=delivery.id,
        )
        for program_id, kind in zip(delivery.program_ids, kinds, strict=True)
    )
    await session.flush()
    return delivery


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


async def forget_notices(session: AsyncSession, delivery_id: int, alert_id: int) -> None:
    """A message given up: its programs are pending again for that channel, and the alert's
    next pass looks again from the start (``checked_until`` cleared) to find them."""
    await session.execute(delete(AlertNotice).where(AlertNotice.delivery_id == delivery_id))
    await session.execute(update(Alert).where(Alert.id == alert_id).values(checked_until=None))


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
