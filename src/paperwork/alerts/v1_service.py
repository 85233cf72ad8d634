"""``/api/v1/alerts`` use cases: list, read, create, change and delete saved-search alerts; what
one would send now (preview) and what it sent (delivery log); a test message on every channel
(also what ``paperwork alerts`` runs as the operator).

Who sees what: a client token only its own alerts (another's is a 404, as if it did not exist);
an admin token every alert. A new alert belongs to the token that created it. The saved search
is validated as ``/api/v1/programs`` validates the same parameters, and the channels by Apprise;
channels are answered masked, never whole. A test message's outcomes are each channel's real
one (the service's own refusal, an HTTP 404, a connection error), never a guess.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts import channels, evaluation, outbox_repository, repository
from paperwork.alerts.messages import Kind, ProgramLine, compose
from paperwork.alerts.v1_schemas import (
    DEFAULT_AT,
    DEFAULT_REMINDER_DAYS,
    DEFAULT_WEEKDAY,
    AlertChanges,
    AlertIn,
    AlertList,
    AlertPreview,
    AlertQuery,
    AlertRead,
    AlertTestResult,
    ChannelOutcome,
    DeliveryPage,
    DeliveryRead,
    PreviewMessage,
)
from paperwork.errors import Conflict, InvalidInput, NotFound
from paperwork.models import AdminToken, Alert
from paperwork.programs import v1_repository
from paperwork.programs.v1_schemas import ProgramSort
from paperwork.timeutil import today_in
from paperwork.vocabulary import (
    AlertFrequency,
    AlertNotify,
    AlertState,
    DeliveryStatus,
    TokenRole,
)

log = logging.getLogger(__name__)

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
        # In the parameters' own order (PostgreSQL's JSONB keeps keys in an order of its own).
        query=AlertQuery.model_validate(alert.query).stored(),
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


def _apply(
    alert: Alert,
    changes: AlertChanges | AlertIn,
    *,
    tz: ZoneInfo,
    now: dt.datetime,
    private_hosts: bool,
) -> None:
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
        alert.channels = channels.check_channels(changes.channels, private_hosts=private_hosts)
    if changes.notify is not None:
        alert.notify = list(dict.fromkeys(changes.notify))
    if changes.reminder_days is not None:
        alert.reminder_days = sorted(set(changes.reminder_days), reverse=True)
    if changes.frequency is not None:
        alert.frequency = changes.frequency
    if changes.active is not None:
        if changes.active and not alert.active:
            alert.active_since = now  # what appeared while it was paused is not "new" to it
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


def _private_hosts(caller: AdminToken, allowed_for_clients: bool) -> bool:
    """Whether ``caller``'s channels may point at local or private addresses: an admin's may
    (a local mail relay), a client's only where the operator allows it."""
    return caller.role == TokenRole.admin or allowed_for_clients


async def create_alert(
    session: AsyncSession,
    caller: AdminToken,
    body: AlertIn,
    *,
    tz: ZoneInfo,
    now: dt.datetime,
    private_hosts_for_clients: bool = False,
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
    alert = Alert(
        owner_token_id=caller.id, created_at=now, updated_at=now, active_since=now, **defaults
    )
    private = _private_hosts(caller, private_hosts_for_clients)
    _apply(alert, body, tz=tz, now=now, private_hosts=private)
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
    private_hosts_for_clients: bool = False,
) -> AlertRead:
    alert, owner = await _visible(session, caller, alert_id)
    private = _private_hosts(caller, private_hosts_for_clients)
    _apply(alert, changes, tz=tz, now=now, private_hosts=private)
    alert.updated_at = now
    await repository.save(session)
    return _read(alert, owner)


async def delete_alert(session: AsyncSession, caller: AdminToken, alert_id: int) -> None:
    await _visible(session, caller, alert_id)
    await repository.remove(session, alert_id)


# --- the test message: every channel, now ---------------------------------------------------------

# Programs a test message lists as examples: what the saved search matches now, newest first, so
# the user sees what a real message from this alert looks like.
TEST_SAMPLE_SIZE = 3


async def test_alert(
    session: AsyncSession, caller: AdminToken, alert_id: int, *, tz: ZoneInfo, today: dt.date
) -> AlertTestResult:
    """Send the alert's test message to every channel now (``POST /api/v1/alerts/{id}/test``)
    and answer each channel's real outcome; another client's alert is a NotFound."""
    alert, _owner = await _visible(session, caller, alert_id)
    return await _send_test(session, alert, tz=tz, today=today)


async def test_alert_as_operator(
    session: AsyncSession, alert_id: int, *, tz: ZoneInfo, today: dt.date
) -> AlertTestResult:
    """The same test, sent by the operator from the command line (``paperwork alerts test``),
    who, like an admin token, may test any alert."""
    found = await repository.get(session, alert_id, owner_id=None)
    if found is None:
        raise NotFound(f"알림을 찾을 수 없습니다: {alert_id}")
    return await _send_test(session, found[0], tz=tz, today=today)


