"""``paperwork import`` stopped by SIGTERM, as a service manager stops it: it finishes the batch
it is writing, records the run ``cancelled``, says so and exits 143; the programs it kept are
whole batches. A real process and a real signal (the handler is the command's own)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select

from paperwork.collectors.importer import BATCH_SIZE
from paperwork.db import Database
from paperwork.models import ScrapeRun, SupportProgram

ITEMS = 20 * BATCH_SIZE  # long enough on SQLite to be signalled midway
WAIT_LIMIT = 120.0  # a bound on the polls, never a pace


def _saved_answer(path: Path) -> None:
    """The shipped bizinfo answer's items, repeated under distinct ids, ``ITEMS`` of them."""
    sample = json.loads((resources.files("paperwork") / "samples" / "bizinfo.json").read_text())
    items = sample["jsonArray"]
    many = [
        {**items[n % len(items)], "pblancId": f"PBLN_{800_000_000_000 + n:015d}"}
        for n in range(ITEMS)
    ]
    path.write_text(json.dumps({"jsonArray": many, "totCnt": ITEMS}), encoding="utf-8")


async def _last_run(url: str) -> tuple[str, int, int] | None:
    database = Database(url, pool_size=1)
    try:
        async with database.session_scope() as session:
            run = await session.scalar(select(ScrapeRun).order_by(ScrapeRun.id.desc()).limit(1))
            return None if run is None else (run.status, run.fetched, run.new)
    finally:
        await database.dispose()


async def _programs(url: str) -> int:
    database = Database(url, pool_size=1)
    try:
        async with database.session_scope() as session:
            return int(await session.scalar(select(func.count()).select_from(SupportProgram)))
    finally:
        await database.dispose()


def test_sigterm_mid_import_keeps_whole_batches_and_exits_143(
    cli_db: Path, cli_env: str, tmp_path: Path
) -> None:
    saved = tmp_path / "bizinfo_many.json"
    _saved_answer(saved)
    command = [sys.executable, "-m", "paperwork", "import", "bizinfo", str(saved)]
    process = subprocess.Popen(
        command, env=dict(os.environ), cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT_LIMIT
        while True:  # until the first batch is recorded
            assert process.poll() is None, "the import ended before the signal"
            run = asyncio.run(_last_run(cli_env))
            if run is not None and run[1] >= BATCH_SIZE:
                break
            assert time.monotonic() < deadline, "the import recorded no batch"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=WAIT_LIMIT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM, output
    assert "stopped" in output
    status, fetched, new = asyncio.run(_last_run(cli_env)) or ("none", -1, -1)
    assert status == "cancelled"
    assert fetched % BATCH_SIZE == 0 and BATCH_SIZE <= fetched < ITEMS
    # The programs stored are those of the recorded batches, nothing of a half-written one.
    assert asyncio.run(_programs(cli_env)) == new > 0
