"""One collection run of one portal: config → source → parser → pipeline, recorded in
``scrape_runs``.

A run ends as ``succeeded`` (every item handled), ``partial`` (some items failed alone),
``failed`` (the portal's answer broke: an operator must look), or ``cancelled`` (asked to stop).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from paperwork.collectors import repository as ingest_repository
from paperwork.collectors.base import (
    CollectorError,
    CollectorSettings,
    NotConfigured,
    RawItem,
    UnknownPortal,
)
from paperwork.collectors.http_client import Politeness, PortalClient, build_http_client
from paperwork.collectors.pipeline import IngestCounts, Pipeline
from paperwork.collectors.registry import is_configured as portal_is_configured
from paperwork.collectors.registry import parser_for, portal, source_for
from paperwork.config import Settings
from paperwork.db import Database, is_database_unavailable, utcnow
from paperwork.models import ScrapingConfig
from paperwork.portals import repository as portal_repository
from paperwork.runs import repository as runs_repository
from paperwork.timeutil import start_of_day_utc, today_in
from paperwork.vocabulary import RunStatus

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    portal_id: str
    status: RunStatus
    counts: IngestCounts = field(default_factory=IngestCounts)
    run_id: int | None = None
    error: str | None = None


def is_configured(portal_id: str, settings: Settings) -> bool:
    """Whether the portal exists and can be collected with these settings (the scheduler
    skips it otherwise)."""
    return portal_is_configured(portal_id, CollectorSettings.from_settings(settings))


async def load_config(database: Database, portal_id: str) -> ScrapingConfig:
    """The portal's scraping config; ``UnknownPortal`` (a collection error) without one."""
    async with database.session_scope() as session:
        config = await portal_repository.get_config(session, portal_id)
    if config is None:
        raise UnknownPortal(portal_id)
    return config


async def remaining_today(database: Database, config: ScrapingConfig, settings: Settings) -> int:
    """How many items the portal's ``daily_limit`` still allows today (Asia/Seoul)."""
    since = start_of_day_utc(today_in(settings.tz), settings.tz)
    async with database.session_scope() as session:
        fetched = await ingest_repository.fetched_since(session, config.portal_id, since)
    return max(0, config.daily_limit - fetched)


