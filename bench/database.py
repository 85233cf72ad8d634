"""The benchmark's own database: created on a PostgreSQL server, migrated, filled through the
project's bulk ingest path (``collectors.importer.ingest_items``, the same code a ``paperwork
import`` runs), and dropped afterwards."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from bench import synthetic
from paperwork.collectors.importer import ingest_items
from paperwork.collectors.runner import RunResult, finish_run, start_run
from paperwork.config import Settings, normalize_database_url
from paperwork.db import Database
from paperwork.models import SupportProgram
from paperwork.vocabulary import RunStatus

ENV_SERVER_URL = "PAPERWORK_BENCH_DATABASE_URL"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Items per ingest_items call: each call is one recorded run, so a 100k load leaves ~20 runs per
# portal, interleaved in time the way scheduled runs of three portals are.
RUN_SIZE = 5_000
# Far above any generated index, so the run-status items never touch a benchmark program.
STATUS_ITEMS_FIRST_INDEX = 50_000_000


def server_url() -> str:
    """The server to create the database on (any database of it works as the admin one)."""
    return normalize_database_url(os.environ.get(ENV_SERVER_URL) or DEFAULT_SERVER_URL)


async def _autocommit(url: str, statement: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE and VACUUM refuse one)."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def create_database(admin_url: str) -> str:
    """Create ``paperwork_bench_<random>``; returns its URL (async driver)."""
    name = f"paperwork_bench_{uuid.uuid4().hex[:10]}"
    await _autocommit(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    # FORCE: a server killed mid-request may leave connections behind; the drop must not wait.
    await _autocommit(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def vacuum_analyze(database_url: str) -> None:
    """What autovacuum would do within a minute of a bulk load, done now: without it the first
    targets would be measured on plans made for an empty table, the later ones not."""
    await _autocommit(database_url, "VACUUM (ANALYZE)")


async def move_data_version(database_url: str) -> None:
    """What every write to the served tables does: move ``data_version``, so every answer the
    server processes keep (``paperwork.cache``) is stale and computed again when next asked."""
    await _autocommit(database_url, "UPDATE data_version SET version = version + 1 WHERE id = 1")


@dataclass
class IngestResult:
    items: int  # raw items put through the pipeline (rejects included)
    stored: int  # programs in support_programs afterwards
    rejected: int
    runs: int
    seconds: float

    @property
    def rate(self) -> float:
        """Stored programs per second of ingest."""
        return self.stored / self.seconds if self.seconds > 0 else 0.0


async def _seed_run_statuses(database: Database, settings: Settings) -> int:
    """A few finished runs of every status per portal, so ``scraping_status`` (last status,
    failures today) aggregates something real. Run before the load: the load's succeeded runs
    then reset each portal's failure streak, so no portal is left backing off or degraded."""
    runs = 0
    for portal in synthetic.PORTALS:
        for status, error in (
            (
                RunStatus.failed,
                f"{portal}: the API refused the request: 존재하지 않는 인증키 입니다.",
            ),
            (RunStatus.cancelled, None),
            (RunStatus.abandoned, "lease expired: the process running it stopped"),
        ):
            run_id = await start_run(database, portal, "schedule")
            await finish_run(database, RunResult(portal, status, run_id=run_id, error=error))
            runs += 1
        # A real partial run: items without a title fail alone through the pipeline.
        items = synthetic.broken(portal, 3, first_index=STATUS_ITEMS_FIRST_INDEX)
        await ingest_items(database, settings, portal, items, trigger="schedule")
        runs += 1
    return runs


def run_plan(programs: int) -> list[tuple[str, int, int]]:
    """(portal, first index, good items) per run, the portals taking turns. A run's rejects
    take ids too: the next run numbers on after them, so no id is generated twice."""
    queues: dict[str, list[tuple[str, int, int]]] = {}
    for portal, count in synthetic.portal_counts(programs).items():
        queue, index = [], 0
        for start in range(0, count, RUN_SIZE):
            good = min(RUN_SIZE, count - start)
            queue.append((portal, index, good))
            index += synthetic.items_for(good)
        queues[portal] = queue
    order: list[tuple[str, int, int]] = []
    while any(queues.values()):
        for portal in synthetic.PORTALS:
            if queues[portal]:
                order.append(queues[portal].pop(0))
    return order


async def load(
    database_url: str,
    settings: Settings,
    *,
    programs: int,
    seed: int,
    today: dt.date,
    batch_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Fill the database with ``programs`` stored programs; only ``ingest_items`` is timed
    (generating the payloads is the portal's work, not ours)."""
    database = Database(database_url, pool_size=2)
    try:
        runs = await _seed_run_statuses(database, settings)
        items = rejected = 0
        elapsed = 0.0
        for portal, first, good in run_plan(programs):
            batch = synthetic.generate(portal, good, seed=seed, today=today, first_index=first)
            started = time.perf_counter()
            result = await ingest_items(
                database, settings, portal, batch, trigger="import", batch_size=batch_size
            )
            elapsed += time.perf_counter() - started
            if result.status != "succeeded":
                raise RuntimeError(f"ingest of {portal} ended {result.status}: {result.error}")
            items += result.counts.fetched
            rejected += result.counts.rejected
            runs += 1
            if progress is not None:
                progress(items, programs)
        async with database.session_scope() as session:
            stored = await _count_programs(session)
        return IngestResult(items, stored, rejected, runs, elapsed)
    finally:
        await database.dispose()


async def _count_programs(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(SupportProgram)) or 0)


async def middle_program_id(database_url: str) -> int:
    """An existing program for the detail target: the median id, neither hot nor cold."""
    database = Database(database_url, pool_size=1)
    try:
        async with database.session_scope() as session:
            count = await _count_programs(session)
            found = await session.scalar(
                select(SupportProgram.id).order_by(SupportProgram.id).offset(count // 2).limit(1)
            )
            if found is None:
                raise RuntimeError("no program was stored: the ingest produced nothing")
            return int(found)
    finally:
        await database.dispose()


async def server_version(database_url: str) -> str:
    database = Database(database_url, pool_size=1)
    try:
        async with database.engine.connect() as conn:
            return str(await conn.scalar(text("SHOW server_version"))).split()[0]
    finally:
        await database.dispose()