async def list_all_alerts(session: AsyncSession) -> list[AlertRead]:
    """Every alert, whoever owns it, oldest first: the operator's view (``paperwork alerts
    list``), what an admin token's pages show together."""
    page_size = 500
    alerts: list[AlertRead] = []
    while True:
        rows, total = await repository.list_visible(
            session, owner_id=None, limit=page_size, offset=len(alerts)
        )
        alerts.extend(_read(alert, owner) for alert, owner in rows)
        if not rows or len(alerts) >= total:
            return alerts


async def _send_test(
    session: AsyncSession, alert: Alert, *, tz: ZoneInfo, today: dt.date
) -> AlertTestResult:
    filters = AlertQuery.model_validate(alert.query).filters(tz)
    found = await v1_repository.rows(
        session, filters, today=today, order=ProgramSort.newest, limit=TEST_SAMPLE_SIZE
    )
    programs = [
        ProgramLine(
            title=row.title,
            agency=row.implementing_agency,
            apply_end=row.apply_end,
            url=row.detail_url,
        )
        for row in found
    ]
    alert_id, name, urls = alert.id, alert.name, list(alert.channels)
    sent = await asyncio.gather(
        *(asyncio.to_thread(_send_test_message, url, name, programs, today) for url in urls),
        return_exceptions=True,
    )
    outcomes = [
        _outcome(result) if not isinstance(result, BaseException) else _crashed(url, result)
        for url, result in zip(urls, sent, strict=True)
    ]
    delivered = sum(outcome.delivered for outcome in outcomes)
    log.info(
        "alerts.test alert_id=%s delivered=%d failed=%d",
        alert_id,
        delivered,
        len(outcomes) - delivered,
    )
    return AlertTestResult(
        alert_id=alert_id,
        delivered=delivered,
        failed=len(outcomes) - delivered,
        outcomes=outcomes,
    )


def _send_test_message(
    url: str, name: str, programs: list[ProgramLine], today: dt.date
) -> channels.Outcome:
    """Compose the test message for this channel (within its body limit) and send it; runs in a
    worker thread, as Apprise blocks."""
    message = compose(name, Kind.test, programs, today=today, limit=channels.body_limit(url))
    return channels.send(url, message)


def _outcome(outcome: channels.Outcome) -> ChannelOutcome:
    return ChannelOutcome(channel=outcome.channel, delivered=outcome.delivered, error=outcome.error)


def _crashed(url: str, exc: BaseException) -> ChannelOutcome:
    """A channel whose send raised (``channels.send`` reports failures, so this is a bug): that
    channel failed, the others' outcomes stand. Only the exception's type: its text may quote
    the URL."""
    if not isinstance(exc, Exception):
        raise exc  # a cancellation or an interrupt is the caller's, not the channel's
    log.error("alerts.test.crashed channel=%s error=%s", channels.mask(url), type(exc).__name__)
    return ChannelOutcome(
        channel=channels.mask(url), delivered=False, error=f"internal error ({type(exc).__name__})"
    )


async def list_deliveries(
    session: AsyncSession, caller: AdminToken, alert_id: int, *, limit: int, offset: int
) -> DeliveryPage:
    """The alert's outbox messages, newest first (``GET /api/v1/alerts/{id}/deliveries``)."""
    await _visible(session, caller, alert_id)
    found = await outbox_repository.deliveries(session, alert_id, limit=limit, offset=offset)
    items = [
        DeliveryRead(
            id=row.id,
            channel=channels.mask(row.channel),
            kind=row.kind,
            title=row.title,
            program_ids=row.program_ids,
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at if row.status == DeliveryStatus.pending else None,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row in found
    ]
    return DeliveryPage(items=items, limit=limit, offset=offset)


async def preview_alert(
    session: AsyncSession,
    caller: AdminToken,
    alert_id: int,
    *,
    tz: ZoneInfo,
    now: dt.datetime,
    public_url: str | None,
) -> AlertPreview:
    """The messages the alert would queue now (``GET /api/v1/alerts/{id}/preview``): what its
    channels have not been told yet, rendered, nothing written or sent."""
    alert, _owner = await _visible(session, caller, alert_id)
    found = await evaluation.evaluate(session, [alert], now=now, tz=tz)
    today = today_in(tz, now=now)
    messages = []
    for pending in found:
        message = evaluation.render(
            alert,
            pending.url,
            pending.kind,
            [evaluation.line(program) for program in pending.programs],
            reminder_days=pending.reminder_days,
            today=today,
            public_url=public_url,
        )
        messages.append(
            PreviewMessage(
                channel=channels.mask(pending.url),
                kind=pending.kind,
                title=message.title,
                text=message.text,
                program_ids=pending.program_ids,
            )
        )
    return AlertPreview(alert_id=alert.id, messages=messages)
