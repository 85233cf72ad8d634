"""What the suite reads and sets in its own database: the portals' schedule, the seeded
programs the load asks for, and the figures the scenarios assert on (runs, leases, raw rows,
programs). The suite is a harness, not the app: plain statements over a short-lived engine."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select, update

from bench import synthetic
from chaos.portal import SEED
from paperwork.collectors.importer import ingest_items
from paperwork.config import Settings, normalize_database_url
from paperwork.db import IDS_PER_STATEMENT, Database
from paperwork.models import PortalState, RawScrapedData, ScrapeRun, ScrapingConfig, SupportProgram
from paperwork.timeutil import SEOUL, today_in
from paperwork.vocabulary import RunTrigger

T = TypeVar("T")
SEED_FIRST_INDEX = 0  # the seeded programs' ids; every scenario's own items start far above


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


async def with_database(url: str, job: Any) -> Any:
    database = Database(normalize_database_url(url), pool_size=1)
    try:
        async with database.session_scope() as session:
            return await job(session)
    finally:
        await database.dispose()


async def prepare_portals(url: str) -> None:
    """Only bizinfo collects (from the local portal), at no pause, without a daily cap or a
    time window; it starts paused: a scenario turns its schedule on."""

    async def job(session: Any) -> None:
        await session.execute(update(ScrapingConfig).values(is_enabled=False))
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(
                start_time=None, end_time=None, weekdays_only=False, random_delay_min=0,
                random_delay_max=0, daily_limit=10_000_000, interval_hours=24,
                interval_minutes=0, auto_retry=True, max_retries=1,
            )
        )  # fmt: skip

    await with_database(url, job)


async def schedule_bizinfo(url: str, *, enabled: bool, minutes: int = 24 * 60) -> None:
    """bizinfo's schedule on (every ``minutes``) or off."""

    async def job(session: Any) -> None:
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(is_enabled=enabled, interval_hours=minutes // 60, interval_minutes=minutes % 60)
        )

    await with_database(url, job)


async def pause_collection(url: str) -> None:
    await schedule_bizinfo(url, enabled=False)


async def seed_programs(url: str, count: int) -> None:
    """``count`` programs for the load to list, search and open, through the real ingest."""
    settings = Settings(_env_file=None, database_url=url, scheduler=False)
    items = synthetic.generate(
        "bizinfo", count, seed=SEED, today=today_in(SEOUL), first_index=SEED_FIRST_INDEX
    )
    database = Database(settings.database_url, pool_size=2)
    try:
        # One batch: prepared in this process (no second process to spawn for a small load).
        await ingest_items(
            database, settings, "bizinfo", items, trigger=RunTrigger.import_,
            batch_size=len(items),
        )  # fmt: skip
    finally:
        await database.dispose()


async def program_ids(url: str, limit: int) -> list[int]:
    async def job(session: Any) -> list[int]:
        rows = await session.scalars(select(SupportProgram.id).order_by(SupportProgram.id))
        return list(rows.all())[:limit]

    result: list[int] = await with_database(url, job)
    return result


@dataclass(frozen=True)
class Run:
    id: int
    status: str
    trigger: str
    fetched: int
    new: int
    error: str | None


async def runs_after(url: str, after_id: int, portal_id: str = "bizinfo") -> list[Run]:
    """The portal's runs with an id above ``after_id``, oldest first."""

    async def job(session: Any) -> list[Run]:
        rows = await session.execute(
            select(
                ScrapeRun.id, ScrapeRun.status, ScrapeRun.trigger, ScrapeRun.fetched,
                ScrapeRun.new, ScrapeRun.error,
            )
            .where(ScrapeRun.portal_id == portal_id, ScrapeRun.id > after_id)
            .order_by(ScrapeRun.id)
        )  # fmt: skip
        return [Run(*row) for row in rows.all()]

    result: list[Run] = await with_database(url, job)
    return result


async def last_run_id(url: str) -> int:
    async def job(session: Any) -> int:
        return int(await session.scalar(select(func.max(ScrapeRun.id))) or 0)

    result: int = await with_database(url, job)
    return result


async def lease_owner(url: str, portal_id: str = "bizinfo") -> str | None:
    async def job(session: Any) -> str | None:
        owner = await session.scalar(
            select(PortalState.lease_owner).where(PortalState.portal_id == portal_id)
        )
        return None if owner is None else str(owner)

    result: str | None = await with_database(url, job)
    return result


@dataclass(frozen=True)
class Stored:
    rows: int  # rows found
    distinct: int  # distinct external ids among them


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield list(ids[start : start + IDS_PER_STATEMENT])


async def programs_among(url: str, external_ids: Sequence[str]) -> Stored:
    """bizinfo programs whose external id is one of ``external_ids``."""

    async def job(session: Any) -> Stored:
        found: list[str] = []
        for chunk in _chunks(external_ids):
            rows = await session.scalars(
                select(SupportProgram.external_id).where(
                    SupportProgram.portal_id == "bizinfo", SupportProgram.external_id.in_(chunk)
                )
            )
            found += rows.all()
        return Stored(len(found), len(set(found)))

    result: Stored = await with_database(url, job)
    return result


async def raw_rows_among(url: str, external_ids: Sequence[str], run_id: int | None) -> Stored:
    """bizinfo raw rows of these ids (of one run, or of any when ``run_id`` is None)."""

    async def job(session: Any) -> Stored:
        found: list[str] = []
        for chunk in _chunks(external_ids):
            query = select(RawScrapedData.external_id).where(
                RawScrapedData.portal_id == "bizinfo", RawScrapedData.external_id.in_(chunk)
            )
            if run_id is not None:
                query = query.where(RawScrapedData.run_id == run_id)
            found += (await session.scalars(query)).all()
        return Stored(len(found), len(set(found)))

    result: Stored = await with_database(url, job)
    return result


async def raw_rows_of_run(url: str, run_id: int) -> Stored:
    async def job(session: Any) -> Stored:
        rows = await session.scalars(
            select(RawScrapedData.external_id).where(RawScrapedData.run_id == run_id)
        )
        found = list(rows.all())
        return Stored(len(found), len(set(found)))

    result: Stored = await with_database(url, job)
    return result
