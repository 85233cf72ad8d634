"""1. ``kill -9`` the worker running a collection, in the middle of it: after its lease runs
out the run is ``abandoned``, the portal runs again (on the other worker), and the raw rows
and programs are exactly those of one clean run — the portal's known set of items, none
missing, none twice."""

from __future__ import annotations

from chaos import database
from chaos.portal import synthetic_items
from chaos.processes import wait_for
from chaos.scenarios.common import Context, Figures, expect

ITEMS = 400  # four pages of the Open API's 100
DELAY = 1.0  # seconds per page: the run lasts several seconds, time to kill it mid-way
FIRST_INDEX = 1_000_000
KILL_AFTER = 120  # items stored before the kill: into the second page


def run(context: Context) -> Figures:
    stack = context.stack
    url = stack.database_url
    items = synthetic_items(ITEMS, first_index=FIRST_INDEX)
    ids = [item.external_id for item in items]
    before = database.run(database.last_run_id(url))
    stack.portal.serve(items, delay=DELAY)
    database.run(database.schedule_bizinfo(url, enabled=True))

    # The middle of the run: it has stored part of the items, not all.
    def midway() -> bool:
        runs = database.run(database.runs_after(url, before))
        return bool(runs) and runs[0].status == "running" and KILL_AFTER <= runs[0].fetched < ITEMS

    wait_for("a scheduled run to be midway", midway, timeout=45, interval=0.1)
    killed_run = database.run(database.runs_after(url, before))[0]
    owner = database.run(database.lease_owner(url))
    expect(owner is not None, "the running portal has no lease owner")
    assert owner is not None
    pid = int(owner.rsplit(":", 2)[1])  # host:pid:nonce (portals.scheduler.default_owner)
    victim = stack.worker_by_pid(pid)
    expect(victim is not None, f"the lease owner {owner} is none of the suite's workers")
    assert victim is not None
    victim.kill()
    fetched_at_kill = database.run(database.runs_after(url, before))[0].fetched

    def rerun_finished() -> bool:
        runs = database.run(database.runs_after(url, killed_run.id))
        return any(r.status != "running" for r in runs)

    wait_for("the lease to expire and the portal to run again", rerun_finished, timeout=60)
    database.run(database.pause_collection(url))
    killed = next(
        r for r in database.run(database.runs_after(url, before)) if r.id == killed_run.id
    )
    rerun = database.run(database.runs_after(url, killed_run.id))[0]
    programs = database.run(database.programs_among(url, ids))
    rerun_raw = database.run(database.raw_rows_among(url, ids, rerun.id))
    killed_raw = database.run(database.raw_rows_of_run(url, killed.id))
    figures = context.record(
        {
            "killed_worker": victim.name,
            "killed_at_items": fetched_at_kill,
            "killed_run": killed.status,
            "rerun": rerun.status,
            "expected": ITEMS,
            "programs": programs.rows,
            "rerun_raw_rows": rerun_raw.rows,
            "killed_run_raw_rows": killed_raw.rows,
        }
    )
    expect(killed.status == "abandoned", f"the killed run is {killed.status}, not abandoned")
    expect(rerun.status == "succeeded", f"the run after it ended {rerun.status}: {rerun.error}")
    expect(
        programs.rows == programs.distinct == ITEMS,
        f"{programs.rows} programs ({programs.distinct} distinct) for the {ITEMS} items served",
    )
    expect(
        rerun_raw.rows == rerun_raw.distinct == ITEMS,
        f"the rerun kept {rerun_raw.rows} raw rows ({rerun_raw.distinct} distinct), not {ITEMS}",
    )
    expect(
        killed_raw.rows == killed_raw.distinct,
        f"the killed run kept an item twice ({killed_raw.rows} rows, {killed_raw.distinct} ids)",
    )
    return figures
