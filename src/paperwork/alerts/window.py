"""The programs an alerts pass may tell of, read once for all the alerts it evaluates: those
first seen since the earliest alert's mark (new), those whose deadline, period or status changed
since then (changed), and those still open whose deadline is one of the alerts' reminder days
away (reminders)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import IDS_PER_STATEMENT
from paperwork.models import Alert, ProgramChange, SupportProgram
from paperwork.programs import v1_repository
from paperwork.vocabulary import AlertNotify, ProgramStatus

SP = SupportProgram

# What a "changed" message is about: the deadline or period moved, the portal's status changed.
CHANGE_FIELDS = (
    "apply_start",
    "apply_end",
    "application_period",
    "period_kind",
    "application_status",
)
# How far back each pass looks again for programs first seen (and changes made): a collection
# run's batch may commit a little after the time it stamps, and must not fall behind the mark.
LOOK_BACK = dt.timedelta(minutes=10)


def since(alert: Alert) -> dt.datetime:
    """Where a pass starts looking at the alert's new programs and changes: what came before
    was looked at already (``checked_until``), and nothing before it became active counts."""
    if alert.checked_until is None:
        return alert.active_since
    return max(alert.active_since, alert.checked_until)


@dataclass(frozen=True)
class Candidate:
    """What a message says of a program, and when it was first seen."""

    id: int
    title: str
    agency: str | None
    apply_end: dt.date | None
    detail_url: str | None
    first_seen_at: dt.datetime


@dataclass
class Window:
    programs: dict[int, Candidate] = field(default_factory=dict)
    # Per program: when a CHANGE_FIELDS field of it changed.
    changes: dict[int, list[dt.datetime]] = field(default_factory=dict)
    # Per reminder offset (days): the programs still open whose deadline is that far away.
    deadlines: dict[int, frozenset[int]] = field(default_factory=dict)

    def latest_change(self, program_id: int, after: dt.datetime) -> dt.datetime | None:
        """When the program last changed, if that was at or after ``after``."""
        latest = max(self.changes.get(program_id, ()), default=None)
        return latest if latest is not None and latest >= after else None


_COLUMNS = (
    SP.id,
    SP.title,
    SP.implementing_agency,
    SP.apply_end,
    SP.detail_url,
    SP.first_seen_at,
)


async def load(session: AsyncSession, alerts: Sequence[Alert], *, today: dt.date) -> Window:
    """What ``alerts`` may tell of today."""
    window = Window()

    def wanting(notify: AlertNotify) -> list[Alert]:
        return [alert for alert in alerts if notify in alert.notify]

    if new := wanting(AlertNotify.new):
        earliest = min(since(alert) for alert in new)
        await _add(session, window, SP.first_seen_at >= earliest)
    if changed := wanting(AlertNotify.changed):
        earliest = min(since(alert) for alert in changed)
        statement = select(ProgramChange.program_id, ProgramChange.changed_at)
        statement = statement.where(
            ProgramChange.field.in_(CHANGE_FIELDS), ProgramChange.changed_at >= earliest
        )
        changes = defaultdict(list)
        for program_id, changed_at in await session.execute(statement):
            changes[program_id].append(changed_at)
        window.changes = dict(changes)
    if reminding := wanting(AlertNotify.reminders):
        days = {day for alert in reminding for day in alert.reminder_days}
        dates = {today + dt.timedelta(days=day): day for day in days}
        open_now = v1_repository.status_condition(ProgramStatus.open, today)
        found = await _add(session, window, open_now, SP.apply_end.in_(dates))
        by_day: dict[int, set[int]] = {day: set() for day in days}
        for candidate in found:
            if candidate.apply_end is not None:
                by_day[dates[candidate.apply_end]].add(candidate.id)
        window.deadlines = {day: frozenset(ids) for day, ids in by_day.items()}
    missing = sorted(window.changes.keys() - window.programs.keys())
    for start in range(0, len(missing), IDS_PER_STATEMENT):
        await _add(session, window, SP.id.in_(missing[start : start + IDS_PER_STATEMENT]))
    return window


async def _add(
    session: AsyncSession, window: Window, *where: ColumnElement[bool]
) -> list[Candidate]:
    result = await session.execute(select(*_COLUMNS).where(*where))
    found = [Candidate(*row) for row in result]
    window.programs.update((candidate.id, candidate) for candidate in found)
    return found
