"""5. SIGTERM during ``paperwork import bizinfo FILE`` of 50,000 items (a saved answer in the
Open API's shape): every batch is fully in or not at all — the programs stored are a whole
number of batches and match what the run recorded —, and the same import run again completes
it with no duplicates (exactly 50,000 programs; the second run's raw rows one per item)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from chaos import database
from chaos.portal import api_answer, synthetic_items
from chaos.processes import ScenarioFailed, wait_for
from chaos.scenarios.common import Context, Figures, expect
from paperwork.collectors.importer import BATCH_SIZE

ITEMS = 50_000
FIRST_INDEX = 10_000_000
STOP_AFTER = 5 * BATCH_SIZE  # items recorded before the signal: well into the import
IMPORT_TIMEOUT = 150.0


def _import(context: Context, path: str) -> subprocess.Popen[bytes]:
    stack = context.stack
    log = (stack.workdir / "import.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "paperwork", "import", "bizinfo", path],
        env=stack.environment(key_file=stack.workdir / "load.env.ai", log_level="INFO"),
        cwd=stack.workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def run(context: Context) -> Figures:
    stack = context.stack
    url = stack.database_url
    items = synthetic_items(ITEMS, first_index=FIRST_INDEX)
    ids = [item.external_id for item in items]
    saved = stack.workdir / "bizinfo_50000.json"
    saved.write_bytes(api_answer([item.payload for item in items], ITEMS))
    before = database.run(database.last_run_id(url))

    first = _import(context, str(saved))
    try:

        def well_into_it() -> bool:
            if first.poll() is not None:
                raise ScenarioFailed(f"the import ended ({first.returncode}) before the signal")
            runs = database.run(database.runs_after(url, before))
            return bool(runs) and runs[0].fetched >= STOP_AFTER

        wait_for(f"the import to record {STOP_AFTER} items", well_into_it, timeout=90)
        signalled_at = time.monotonic()
        first.send_signal(signal.SIGTERM)
        code = first.wait(60)
        stop_seconds = time.monotonic() - signalled_at
    finally:
        if first.poll() is None:
            first.kill()
    cut = database.run(database.runs_after(url, before))[0]
    cut_programs = database.run(database.programs_among(url, ids))
    cut_raw = database.run(database.raw_rows_among(url, ids, cut.id))

    second = _import(context, str(saved))
    try:
        completed = second.wait(IMPORT_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        second.kill()
        raise ScenarioFailed(f"the second import did not finish in {IMPORT_TIMEOUT:.0f} s") from exc
    rerun = database.run(database.runs_after(url, cut.id))[0]
    programs = database.run(database.programs_among(url, ids))
    rerun_raw = database.run(database.raw_rows_among(url, ids, rerun.id))
    all_raw = database.run(database.raw_rows_among(url, ids, None))
    figures = context.record(
        {
            "exit_code": code,
            "stop_seconds": round(stop_seconds, 1),
            "cut_run": f"{cut.status} at {cut.fetched}",
            "cut_programs": cut_programs.rows,
            "rerun": rerun.status,
            "programs": programs.rows,
            "rerun_raw_rows": rerun_raw.rows,
            "raw_rows": all_raw.rows,
        }
    )
    expect(code != 0, "the import signalled mid-way exited 0")
    expect(cut.status == "cancelled", f"the signalled import's run is {cut.status}")
    expect(
        cut.fetched % BATCH_SIZE == 0 and 0 < cut.fetched < ITEMS,
        f"the signalled run recorded {cut.fetched} items: not a whole number of batches",
    )
    expect(
        cut_programs.rows == cut_programs.distinct == cut.fetched == cut.new,
        f"{cut_programs.rows} programs stored, the run recorded {cut.fetched} ({cut.new} new)",
    )
    expect(
        cut_raw.rows == cut.fetched,
        f"{cut_raw.rows} raw rows for the {cut.fetched} items the signalled run recorded",
    )
    expect(completed == 0 and rerun.status == "succeeded", f"the import again: {rerun.status}")
    expect(
        programs.rows == programs.distinct == ITEMS,
        f"{programs.rows} programs ({programs.distinct} distinct) after the second import",
    )
    expect(
        rerun_raw.rows == rerun_raw.distinct == ITEMS and all_raw.rows == ITEMS + cut.fetched,
        f"raw rows: {rerun_raw.rows} in the second run, {all_raw.rows} in all",
    )
    return figures