class PortalRun:
    """Runs one portal once. ``stop`` (an Event) ends it between items as ``cancelled``."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        portal_id: str,
        *,
        trigger: str,
        max_items: int | None = None,
        dry_run: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        stop: asyncio.Event | None = None,
        on_progress: Callable[[IngestCounts], None] | None = None,
        run_id: int | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.database = database
        self.settings = settings
        self.portal_id = portal_id
        self.trigger = trigger
        self.max_items = max_items
        self.dry_run = dry_run
        self.transport = transport
        self.stop = stop or asyncio.Event()
        self.on_progress = on_progress
        self.run_id = run_id  # a row the caller already created (the runs API answers with it)
        self.sleep = sleep  # politeness pauses and backoff; tests pass a recording fake
        self.collector_settings = CollectorSettings.from_settings(settings)

    async def execute(self) -> RunResult:
        config = await load_config(self.database, self.portal_id)
        try:
            portal(self.portal_id).check_configured(self.collector_settings)
        except NotConfigured as exc:
            log.warning("scrape.skipped portal=%s reason=%s", self.portal_id, exc)
            return await self._skip(str(exc))
        budget = await remaining_today(self.database, config, self.settings)
        if budget <= 0:
            return await self._skip(f"daily limit of {config.daily_limit} items reached today")
        limit = budget if self.max_items is None else min(budget, self.max_items)
        if self.run_id is None and not self.dry_run:
            self.run_id = await start_run(self.database, self.portal_id, self.trigger)
        result = RunResult(self.portal_id, RunStatus.running, run_id=self.run_id)
        log.info("scrape.run.started portal=%s run=%s limit=%d", self.portal_id, self.run_id, limit)
        try:
            await self._collect(config, limit, result)
        except asyncio.CancelledError:
            # Cut while waiting on the portal (SIGTERM's grace ran out): close the run, then go.
            result.status = RunStatus.cancelled
            if not self.dry_run:
                await finish_run(self.database, result)
            raise
        except CollectorError as exc:
            result.status, result.error = RunStatus.failed, str(exc)
        except Exception as exc:
            if is_database_unavailable(exc):
                # The database went away mid-run (a restart, an outage): what was written
                # stays, the next run collects the rest; recorded once the database is back.
                log.warning(
                    "scrape.run.database_lost portal=%s run=%s", self.portal_id, self.run_id
                )
                error = f"the database became unreachable during the run ({type(exc).__name__})"
            else:  # a bug must still end the run as failed, with a reason
                log.exception("scrape.run.crashed portal=%s", self.portal_id)
                error = f"internal error: {type(exc).__name__}: {exc}"
            result.status, result.error = RunStatus.failed, error
        else:
            if self.stop.is_set():
                result.status = RunStatus.cancelled
            else:
                result.status = RunStatus.partial if result.counts.errors else RunStatus.succeeded
        if not self.dry_run:
            await finish_run_when_possible(self.database, result, sleep=self.sleep)
        log.info(
            "scrape.run.finished portal=%s run=%s status=%s error=%s %s",
            self.portal_id,
            self.run_id,
            result.status,
            result.error,
            " ".join(f"{k}={v}" for k, v in result.counts.as_dict().items()),
        )
        return result

    async def _skip(self, reason: str) -> RunResult:
        if self.run_id is not None:  # the caller promised a run: close it, say why
            result = RunResult(self.portal_id, RunStatus.skipped, run_id=self.run_id, error=reason)
            await finish_run(self.database, result)
            return result
        return RunResult(self.portal_id, RunStatus.skipped, error=reason)

    async def _collect(self, config: ScrapingConfig, limit: int, result: RunResult) -> None:
        politeness = Politeness(
            delay_min=float(config.random_delay_min),
            delay_max=float(config.random_delay_max),
            auto_retry=config.auto_retry,
            max_retries=config.max_retries,
            timeout=self.settings.keys.timeout_seconds,
        )
        tz = self.settings.tz
        async with build_http_client(timeout=politeness.timeout, transport=self.transport) as http:
            fetcher = PortalClient(http, politeness, sleep=self.sleep)
            # Built once for the run: the source pages through the portal, the parser (pure)
            # normalises what it yields.
            source = source_for(self.portal_id, fetcher, self.collector_settings)
            parser = parser_for(self.portal_id, self.collector_settings)
            pipeline = Pipeline(
                self.database,
                portal_id=self.portal_id,
                normalize=parser.normalize,
                quality_threshold=float(config.quality_threshold),
                today=lambda: today_in(tz),
                run_id=self.run_id,
                dry_run=self.dry_run,
            )
            async for item in source.fetch(max_items=limit):
                await self._ingest(pipeline, item, result)
                if self.stop.is_set():
                    break

    async def _ingest(self, pipeline: Pipeline, item: RawItem, result: RunResult) -> None:
        # Shielded: a stop arriving mid-write lets the item finish, so nothing is half-written.
        ingest = asyncio.ensure_future(pipeline.ingest([item]))
        try:
            counts = await asyncio.shield(ingest)
        except asyncio.CancelledError:
            result.counts.add(await ingest)
            raise
        result.counts.add(counts)
        if not self.dry_run:
            # Counts kept current: the daily limit and the runs API see a crashed run's work.
            await record_counts(self.database, self.run_id, result.counts)
        if self.on_progress is not None:
            self.on_progress(result.counts)


async def start_run(
    database: Database, portal_id: str, trigger: str, *, now: dt.datetime | None = None
) -> int:
    """A ``running`` row, started ``now`` (the scheduler's clock; the real time by default)."""
    async with database.session_scope() as session:
        return await runs_repository.start_run(
            session, portal_id=portal_id, trigger=trigger, now=now or utcnow()
        )


async def record_counts(database: Database, run_id: int | None, counts: IngestCounts) -> None:
    if run_id is None:
        return
    async with database.session_scope() as session:
        await runs_repository.record_counts(session, run_id, counts.as_dict())


# How long a run that lost its database keeps trying to record its end: a restart takes
# seconds; past this the run is left to the lease (the next claimant marks it abandoned).
FINISH_RETRY_SECONDS = 60.0
FINISH_RETRY_PAUSE = 1.0


async def finish_run_when_possible(
    database: Database,
    result: RunResult,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    retry_seconds: float = FINISH_RETRY_SECONDS,
) -> None:
    """``finish_run``, retried while the database is unreachable: a run cut by an outage is
    recorded ``failed`` when the database is back, not left ``running`` for ever. The
    attempts are counted, not timed, so a test's ``sleep`` decides how long they take."""
    attempts = max(1, int(retry_seconds / FINISH_RETRY_PAUSE))
    for attempt in range(1, attempts + 1):
        try:
            await finish_run(database, result)
            return
        except Exception as exc:
            if not is_database_unavailable(exc) or attempt == attempts:
                raise
            log.warning(
                "scrape.run.finish_retry portal=%s run=%s attempt=%d error=%s",
                result.portal_id,
                result.run_id,
                attempt,
                type(exc).__name__,
            )
        await sleep(FINISH_RETRY_PAUSE)


async def finish_run(database: Database, result: RunResult) -> None:
    """Close the run row and keep the portal's failure streak (the scheduler backs off on it):
    a failed run adds to it, a run that stored its items ends it, a skipped or cancelled run
    says nothing about the portal and leaves it."""
    async with database.session_scope() as session:
        if result.run_id is not None:
            await runs_repository.finish_run(
                session,
                result.run_id,
                status=result.status,
                error=result.error,
                counts=result.counts.as_dict(),
                now=utcnow(),
            )
        if result.status == RunStatus.failed:
            await runs_repository.note_failure(session, result.portal_id, error=result.error)
        elif result.status in (RunStatus.succeeded, RunStatus.partial):
            await runs_repository.clear_failures(session, result.portal_id)
