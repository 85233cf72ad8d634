"""Delivering alerts: nothing lost, nothing twice.

1. **Queue** (``queue_new_programs``): for each active instant alert that notifies of new
   programs, and each of its channels, the programs its saved search matches, first seen since
   it became active, that this channel was not told of — one message (rendered now, cut to the
   channel's limit) written to the outbox in the same transaction as a notice per program. So a
   program is queued at most once per alert and channel, and a later pass finds only what is
   still untold.
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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from paperwork.alerts import channels, outbox_repository
from paperwork.alerts.messages import Kind, Message, ProgramLine, compose
from paperwork.alerts.v1_schemas import AlertQuery
from paperwork.db import Database
from paperwork.models import Alert, AlertDelivery
from paperwork.programs import v1_repository
from paperwork.programs.search_repository import plan_for_search
from paperwork.timeutil import today_in
from paperwork.vocabulary import AlertNotify, DeliveryStatus

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


async def queue_new_programs(
    database: Database, *, now: dt.datetime, tz: ZoneInfo, public_url: str | None
) -> int:
    """Queue a message per alert channel with untold new programs; returns how many."""
    today = today_in(tz, now=now)
    queued = 0
    async with database.session_scope() as session:
        dialect = session.get_bind().dialect.name
        for alert in await outbox_repository.instant_alerts(session):
            if AlertNotify.new not in alert.notify:
                continue
            query = AlertQuery.model_validate(alert.query)
            filters = query.filters(tz)
            if filters.q:
                await plan_for_search(session)
            matching = v1_repository.conditions(filters, dialect=dialect, today=today)
            for url in alert.channels:
                key = channel_key(url)
                rows = await outbox_repository.untold(
                    session,
                    matching,
                    alert_id=alert.id,
                    channel_key=key,
                    kind=Kind.new,
                    first_seen_since=alert.active_since,
                    limit=MAX_PROGRAMS_PER_MESSAGE,
                )
                if not rows:
                    continue
                message = compose(
                    alert.name,
                    Kind.new,
                    [
                        ProgramLine(r.title, r.implementing_agency, r.apply_end, r.detail_url)
                        for r in rows
                    ],
                    today=today,
                    feed_url=feed_url(public_url, alert.query),
                    limit=channels.body_limit(url),
                )
                delivery = _delivery(alert, url, message, [row.id for row in rows], now=now)
                await outbox_repository.queue(session, delivery, channel_key=key, kind=Kind.new)
                queued += 1
    return queued


def _delivery(
    alert: Alert, url: str, message: Message, program_ids: list[int], *, now: dt.datetime
) -> AlertDelivery:
    return AlertDelivery(
        alert_id=alert.id,
        channel=url,
        kind=Kind.new,
        title=message.title,
        text=message.text,
        markdown=message.markdown,
        html=message.html,
        program_ids=program_ids,
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
            await outbox_repository.forget_notices(session, claimed.id)
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
    queued = await queue_new_programs(database, now=clock(), tz=tz, public_url=public_url)
    return queued, await send_due(database, owner=owner, clock=clock)
