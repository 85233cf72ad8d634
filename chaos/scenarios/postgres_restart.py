"""3. PostgreSQL restarted under load (``pg_ctl stop -m fast``, a few seconds down, started):
during the outage every answer is a 503 in the JSON error envelope — never a 500, never a
request hanging past the client's timeout —; within 10 s of its return every request answers
200; the scheduler resumes (a later run completes); the run cut by the outage is recorded
``failed`` or ``partial`` (not left ``running``), and its items are stored by the next run."""

from __future__ import annotations

import time

from chaos import database
from chaos.portal import synthetic_items
from chaos.processes import wait_for
from chaos.scenarios.common import Context, Figures, examples, expect, read_paths
from chaos.traffic import CLIENT_TIMEOUT, Load, tally

ITEMS = 500
DELAY = 2.0  # seconds per page: the run is still fetching when the server goes
DOWN_SECONDS = 4.0
RECOVERY_SECONDS = 10.0  # every request 200 from this long after the server is back
CONCURRENCY = 8
FIRST_INDEX = 2_000_000


def run(context: Context) -> Figures:
    stack = context.stack
    url = stack.database_url
    items = synthetic_items(ITEMS, first_index=FIRST_INDEX)
    ids = [item.external_id for item in items]
    paths = read_paths(stack)  # asked before the outage: it reads the database
    before = database.run(database.last_run_id(url))
    stack.portal.serve(items, delay=DELAY)
    # Every minute, so the scheduler's next run comes within the scenario's bound.
    database.run(database.schedule_bizinfo(url, enabled=True, minutes=1))

    def cut_run_started() -> bool:
        runs = database.run(database.runs_after(url, before))
        return bool(runs) and runs[0].status == "running" and runs[0].fetched > 0

    # The last scheduled run (scenario 1's) may have been less than a minute ago.
    wait_for("a scheduled run to be fetching", cut_run_started, timeout=75, interval=0.2)
    cut = database.run(database.runs_after(url, before))[0]
    with Load(stack.base_url, paths, concurrency=CONCURRENCY) as load:
        time.sleep(1.0)
        down_at = time.monotonic()
        stack.postgres.stop("fast")
        time.sleep(DOWN_SECONDS)
        stack.postgres.start()
        up_at = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 4.0)
    answers = list(load.answers)
    during = [a for a in answers if down_at + 0.5 <= a.started < up_at]
    settled = load.since(up_at + RECOVERY_SECONDS)
    not_503 = [a for a in during if a.status != 200 and (a.status != 503 or not a.envelope)]
    hung = [a for a in answers if a.status is None]
    not_200 = [a for a in settled if a.status != 200]
    context.record(
        {**tally(answers), "during_outage": tally(during), "after_recovery": len(settled)}
    )
    expect(bool(during), "no request was answered during the outage")
    expect(
        not not_503,
        f"{len(not_503)} answers during the outage were not a 503 envelope, e.g. "
        f"{examples(not_503)}",
    )
    expect(not hung, f"{len(hung)} requests got no answer within {CLIENT_TIMEOUT:.0f} s")
    expect(bool(settled), "no request was made after the recovery window")
    expect(
        not not_200,
        f"{len(not_200)} requests failed {RECOVERY_SECONDS:.0f} s after the return, e.g. "
        f"{examples(not_200)}",
    )

    def cut_run_closed() -> bool:
        return database.run(database.runs_after(url, before))[0].status != "running"

    def later_run_done() -> bool:
        runs = database.run(database.runs_after(url, cut.id))
        return any(r.status in ("succeeded", "partial") for r in runs)

    wait_for("the cut run to be closed", cut_run_closed, timeout=30)
    cut_final = database.run(database.runs_after(url, before))[0]
    context.record({"cut_run": f"{cut_final.status} at {cut_final.fetched}/{ITEMS}"})
    expect(
        cut_final.status in ("failed", "partial"),
        f"the run cut by the outage is {cut_final.status}, not failed or partial",
    )
    wait_for("the scheduler's next run to complete", later_run_done, timeout=100)
    database.run(database.pause_collection(url))
    programs = database.run(database.programs_among(url, ids))
    figures = context.record({"programs": programs.rows})
    expect(
        programs.rows == programs.distinct == ITEMS,
        f"{programs.rows} programs ({programs.distinct} distinct) of the {ITEMS} served",
    )
    return figures
