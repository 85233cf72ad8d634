"""Every statement of the alerts' outbox (``alert_deliveries``), which is also the record of what
each channel was told: the pass's lock, the alerts to evaluate, the recent messages, queueing
messages, claiming a due message under a lease, recording how its sending went, and rewinding an
alert whose message was given up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts.messages import Kind, ProgramLine
from paperwork.db import IDS_PER_STATEMENT
from paperwork.models import Alert, AlertDelivery, AlertPassLock, SupportProgram
from paperwork.vocabulary import DeliveryStatus

SP = SupportProgram
DELIVERIES = cast(Table, AlertDelivery.__table__)


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


async def recent_messages(
    session: AsyncSession, *, since: dt.datetime, reminders_since: dt.datetime
) -> Sequence[Any]:
    """The messages not given up that may have told a pass's programs: new and changed ones
    queued since ``since``, reminders since ``reminders_since``. Rows of (alert, channel, kind,
    reminder offset, programs, when queued)."""
    AD = AlertDelivery
    statement = select(
        AD.alert_id, AD.channel, AD.kind, AD.reminder_days, AD.program_ids, AD.created_at
    ).where(
        AD.status != DeliveryStatus.failed,
        or_(
            (AD.kind != Kind.reminder.value) & (AD.created_at >= since),
            (AD.kind == Kind.reminder.value) & (AD.created_at >= reminders_since),
        ),
    )
    return list((await session.execute(statement)).all())


async def queue(session: AsyncSession, deliveries: Sequence[dict[str, Any]]) -> None:
    """The messages, as ``alert_deliveries`` rows (one executemany: a pass may queue ten
    thousand)."""
    if deliveries:
        await session.execute(insert(DELIVERIES), list(deliveries))


async def mark_checked(
    session: AsyncSession, alert_ids: Sequence[int], *, until: dt.datetime
) -> None:
    """The alerts' passes looked at everything before ``until``."""
    for start in range(0, len(alert_ids), IDS_PER_STATEMENT):
        chunk = alert_ids[start : start + IDS_PER_STATEMENT]
        statement = update(Alert).where(Alert.id.in_(chunk)).values(checked_until=until)
        # (The session's Alert objects are not brought up to date: evaluating the IN for each
        # of ten thousand objects would cost more than the pass.)
        await session.execute(statement.execution_options(synchronize_session=False))


async def mark_digested(session: AsyncSession, slots: dict[int, dt.datetime]) -> None:
    """The digests sent for these scheduled times (alert id → slot)."""
    for alert_id, slot in slots.items():
        await session.execute(update(Alert).where(Alert.id == alert_id).values(last_digest_at=slot))


async def programs(session: AsyncSession, program_ids: Sequence[int]) -> list[ProgramLine]:
    """What a message lists of each of its programs, in ``program_ids`` order (those left)."""
    columns = (SP.id, SP.title, SP.implementing_agency, SP.apply_end, SP.detail_url)
    found = {
        program_id: ProgramLine(title, agency, apply_end, url)
        for program_id, title, agency, apply_end, url in await session.execute(
            select(*columns).where(SP.id.in_(program_ids))
        )
    }
    return [found[program_id] for program_id in program_ids if program_id in found]


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


async def rewind(session: AsyncSession, alert_id: int, *, window_start: dt.datetime | None) -> None:
    """A message given up: the alert's next pass looks again from where the message's pass
    started (from the alert's start for a message that does not say), and finds its programs
    untold (a message given up told nothing)."""
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
