"""What a set of alerts would send now, channel by channel, without writing anything: the pass
(``delivery.queue_due``) queues it, the preview shows it.

For each alert, each thing it tells — new programs (first seen since its mark), changed ones (a
deadline, period or portal status change since then, each change once: the notice names the
change) and each reminder offset (programs still open whose deadline is that many days away) —
and each of its channels: the programs its saved search matches that this channel was not told
of as that, first seen first, in one message rendered for the channel. What was told is read
once for all the alerts: the notices of changes and reminders, and for new programs the recent
messages themselves (a program is new once, so its notice would only repeat the message's
program list, ten thousand alerts times over).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts import channels, matching, outbox_repository
from paperwork.alerts.messages import Kind, Message, ProgramLine, compose
from paperwork.alerts.outbox_repository import channel_key
from paperwork.alerts.v1_schemas import AlertQuery
from paperwork.alerts.window import LOOK_BACK, Candidate, Window, load, since
from paperwork.errors import InvalidInput
from paperwork.models import Alert
from paperwork.timeutil import today_in
from paperwork.vocabulary import AlertNotify

log = logging.getLogger(__name__)

# Programs in one message; more wait for the next pass (the message says "외 N건" past the
# channel's limit anyway, and links the full list).
MAX_PROGRAMS_PER_MESSAGE = 200
NEW = Kind.new.value  # the notice kind of a new program


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


@dataclass(frozen=True)
class Pending:
    """A message an alert has to send to one channel: what it says, the programs it covers
    (with each one's notice kind), and where its pass started looking."""

    alert_id: int
    url: str
    kind: Kind
    message: Message
    program_ids: list[int]
    notices: list[str]
    window_start: dt.datetime
    complete: bool  # False: more programs than one message takes; the rest wait


@dataclass(frozen=True)
class _Telling:
    """One thing an alert tells: the message kind and its programs with their notice kinds."""

    kind: Kind
    programs: list[tuple[Candidate, str]]
    reminder_days: int | None = None


def _what_to_tell(
    alert: Alert, matched: frozenset[int], window: Window, *, start: dt.datetime
) -> list[_Telling]:
    programs = window.programs
    tellings = []
    if AlertNotify.new in alert.notify:
        new = [programs[i] for i in matched if programs[i].first_seen_at >= start]
        tellings.append(_Telling(Kind.new, [(program, NEW) for program in new]))
    if AlertNotify.changed in alert.notify:
        changed = []
        for program_id in matched & window.changes.keys():
            latest = window.latest_change(program_id, start)
            if latest is not None:
                changed.append((programs[program_id], f"changed:{latest}"))
        tellings.append(_Telling(Kind.changed, changed))
    if AlertNotify.reminders in alert.notify:
        for days in alert.reminder_days:
            near = matched & window.deadlines.get(days, frozenset())
            notice = f"reminder:{days}"
            tellings.append(
                _Telling(Kind.reminder, [(programs[i], notice) for i in near], reminder_days=days)
            )
    return tellings


async def evaluate(
    session: AsyncSession,
    alerts: Sequence[Alert],
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    public_url: str | None,
) -> list[Pending]:
    """Every message ``alerts`` would queue now."""
    today = today_in(tz, now=now)
    searches: dict[int, matching.Search] = {}
    for alert in alerts:
        try:
            searches[alert.id] = matching.split(AlertQuery.model_validate(alert.query).filters(tz))
        except InvalidInput as exc:  # saved before a rule it breaks: the others still go out
            log.warning("alerts.query_invalid alert=%s error=%s", alert.id, exc)
    alerts = [alert for alert in alerts if alert.id in searches]
    window = await load(session, alerts, today=today)
    matched = await matching.matches(
        session, searches.values(), window.programs.keys(), today=today
    )
    told = await _told(session, alerts, window)
    found = []
    for alert in alerts:
        start = since(alert)
        feed = feed_url(public_url, alert.query)
        for telling in _what_to_tell(alert, matched[searches[alert.id]], window, start=start):
            for url in alert.channels:
                key = channel_key(url)
                untold = [
                    (program, notice)
                    for program, notice in telling.programs
                    if (alert.id, key, program.id, notice) not in told
                ]
                if untold:
                    found.append(_pending(alert, url, telling, untold, today, feed, start))
    return found


async def _told(
    session: AsyncSession, alerts: Sequence[Alert], window: Window
) -> set[tuple[int, str, int, str]]:
    """What the alerts' channels were told of the window's programs, as (alert, channel key,
    program, notice kind)."""
    told: set[tuple[int, str, int, str]] = set()
    if alerts:
        # A program first seen after a mark was told, if at all, by a message queued after it.
        earliest = min(since(alert) for alert in alerts) - LOOK_BACK
        for alert_id, url, program_ids in await outbox_repository.recent_new(session, earliest):
            key = channel_key(url)
            told.update((alert_id, key, program_id, NEW) for program_id in program_ids)
    others = sorted(window.changes.keys() | set().union(*window.deadlines.values()))
    told.update(await outbox_repository.notices_of(session, others))
    return told


def _pending(
    alert: Alert,
    url: str,
    telling: _Telling,
    untold: list[tuple[Candidate, str]],
    today: dt.date,
    feed: str | None,
    start: dt.datetime,
) -> Pending:
    untold.sort(key=lambda entry: (entry[0].first_seen_at, entry[0].id))
    taken = untold[:MAX_PROGRAMS_PER_MESSAGE]
    message = compose(
        alert.name,
        telling.kind,
        [ProgramLine(p.title, p.agency, p.apply_end, p.detail_url) for p, _notice in taken],
        today=today,
        feed_url=feed,
        reminder_days=telling.reminder_days,
        limit=channels.body_limit(url),
    )
    return Pending(
        alert_id=alert.id,
        url=url,
        kind=telling.kind,
        message=message,
        program_ids=[program.id for program, _notice in taken],
        notices=[notice for _program, notice in taken],
        window_start=start,
        complete=len(taken) == len(untold),
    )
