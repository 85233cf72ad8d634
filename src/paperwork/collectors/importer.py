"""``paperwork import``: a saved portal answer (bizinfo/kstartup JSON, mss XML) through the same
pipeline as a live run, in batches — how a new user loads data without keys.

A batch is the unit of an import: its raw rows and programs are written, then the run's counts,
before the next one starts. Asked to stop (``stop``, set by ``paperwork import`` on SIGTERM or
Ctrl-C), the import ends between two batches as ``cancelled``: what it stored is a whole number
of batches, the run says how many items, and the same import run again completes it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing

from paperwork.collectors.base import CollectorSettings, Parser, RawItem
from paperwork.collectors.pipeline import IngestCounts, Pipeline
from paperwork.collectors.prepare import Prepared
from paperwork.collectors.prepare_pool import prepared_batches
from paperwork.collectors.registry import parser_for
from paperwork.collectors.runner import (
    RunResult,
    finish_run,
    load_config,
    record_counts,
    start_run,
)
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.timeutil import today_in
from paperwork.vocabulary import RunStatus, RunTrigger

log = logging.getLogger(__name__)

BATCH_SIZE = 500


def parse_saved(portal_id: str, settings: Settings, body: bytes) -> list[RawItem]:
    """The items of a saved answer; a file that is not one raises ``StructuralError``, a portal
    id that is not one ``UnknownPortal``."""
    return parser_for(portal_id, CollectorSettings.from_settings(settings)).parse_saved(body)


async def ingest_items(
    database: Database,
    settings: Settings,
    portal_id: str,
    items: Sequence[RawItem],
    *,
    trigger: str = RunTrigger.import_,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[IngestCounts], None] | None = None,
    stop: asyncio.Event | None = None,
) -> RunResult:
    """Bulk ingest ``items`` as one recorded run (the bulk path imports and the benchmark use);
    ``stop`` set ends it after the batch being written, as ``cancelled``."""
    config = await load_config(database, portal_id)
    parser = parser_for(portal_id, CollectorSettings.from_settings(settings))
    run_id = await start_run(database, portal_id, trigger)
    tz = settings.tz
    pipeline = Pipeline(
        database,
        portal_id=portal_id,
        normalize=parser.normalize,
        quality_threshold=float(config.quality_threshold),
        today=lambda: today_in(tz),
        run_id=run_id,
    )
    result = RunResult(portal_id, RunStatus.running, run_id=run_id)
    batches = [items[start : start + batch_size] for start in range(0, len(items), batch_size)]
    try:
        # Closed on the way out, not left to the garbage collector: a stop ends it at once.
        async with aclosing(_prepared(pipeline, parser, batches)) as ready:
            async for prepared in ready:
                if stop is not None and stop.is_set():
                    break
                result.counts.add(await pipeline.save(prepared))
                await record_counts(database, run_id, result.counts)
                if on_progress is not None:
                    on_progress(result.counts)
    except Exception as exc:
        log.exception("import.failed portal=%s", portal_id)
        result.status, result.error = RunStatus.failed, f"{type(exc).__name__}: {exc}"
    else:
        if stop is not None and stop.is_set() and result.counts.fetched < len(items):
            result.status = RunStatus.cancelled
            result.error = (
                f"stopped after {result.counts.fetched} of {len(items)} items "
                "(whole batches); the same import again completes it"
            )
            log.warning("import.cancelled portal=%s run=%s", portal_id, run_id)
        else:
            result.status = RunStatus.partial if result.counts.errors else RunStatus.succeeded
    await finish_run(database, result)
    return result


async def _prepared(
    pipeline: Pipeline, parser: Parser, batches: Sequence[Sequence[RawItem]]
) -> AsyncGenerator[list[Prepared], None]:
    """One batch is prepared here; more are prepared in the worker process, ahead of the
    writes (``prepare_pool``)."""
    if len(batches) <= 1:
        for batch in batches:
            yield pipeline.prepare(batch)
        return
    async for prepared in prepared_batches(
        parser,
        batches,
        today=pipeline.today(),
        threshold=pipeline.quality_threshold,
        dialect=pipeline.database.dialect,
    ):
        yield prepared
