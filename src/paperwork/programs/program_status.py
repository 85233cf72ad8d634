"""A program's status from its parsed application period and today (Asia/Seoul), never from the
portal's status text. ``v1_repository.status_condition`` is the same rule in SQL, for the filter;
the two are kept side by side in meaning and tested through the API."""

from __future__ import annotations

import datetime as dt

from paperwork.vocabulary import ROLLING_PERIOD_KINDS, ProgramStatus


def program_status(
    start: dt.date | None, end: dt.date | None, kind: str, today: dt.date
) -> ProgramStatus:
    """A deadline decides first; without one a future start is upcoming, and a rolling or
    until-budget program is rolling."""
    if end is not None:
        if end < today:
            return ProgramStatus.closed
        if start is not None and start > today:
            return ProgramStatus.upcoming
        return ProgramStatus.open
    if start is not None and start > today:
        return ProgramStatus.upcoming
    return ProgramStatus.rolling if kind in ROLLING_PERIOD_KINDS else ProgramStatus.unknown


def d_day(end: dt.date | None, today: dt.date) -> int | None:
    """Days from today to the deadline: 0 on the last day, negative once closed."""
    return (end - today).days if end is not None else None
