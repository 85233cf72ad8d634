"""Delivering alerts: nothing lost, nothing twice.

1. **Queue** (``queue_due``): the alerts that send now (an instant alert at every pass, a digest
   once its time has come since the last one) are evaluated together (``evaluation``: what each
   would tell each of its channels) and their messages written to the outbox in one
   transaction: the outbox is the record of what was told. The transaction starts by taking
   the pass's lock row, so passes in several processes run one after another and the later one
   finds what the earlier queued: a program is queued at most once per alert, channel and kind.
   Each alert's mark (``checked_until``) then moves to the pass's time, LOOK_BACK earlier for
   batches committed after the time they stamp; an alert with more to tell than one message
   takes keeps its mark, and the rest goes out with the next pass.
2. **Send** (``send_due``): a worker claims a due message under a lease (the same conditional
   UPDATE as runs' leases: of several workers exactly one wins; a worker that dies mid-send
   leaves a lease that runs out, and the message is sent by another), sends it through Apprise
   in a thread, and records the outcome. A failure is retried after 1 min, 5 min, 30 min and
   2 h, then the message is ``failed`` with the channel's own error (so it told nothing) and
   its alert's mark rewinds to where the message's pass started: its programs are pending
   again and go out with the next pass. One channel's failure never holds back another's: each
   channel has its own messages.

``run_once`` does both; the scheduler calls it every tick, ``paperwork alerts send-due`` once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from paperwork.alerts import channels, evaluation, outbox_repository
from paperwork.alerts.evaluation import Pending
from paperwork.alerts.messages import Kind, Message
from paperwork.alerts.window import LOOK_BACK
from paperwork.db import Database
from paperwork.models import Alert
from paperwork.timeutil import SEOUL, today_in
from paperwork.vocabulary import AlertFrequency, DeliveryStatus

# Waits before the 2nd, 3rd, 4th and 5th attempts; after the 5th the message is given up.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
# Longer than one send can take (channels' socket waits are at most 10 s each).
SEND_LEASE = dt.timedelta(minutes=2)
CLAIM_BATCH = 20


def digest_slot(alert: Alert, now: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    """The latest time at or before ``now`` a digest alert is scheduled for (its ``at``, every
    day or on its ``weekday``, Asia/Seoul), in UTC; None for an instant alert."""
    if alert.frequency == AlertFrequency.instant or alert.at is None:
        return None
    hour, minute = map(int, alert.at.split(":"))
    local = now.astimezone(tz)
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while slot > local or (
        alert.frequency == AlertFrequency.weekly and slot.weekday() != alert.weekday
    ):
        # (Day by day on the calendar: the zone's offset is taken again for each day.)
        slot = dt.datetime.combine(slot.date() - dt.timedelta(days=1), slot.timetz())
    return slot.astimezone(dt.UTC)


async def queue_due(database: Database, *, now: dt.datetime, tz: ZoneInfo) -> int:
    """Queue the messages of every instant alert, and of every digest whose time has come;
    returns how many were queued."""
    async with database.session_scope() as session:
        await outbox_repository.hold_pass(session, now=now)
        due: list[Alert] = []
        slots: dict[int, dt.datetime] = {}
        for alert in await outbox_repository.active_alerts(session):
            # A digest sends once its latest time came after the one last sent for (and after
            # it became active); an instant alert (no slot) at every pass.
            slot = digest_slot(alert, now, tz)
            if slot is not None:
                if slot <= (alert.last_digest_at or alert.active_since):
                    continue
                slots[alert.id] = slot
            due.append(alert)
        found = await evaluation.evaluate(session, due, now=now, tz=tz)
        await outbox_repository.queue(session, [_delivery(pending, now=now) for pending in found])
        unfinished = {pending.alert_id for pending in found if not pending.complete}
        checked = [alert.id for alert in due if alert.id not in unfinished]
        await outbox_repository.mark_checked(session, checked, until=now - LOOK_BACK)
        await outbox_repository.mark_digested(session, slots)
    return len(found)


def _delivery(pending: Pending, *, now: dt.datetime) -> dict[str, Any]:
    return {
        "alert_id": pending.alert_id,
        "channel": pending.url,
        "kind": pending.kind.value,
        "title": pending.title,
        "program_ids": pending.program_ids,
        "status": DeliveryStatus.pending.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "reminder_days": pending.reminder_days,
        "window_start": pending.window_start,
    }


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Render:
    """What a body needs beyond its programs: the zone of its D-days, the feed link's host."""

    tz: ZoneInfo
    public_url: str | None


