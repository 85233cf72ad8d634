"""Shapes of the runs API (``/api/v1/runs``), built from ``scrape_runs`` rows."""

from __future__ import annotations

from pydantic import BaseModel

from paperwork.envelope import iso
from paperwork.models import ScrapeRun
from paperwork.vocabulary import RunStatus, RunTrigger


class RunRead(BaseModel):
    id: int
    portal_id: str
    trigger: RunTrigger
    status: RunStatus
    started_at: str
    finished_at: str | None
    duration_seconds: float | None
    fetched: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    errors: int
    error: str | None

    @classmethod
    def from_row(cls, run: ScrapeRun) -> RunRead:
        duration = (
            round((run.finished_at - run.started_at).total_seconds(), 3)
            if run.finished_at is not None
            else None
        )
        return cls(
            id=run.id,
            portal_id=run.portal_id,
            trigger=RunTrigger(run.trigger),
            status=RunStatus(run.status),
            started_at=iso(run.started_at) or "",
            finished_at=iso(run.finished_at),
            duration_seconds=duration,
            fetched=run.fetched,
            new=run.new,
            updated=run.updated,
            unchanged=run.unchanged,
            rejected=run.rejected,
            errors=run.errors,
            error=run.error,
        )


class RunPage(BaseModel):
    items: list[RunRead]
    total: int
    limit: int
    offset: int


class RunStarted(BaseModel):
    run_id: int
    portal_id: str
    status: RunStatus
