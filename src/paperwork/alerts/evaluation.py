"""What a set of alerts would send now, channel by channel, without writing anything: the pass
(``delivery.queue_due``) queues it, the preview shows it.

For each alert, each thing it tells — new programs (first seen since its mark), changed ones (a
deadline, period or portal status change since then and since the channel last heard of the
program) and each reminder offset (programs still open whose deadline is that many days away) —
and each of its channels: the programs its saved search matches that this channel was not told
of as that, in the order they were stored (first seen first), in one message. What was told is read
once for all the alerts from the outbox itself: the recent messages not given up. A program is
new once; a reminder offset comes once per deadline (a message queued today at D-3 told the
programs whose deadline is still three days away; a moved deadline gets its own reminders).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.alerts import channels, matching, outbox_repository
from paperwork.alerts.messages import Kind, Message, ProgramLine, compose, message_title
from paperwork.alerts.v1_schemas import AlertQuery
from paperwork.alerts.window import LOOK_BACK, Candidate, Window, load, since
from paperwork.errors import InvalidInput
from paperwork.models import Alert
from paperwork.timeutil import start_of_day_utc, today_in
from paperwork.vocabulary import AlertNotify

log = logging.getLogger(__name__)

# Programs in one message; more wait for the next pass (the message says "외 N건" past the
# channel's limit anyway, and links the full list).
MAX_PROGRAMS_PER_MESSAGE = 200

# What each channel of each alert was told of the window's programs, and when last:
# (alert, channel, telling) → program → time. A telling is "new", "changed" or "reminder:<d>".
Told = dict[tuple[int, str, str], dict[int, dt.datetime]]


def _told_key(kind: str, reminder_days: int | None) -> str:
    """How ``Told`` names a telling (only a reminder has an offset)."""
    return kind if reminder_days is None else f"reminder:{reminder_days}"


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
    """A message an alert has to send to one channel: its title, the programs it covers, and
    where its pass started looking (its body is rendered when sent: ``render``)."""

    alert_id: int
    url: str
    kind: Kind
    title: str
    programs: list[Candidate]
    reminder_days: int | None
    window_start: dt.datetime
    complete: bool  # False: more programs than one message takes; the rest wait

    @property
    def program_ids(self) -> list[int]:
        return [program.id for program in self.programs]


@dataclass(frozen=True)
class _Telling:
    """One thing an alert tells: its kind and the programs, each with the time a channel must
    have heard of it since (a change's; None: ever)."""

    kind: Kind
    programs: list[tuple[Candidate, dt.datetime | None]]
    reminder_days: int | None = None

    @property
    def key(self) -> str:
        return _told_key(self.kind.value, self.reminder_days)

    def untold(self, told: dict[int, dt.datetime]) -> list[Candidate]:
        if not told:
            return [program for program, _since in self.programs]
        return [
            program
            for program, since in self.programs
            if (last := told.get(program.id)) is None or (since is not None and last < since)
        ]


@dataclass(frozen=True)
class _Subsets:
    """The window's programs by what they could be told as, as masks of ``matching.Programs``."""

    programs: matching.Programs
    window: Window
    changed: int
    deadlines: dict[int, int]
    _new: dict[dt.datetime, int]

    @classmethod
    def of(cls, window: Window, programs: matching.Programs) -> _Subsets:
        deadlines = {day: programs.mask(ids) for day, ids in window.deadlines.items()}
        return cls(programs, window, programs.mask(window.changes), deadlines, {})

    def new(self, start: dt.datetime) -> int:
        """The programs first seen at or after ``start`` (alerts share a few starts)."""
        if start not in self._new:
            firsts = self.window.programs.values()
            self._new[start] = self.programs.mask(p.id for p in firsts if p.first_seen_at >= start)
        return self._new[start]


def _what_to_tell(
    alert: Alert, matched: int, subsets: _Subsets, *, start: dt.datetime
) -> list[_Telling]:
    window, members = subsets.window, subsets.programs.members
    programs = window.programs
    tellings = []
    if AlertNotify.new in alert.notify:
        new = members(matched & subsets.new(start))
        tellings.append(_Telling(Kind.new, [(programs[i], None) for i in new]))
    if AlertNotify.changed in alert.notify:
        changed: list[tuple[Candidate, dt.datetime | None]] = []
        for program_id in members(matched & subsets.changed):
            latest = window.latest_change(program_id, start)
            if latest is not None:
                changed.append((programs[program_id], latest))
        tellings.append(_Telling(Kind.changed, changed))
    if AlertNotify.reminders in alert.notify:
        for days in alert.reminder_days:
            near = members(matched & subsets.deadlines.get(days, 0))
            tellings.append(
                _Telling(Kind.reminder, [(programs[i], None) for i in near], reminder_days=days)
            )
    return tellings


async def evaluate(
    session: AsyncSession,
    alerts: Sequence[Alert],
    *,
    now: dt.datetime,
    tz: ZoneInfo,
) -> list[Pending]:
    """Every message ``alerts`` would queue now."""
    today = today_in(tz, now=now)
    searches: dict[int, matching.Search] = {}
    by_text: dict[str, matching.Search] = {}  # alerts share searches
    for alert in alerts:
        text = json.dumps(alert.query, sort_keys=True)
        try:
            if text not in by_text:
                by_text[text] = matching.split(AlertQuery.model_validate(alert.query).filters(tz))
            searches[alert.id] = by_text[text]
        except InvalidInput as exc:  # saved before a rule it breaks: the others still go out
            log.warning("alerts.query_invalid alert=%s error=%s", alert.id, exc)
    alerts = [alert for alert in alerts if alert.id in searches]
    window = await load(session, alerts, today=today)
    found = await matching.matches(session, searches.values(), window.programs, today=today)
    subsets = _Subsets.of(window, found.programs)
    told = await _told(session, alerts, window, today_starts=start_of_day_utc(today, tz))
    pending = []
    for alert in alerts:
        start = since(alert)
        matched = found.masks[searches[alert.id]]
        for telling in _what_to_tell(alert, matched, subsets, start=start):
            for url in alert.channels:
                untold = telling.untold(told.get((alert.id, url, telling.key), {}))
                if untold:
                    pending.append(_pending(alert, url, telling, untold, start))
    return pending


async def _told(
    session: AsyncSession, alerts: Sequence[Alert], window: Window, *, today_starts: dt.datetime
) -> Told:
    told: Told = {}
    if not alerts:
        return told
    # A program first seen (or changed) after a mark was told, if at all, by a message queued
    # after it; a reminder of today's offsets, by a message queued today.
    since_earliest = min(since(alert) for alert in alerts) - LOOK_BACK
    rows = await outbox_repository.recent_messages(
        session, since=since_earliest, reminders_since=today_starts
    )
    for alert_id, url, kind, days, program_ids, queued_at in rows:
        heard = told.setdefault((alert_id, url, _told_key(kind, days)), {})
        for program_id in program_ids:
            if program_id in window.programs and heard.get(program_id, queued_at) <= queued_at:
                heard[program_id] = queued_at
    return told


def _pending(
    alert: Alert, url: str, telling: _Telling, untold: list[Candidate], start: dt.datetime
) -> Pending:
    taken = untold[:MAX_PROGRAMS_PER_MESSAGE]
    return Pending(
        alert_id=alert.id,
        url=url,
        kind=telling.kind,
        title=message_title(
            alert.name, telling.kind, len(taken), reminder_days=telling.reminder_days
        ),
        programs=taken,
        reminder_days=telling.reminder_days,
        window_start=start,
        complete=len(taken) == len(untold),
    )


def render(
    alert: Alert,
    url: str,
    kind: Kind,
    programs: Sequence[ProgramLine],
    *,
    reminder_days: int | None,
    today: dt.date,
    public_url: str | None,
) -> Message:
    """A message's body for one channel, cut to the channel's limit."""
    return compose(
        alert.name,
        kind,
        programs,
        today=today,
        feed_url=feed_url(public_url, alert.query),
        reminder_days=reminder_days,
        limit=channels.body_limit(url),
    )


def line(program: Candidate) -> ProgramLine:
    return ProgramLine(program.title, program.agency, program.apply_end, program.detail_url)