@dataclass(frozen=True)
class _Claimed:
    id: int
    alert_id: int
    channel: str
    attempts: int
    message: Message | None  # None: none of its programs is left (deleted by hand)
    window_start: dt.datetime | None


async def _claim(
    database: Database, delivery_id: int, *, owner: str, now: dt.datetime, render: _Render
) -> _Claimed | None:
    """Take the message and render its body from its programs as they are now."""
    async with database.session_scope() as session:
        held = await outbox_repository.claim(
            session, delivery_id, owner=owner, now=now, until=now + SEND_LEASE
        )
        if held is None:
            return None
        alert = await session.get(Alert, held.alert_id)
        programs = await outbox_repository.programs(session, held.program_ids)
        message = None
        if alert is not None and programs:
            message = evaluation.render(
                alert,
                held.channel,
                Kind(held.kind),
                programs,
                reminder_days=held.reminder_days,
                today=today_in(render.tz, now=now),
                public_url=render.public_url,
            )
        return _Claimed(
            held.id, held.alert_id, held.channel, held.attempts, message, held.window_start
        )


async def _send(claimed: _Claimed) -> channels.Outcome:
    if claimed.message is None:
        error = "보낼 지원사업이 더 이상 없습니다 (삭제됨)"
        return channels.Outcome(channels.mask(claimed.channel), delivered=False, error=error)
    return await asyncio.to_thread(channels.send, claimed.channel, claimed.message)


async def _record(
    database: Database,
    claimed: _Claimed,
    outcome: channels.Outcome,
    *,
    owner: str,
    now: dt.datetime,
) -> DeliveryStatus:
    attempts = claimed.attempts + 1
    values: dict[str, Any] = {"attempts": attempts}
    if outcome.delivered:
        status = DeliveryStatus.sent
        values.update(sent_at=now, last_error=None)
    else:
        values["last_error"] = outcome.error or "전송 실패"
        retry = attempts <= len(BACKOFF)
        status = DeliveryStatus.pending if retry else DeliveryStatus.failed
        if retry:
            values["next_attempt_at"] = now + BACKOFF[attempts - 1]
    async with database.session_scope() as session:
        values["status"] = status
        if not await outbox_repository.finish(session, claimed.id, owner=owner, values=values):
            return status  # the lease ran out and another worker took the message over
        if status is DeliveryStatus.failed:
            await outbox_repository.rewind(
                session, claimed.alert_id, window_start=claimed.window_start
            )
        await outbox_repository.set_failure_streak(
            session, claimed.alert_id, failed=not outcome.delivered
        )
    return status


async def send_due(
    database: Database,
    *,
    owner: str,
    clock: Callable[[], dt.datetime],
    tz: ZoneInfo = SEOUL,
    public_url: str | None = None,
) -> SendReport:
    """Send every message that is due now, one at a time; returns what became of them."""
    render = _Render(tz, public_url)
    report = SendReport()
    while True:
        now = clock()
        async with database.session_scope() as session:
            candidates = await outbox_repository.due_ids(session, now=now, limit=CLAIM_BATCH)
        claimed_any = False
        for delivery_id in candidates:
            claimed = await _claim(database, delivery_id, owner=owner, now=now, render=render)
            if claimed is None:
                continue  # another worker has it
            claimed_any = True
            outcome = await _send(claimed)
            status = await _record(database, claimed, outcome, owner=owner, now=clock())
            if status is DeliveryStatus.sent:
                report.sent += 1
            elif status is DeliveryStatus.failed:
                report.failed += 1
            else:
                report.retrying += 1
        if not claimed_any:
            return report


async def run_once(
    database: Database,
    *,
    owner: str,
    clock: Callable[[], dt.datetime],
    tz: ZoneInfo,
    public_url: str | None,
) -> tuple[int, SendReport]:
    """One pass: queue what is new, then send what is due."""
    queued = await queue_due(database, now=clock(), tz=tz)
    return queued, await send_due(database, owner=owner, clock=clock, tz=tz, public_url=public_url)
