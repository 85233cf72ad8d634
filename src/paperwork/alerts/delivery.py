"""Delivering alerts: nothing lost, nothing twice.

1. **Queue** (``queue_due``): for each active alert that sends now (an instant alert at every
   pass, a digest once its time has come since the last one), each thing it tells (new programs:
   first seen since it became active; changed ones: a deadline, period or portal status change
   since then, each change once; each reminder offset: programs still open whose deadline is
   that many days away) and each of its channels, the programs its saved search matches that
   this channel was not told of as that — one message (rendered now, cut to the channel's limit)
   written to the outbox in the same transaction as a notice per program. So a program is queued
   at most once per alert, channel and kind, and a later pass finds only what is still untold.
   A pass looks at what came since the alert's last pass (``checked_until``, LOOK_BACK earlier,
   for batches committed after the time they stamp), not at everything since it was created.
2. **Send** (``send_due``): a worker claims a due message under a lease (the same conditional
   UPDATE as runs' leases: of several workers exactly one wins; a worker that dies mid-send
   leaves a lease that runs out, and the message is sent by another), sends it through Apprise
   in a thread, and records the outcome. A failure is retried after 1 min, 5 min, 30 min and
   2 h, then the message is ``failed`` with the channel's own error and its notices are
   deleted: its programs are pending again and go out with the next pass. One channel's
   failure never holds back another's: each channel has its own messages.

``run_once`` does both; the scheduler calls it every tick, ``paperwork alerts send-due`` once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, cast, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts import channels, outbox_repository
from paperwork.alerts.messages import Kind, Message, ProgramLine, compose
from paperwork.alerts.v1_schemas import AlertQuery
from paperwork.db import Database
from paperwork.models import Alert, AlertDelivery, ProgramChange, SupportProgram
from paperwork.programs import v1_repository
from paperwork.programs.search_repository import plan_for_search
from paperwork.timeutil import today_in
from paperwork.vocabulary import AlertFrequency, AlertNotify, DeliveryStatus, ProgramStatus

log = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, 4th and 5th attempts; after the 5th the message is given up.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
# Longer than one send can take (channels' socket waits are at most 10 s each).
SEND_LEASE = dt.timedelta(minutes=2)
# Programs in one message; more wait for the next pass (the message says "외 N건" past the
# channel's limit anyway, and links the full list).
MAX_PROGRAMS_PER_MESSAGE = 200
CLAIM_BATCH = 20
# How far back each pass looks again for programs first seen (and changes made): a collection
# run's batch may commit a little after the time it stamps, and must not fall behind the mark.
LOOK_BACK = dt.timedelta(minutes=10)


def channel_key(url: str) -> str:
    """A channel's name in ``alert_notices``: its URL's hash (the URL is stored once)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def feed_url(public_url: str | None, query: dict[str, Any]) -> str | None:
    """The saved search's RSS feed on this service, when its public address is known."""
    if not public_url:
        return None
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item).lower() if isinstance(item, bool) else str(item)))
    address = f"{public_url.rstrip('/')}/api/v1/programs/feed.xml"
    return f"{address}?{urlencode(pairs)}" if pairs else address


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


async def queue_due(
    database: Database, *, now: dt.datetime, tz: ZoneInfo, public_url: str | None
) -> int:
    """Queue the ``pending_messages`` of every instant alert, and of every digest whose time has
    come; returns how many were queued. Several processes may run passes at once (each
    ``paperwork serve`` worker has a scheduler): when another one queued the same programs
    first, the notices' primary key refuses this pass's copy, and the pass is dropped whole —
    nothing twice, and what it missed is found by the next pass."""
    try:
        return await _queue_due(database, now=now, tz=tz, public_url=public_url)
    except IntegrityError:
        log.info("alerts.queue_raced: another process queued the same messages first")
        return 0


async def _queue_due(
    database: Database, *, now: dt.datetime, tz: ZoneInfo, public_url: str | None
) -> int:
    queued = 0
    async with database.session_scope() as session:
        for alert in await outbox_repository.active_alerts(session):
            # A digest sends once its latest time came after the one last sent for (and after
            # it became active); an instant alert (no slot) at every pass.
            slot = digest_slot(alert, now, tz)
            if slot is not None and slot <= (alert.last_digest_at or alert.active_since):
                continue
            found = await pending_messages(session, alert, now=now, tz=tz, public_url=public_url)
            for pending in found:
                delivery = _delivery(alert, pending, now=now)
                await outbox_repository.queue(
                    session, delivery, channel_key=channel_key(pending.url), kinds=pending.notices
                )
            queued += len(found)
            alert.checked_until = now - LOOK_BACK
            if slot is not None:
                alert.last_digest_at = slot
    return queued


# What a "changed" message is about: the deadline or period moved, the portal's status changed.
CHANGE_FIELDS = (
    "apply_start",
    "apply_end",
    "application_period",
    "period_kind",
    "application_status",
)


@dataclass(frozen=True)
class _Telling:
    """One thing an alert tells: the notice kind of each program (an expression: a change's
    notice names the change), the message kind, and which programs."""

    notice: ColumnElement[str]
    kind: Kind
    matching: list[ColumnElement[bool]]
    reminder_days: int | None = None


def _since(alert: Alert) -> dt.datetime:
    """Where a pass starts looking for new programs and changes: what came before was looked
    at already (``checked_until``), and nothing before the alert became active counts."""
    if alert.checked_until is None:
        return alert.active_since
    return max(alert.active_since, alert.checked_until)


