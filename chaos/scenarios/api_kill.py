"""2. ``kill -9`` one API process under GET load through nginx: the client sees no failed GET
(no 5xx, no connection error) — nginx passes each request the dead process cannot answer to
the other one. The process is started again afterwards."""

from __future__ import annotations

import time

from chaos.processes import wait_for
from chaos.scenarios.common import Context, Figures, expect, read_paths
from chaos.traffic import Load, tally

BEFORE = 4.0  # seconds of load before the kill
AFTER = 8.0  # and after it
CONCURRENCY = 16


def run(context: Context) -> Figures:
    stack = context.stack
    victim = stack.apis[0]
    with Load(stack.base_url, read_paths(stack), concurrency=CONCURRENCY) as load:
        time.sleep(BEFORE)
        victim.kill()
        killed_at = time.monotonic()
        time.sleep(AFTER)
    answers = list(load.answers)
    bad = [a for a in answers if a.status != 200]
    after_kill = load.since(killed_at)
    victim.start_and_wait()
    # Back in the rotation: nginx sends it requests again once it answers.
    wait_for(f"{victim.name} to serve through nginx", victim.healthy, timeout=30)
    figures = context.record({**tally(answers), "after_kill": len(after_kill)})
    expect(len(after_kill) > 0, "no request was answered after the kill")
    expect(
        not bad,
        f"{len(bad)} failed GETs, e.g. {[(a.path, a.status, a.error) for a in bad[:3]]}",
    )
    return figures
