"""The alert outbox holds across processes: two ``paperwork worker`` processes on one database,
each running alert passes and sends after every tick, tell every channel of every alert exactly
once (the pass lock and the messages' leases are in the database, not in a process)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from apptest import Clock
from paperwork.db import Database
from paperwork.models import AlertDelivery, ScrapingConfig

ALERTS = 3
WORKERS = 2


@pytest.fixture
def start_workers(database_url: str, tmp_path: Path) -> Iterator[Any]:
    processes: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "PAPERWORK_DATABASE_URL": database_url,
        "PAPERWORK_ENV_AI_FILE": str(tmp_path / "absent.env.ai"),
        "PAPERWORK_ALERTS_PRIVATE_HOSTS": "true",  # the webhook receiver is on 127.0.0.1
        "PAPERWORK_ATTACHMENTS": "false",
    }

    def start(count: int) -> list[subprocess.Popen[bytes]]:
        for index in range(count):
            log = open(tmp_path / f"worker-{index}.log", "wb")  # noqa: SIM115
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "paperwork", "worker", "--tick", "0.2", "--lease", "5"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        return processes

    yield start
    for process in processes:
        process.kill()
        process.wait(timeout=10)


def workers_now() -> dt.datetime:
    """The time the worker processes keep: a child process's clock. Under ``make test-future``
    this process alone runs two years ahead; the processes it starts keep the real time."""
    seconds = subprocess.check_output([sys.executable, "-c", "import time; print(time.time())"])
    return dt.datetime.fromtimestamp(float(seconds), dt.UTC)


async def _deliveries(db: Database) -> list[AlertDelivery]:
    async with db.session_scope() as session:
        return list(await session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


async def test_two_worker_processes_tell_each_channel_once(
    db: Database,
    clock: Clock,
    make_alert: Any,
    make_program: Any,
    webhook: Any,
    start_workers: Any,
) -> None:
    async with db.session_scope() as session:
        await session.execute(update(ScrapingConfig).values(is_enabled=False))
    # The alerts and the program are of a minute ago by the workers' clock.
    clock.now = workers_now() - dt.timedelta(minutes=1)
    for number in range(ALERTS):
        await make_alert([webhook.url(f"/alert-{number}")])
    clock.now += dt.timedelta(seconds=1)
    await make_program(title="두 워커가 함께 알리는 공고")

    start_workers(WORKERS)
    deadline = time.monotonic() + 60
    while len(webhook.requests) < ALERTS:
        assert time.monotonic() < deadline, f"only {len(webhook.requests)} of {ALERTS} arrived"
        await asyncio.sleep(0.1)
    # Many more ticks of both workers: nothing is told again.
    await asyncio.sleep(3)

    paths = sorted(request.path for request in webhook.requests)
    assert paths == [f"/alert-{number}" for number in range(ALERTS)]
    deliveries = await _deliveries(db)
    assert len(deliveries) == ALERTS
    assert {(d.status, d.attempts) for d in deliveries} == {("sent", 1)}