def _latest_change(since: dt.datetime) -> ColumnElement[Any]:
    """The program's latest change of a CHANGE_FIELDS field since ``since``."""
    return (
        select(func.max(ProgramChange.id))
        .where(
            ProgramChange.program_id == SupportProgram.id,
            ProgramChange.field.in_(CHANGE_FIELDS),
            ProgramChange.changed_at >= since,
        )
        .scalar_subquery()
    )


def _what_to_tell(
    alert: Alert, matching: list[ColumnElement[bool]], *, today: dt.date
) -> list[_Telling]:
    tellings = []
    since = _since(alert)
    if AlertNotify.new in alert.notify:
        recent = [*matching, SupportProgram.first_seen_at >= since]
        tellings.append(_Telling(literal(Kind.new.value), Kind.new, recent))
    if AlertNotify.changed in alert.notify:
        # Each change is told once: the notice names the latest one ("changed:<id>").
        latest = _latest_change(since)
        notice = literal("changed:") + cast(latest, String)
        changed = [*matching, latest.is_not(None)]
        tellings.append(_Telling(notice, Kind.changed, changed))
    if AlertNotify.reminders in alert.notify:
        for days in alert.reminder_days:
            deadline = [
                *matching,
                v1_repository.status_condition(ProgramStatus.open, today),
                SupportProgram.apply_end == today + dt.timedelta(days=days),
            ]
            notice = literal(f"reminder:{days}")
            tellings.append(_Telling(notice, Kind.reminder, deadline, days))
    return tellings


@dataclass(frozen=True)
class Pending:
    """A message an alert has to send to one channel: what it says and the programs (with
    each one's notice kind) it covers."""

    url: str
    kind: Kind
    message: Message
    program_ids: list[int]
    notices: list[str]


async def _pending(
    session: AsyncSession,
    alert: Alert,
    url: str,
    told: _Telling,
    *,
    today: dt.date,
    feed: str | None,
) -> Pending | None:
    rows = await outbox_repository.untold(
        session,
        told.matching,
        alert_id=alert.id,
        channel_key=channel_key(url),
        kind=told.notice,
        limit=MAX_PROGRAMS_PER_MESSAGE,
    )
    if not rows:
        return None
    message = compose(
        alert.name,
        told.kind,
        [ProgramLine(r.title, r.implementing_agency, r.apply_end, r.detail_url) for r in rows],
        today=today,
        feed_url=feed,
        reminder_days=told.reminder_days,
        limit=channels.body_limit(url),
    )
    ids = [row.id for row in rows]
    return Pending(url, told.kind, message, ids, [row.notice_kind for row in rows])


async def pending_messages(
    session: AsyncSession,
    alert: Alert,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    public_url: str | None,
) -> list[Pending]:
    """What the alert would send if it were due now, channel by channel (nothing is written)."""
    today = today_in(tz, now=now)
    filters = AlertQuery.model_validate(alert.query).filters(tz)
    if filters.q:
        await plan_for_search(session)
    dialect = session.get_bind().dialect.name
    matching = v1_repository.conditions(filters, dialect=dialect, today=today)
    feed = feed_url(public_url, alert.query)
    found = []
    for told in _what_to_tell(alert, matching, today=today):
        for url in alert.channels:
            pending = await _pending(session, alert, url, told, today=today, feed=feed)
            if pending is not None:
                found.append(pending)
    return found


def _delivery(alert: Alert, pending: Pending, *, now: dt.datetime) -> AlertDelivery:
    message = pending.message
    return AlertDelivery(
        alert_id=alert.id,
        channel=pending.url,
        kind=pending.kind,
        title=message.title,
        text=message.text,
        markdown=message.markdown,
        html=message.html,
        program_ids=pending.program_ids,
        status=DeliveryStatus.pending,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    alert_id: int
    channel: str
    attempts: int
    message: Message


async def _claim(
    database: Database, delivery_id: int, *, owner: str, now: dt.datetime
) -> _Claimed | None:
    async with database.session_scope() as session:
        held = await outbox_repository.claim(
            session, delivery_id, owner=owner, now=now, until=now + SEND_LEASE
        )
        if held is None:
            return None
        message = Message(held.title, held.text, held.markdown, held.html)
        return _Claimed(held.id, held.alert_id, held.channel, held.attempts, message)


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
            await outbox_repository.forget_notices(session, claimed.id, claimed.alert_id)
        await outbox_repository.set_failure_streak(
            session, claimed.alert_id, failed=not outcome.delivered
        )
    return status


async def send_due(
    database: Database, *, owner: str, clock: Callable[[], dt.datetime]
) -> SendReport:
    """Send every message that is due now, one at a time; returns what became of them."""
    report = SendReport()
    while True:
        now = clock()
        async with database.session_scope() as session:
            candidates = await outbox_repository.due_ids(session, now=now, limit=CLAIM_BATCH)
        claimed_any = False
        for delivery_id in candidates:
            claimed = await _claim(database, delivery_id, owner=owner, now=now)
            if claimed is None:
                continue  # another worker has it
            claimed_any = True
            outcome = await asyncio.to_thread(channels.send, claimed.channel, claimed.message)
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
    queued = await queue_due(database, now=clock(), tz=tz, public_url=public_url)
    return queued, await send_due(database, owner=owner, clock=clock)
