"""``paperwork worker`` as real processes on one database: one run per due slot however many
workers, a SIGKILLed run abandoned and redone, SIGTERM ending a run as cancelled."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from apptest import SavedPortal
from paperwork.db import Database
from paperwork.models import PortalState, ScrapeRun, ScrapingConfig, SupportProgram


@pytest.fixture
async def portal_db(db: Database) -> Database:
    """bizinfo due now, all day, every day, no pauses; the other portals disabled."""
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig).values(
                start_time=None, end_time=None, weekdays_only=False,
                random_delay_min=0, random_delay_max=0, interval_hours=1, is_enabled=False,
            )
        )  # fmt: skip
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "bizinfo")
            .values(is_enabled=True)
        )
    return db


@pytest.fixture
def slow_portal() -> Iterator[SavedPortal]:
    portal = SavedPortal(delay=0.4)
    yield portal
    portal.close()


class Workers:
    def __init__(self, database_url: str, portal: SavedPortal, tmp_path: Path) -> None:
        self.env = {
            **os.environ,
            "PAPERWORK_DATABASE_URL": database_url,
            "PAPERWORK_BIZINFO_URL": portal.url,
            "PAPERWORK_BIZINFO_API_KEY": "TEST-KEY-workers-01",
            "PAPERWORK_ENV_AI_FILE": str(tmp_path / "absent.env.ai"),
            # Each tick logs "scheduler.tick" at DEBUG: tests count ticks, not seconds.
            "PAPERWORK_LOG_LEVEL": "DEBUG",
        }
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen[bytes]] = []

    def log_path(self, index: int) -> Path:
        return self.tmp_path / f"worker-{index}.log"

    def ticks(self) -> list[int]:
        """How many times each worker has looked at the schedule so far."""
        return [
            self.log_path(index).read_bytes().count(b"scheduler.tick ")
            for index in range(len(self.processes))
        ]

    async def wait_ticks(self, more: int, within: float = 60.0) -> None:
        """Until every worker has ticked ``more`` times since now (each saw the schedule and
        had its chance to start a run)."""
        target = [count + more for count in self.ticks()]
        deadline = time.monotonic() + within
        while any(now < goal for now, goal in zip(self.ticks(), target, strict=True)):
            if time.monotonic() > deadline:
                pytest.fail(f"workers did not tick: {self.ticks()} of {target}")
            await asyncio.sleep(0.05)

    def start(self) -> subprocess.Popen[bytes]:
        log = open(self.log_path(len(self.processes)), "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "paperwork", "worker", "--tick", "0.2", "--lease", "2"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def workers(database_url: str, slow_portal: SavedPortal, tmp_path: Path) -> Iterator[Workers]:
    group = Workers(database_url, slow_portal, tmp_path)
    yield group
    group.stop_all()


async def runs(db: Database) -> list[ScrapeRun]:
    async with db.session_scope() as session:
        return list((await session.scalars(select(ScrapeRun).order_by(ScrapeRun.id))).all())


async def wait_for(condition: object, db: Database, within: float = 30.0) -> list[ScrapeRun]:
    deadline = time.monotonic() + within
    while True:
        current = await runs(db)
        if condition(current):  # type: ignore[operator]
            return current
        if time.monotonic() > deadline:
            pytest.fail(f"timed out; runs: {[(r.id, r.status, r.fetched) for r in current]}")
        await asyncio.sleep(0.1)


async def until(condition: Callable[[], bool], what: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_two_workers_make_one_run_per_due_slot(portal_db: Database, workers: Workers) -> None:
    workers.start()
    workers.start()
    await wait_for(lambda rs: len(rs) == 1 and rs[0].status == "succeeded", portal_db)
    await workers.wait_ticks(5)  # several more ticks of both workers: still one run
    assert len(await runs(portal_db)) == 1
    # Time passes: the next slot is due, and again exactly one worker takes it.
    async with portal_db.session_scope() as session:
        for run in await session.scalars(select(ScrapeRun)):
            run.started_at -= dt.timedelta(hours=1)
    done = await wait_for(lambda rs: len(rs) >= 2 and rs[-1].status == "succeeded", portal_db)
    await workers.wait_ticks(5)
    assert len(await runs(portal_db)) == len(done) == 2


async def test_a_killed_worker_run_is_abandoned_and_redone(
    portal_db: Database, workers: Workers
) -> None:
    first = workers.start()
    # Page 1 (3 items) is in, page 2 is on its slow way: kill the worker mid-run.
    await wait_for(lambda rs: len(rs) == 1 and rs[0].fetched >= 1, portal_db)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    [dead] = await runs(portal_db)
    assert dead.status == "running"

    workers.start()
    finished = await wait_for(
        lambda rs: len(rs) == 2 and rs[1].status == "succeeded", portal_db, within=40
    )
    assert finished[0].status == "abandoned"
    async with portal_db.session_scope() as session:
        programs = await session.scalar(select(func.count()).select_from(SupportProgram))
        distinct = await session.scalar(
            select(func.count(func.distinct(SupportProgram.external_id)))
        )
    assert programs == distinct == 4  # none lost, none twice


async def test_sigterm_ends_the_run_as_cancelled_and_releases_the_lease(
    portal_db: Database, workers: Workers, slow_portal: SavedPortal
) -> None:
    # The portal answers long after the worker should be gone: the worker can only exit in
    # time if SIGTERM's grace cuts the run ("exit within a few seconds"); the wait's timeout
    # is the watchdog, far from both the grace and the portal's answer.
    slow_portal.delay = 120.0
    worker = workers.start()
    await wait_for(lambda rs: len(rs) == 1, portal_db)
    await until(lambda: slow_portal.requests > 0, "the run to ask the portal")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    [run] = await runs(portal_db)
    assert run.status == "cancelled" and run.finished_at is not None
    async with portal_db.session_scope() as session:
        state = await session.get(PortalState, "bizinfo")
    assert state is not None and state.lease_owner is None
