"""``paperwork import`` asked to stop (SIGTERM, Ctrl-C): it ends between two batches, every
batch fully in or not at all, its run ``cancelled`` with the counts of what it stored; the same
import again completes the load without a duplicate."""

from __future__ import annotations

import asyncio
from importlib import resources
from typing import Any

from sqlalchemy import func, select

from paperwork.collectors.importer import ingest_items, parse_saved
from paperwork.collectors.pipeline import IngestCounts
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import RawScrapedData, ScrapeRun, SupportProgram

BATCH = 5


async def scalar(db: Database, statement: Any) -> Any:
    async with db.session_scope() as session:
        return await session.scalar(statement)


async def test_a_stopped_import_keeps_whole_batches_and_a_second_one_completes_it(
    db: Database, settings: Settings
) -> None:
    body = (resources.files("paperwork") / "samples" / "bizinfo.json").read_bytes()
    items = parse_saved("bizinfo", settings, body)
    assert len(items) == 14  # three batches of five (the last one short)
    stop = asyncio.Event()

    def stop_after_the_first_batch(_counts: IngestCounts) -> None:
        stop.set()  # as the signal handler does, while the next batch is on its way

    cut = await ingest_items(
        db, settings, "bizinfo", items, batch_size=BATCH, stop=stop,
        on_progress=stop_after_the_first_batch,
    )  # fmt: skip
    assert cut.status == "cancelled"
    assert cut.error is not None and "5 of 14" in cut.error
    assert cut.counts.fetched == BATCH
    run = await scalar(db, select(ScrapeRun).where(ScrapeRun.id == cut.run_id))
    assert (run.status, run.fetched, run.new) == ("cancelled", BATCH, cut.counts.new)
    assert run.finished_at is not None
    # Exactly the first batch: its raw rows and its programs, nothing of the next one.
    raw = await scalar(db, select(func.count()).select_from(RawScrapedData))
    programs = await scalar(db, select(func.count()).select_from(SupportProgram))
    assert raw == BATCH and programs == cut.counts.new

    again = await ingest_items(db, settings, "bizinfo", items, batch_size=BATCH)
    assert again.status == "succeeded"
    assert again.counts.new == 12 - cut.counts.new and again.counts.updated == 0
    stored = await scalar(db, select(func.count()).select_from(SupportProgram))
    distinct = await scalar(db, select(func.count(func.distinct(SupportProgram.external_id))))
    assert stored == distinct == 12
