"""6. Soak: mixed list/search/detail/export load through nginx for ``--soak`` seconds, with a
collection every minute (bizinfo's schedule at one minute, run by the workers): no 5xx and no
failed request, each API process's peak RSS after the warm-up at most 10 % above its peak
during it, and its open file descriptors flat (at most +10 from the end of the warm-up). An
instant alert on the collected portal checks the outbox with two workers (``outbox.py``):
every message sent reached its webhook once, no program told twice. The
warm-up is the first quarter (at least 15 s), longer if need be (at most half the soak) until
the first collection is in and every path was answered a few times."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import psutil

from chaos import database
from chaos.portal import synthetic_items
from chaos.processes import wait_for
from chaos.scenarios.common import PROGRAMS, Context, Figures, examples, expect, read_paths
from chaos.scenarios.outbox import WebhookReceiver, create_alert, outbox
from chaos.traffic import Load, tally
from paperwork.timeutil import SEOUL, today_in

CONCURRENCY = 8
# A soak is a steady load the machine can carry for hours (here at most 8 / 0.25 = 32 requests
# a second), not a saturation test: what it looks for is growth over time.
PAUSE = 0.25
READS_PER_EXPORT = 20
WARMUP_SHARE = 0.25  # of the soak, at least MIN_WARMUP seconds
MIN_WARMUP = 15.0
RSS_GROWTH_LIMIT = 0.10
FD_SLACK = 10
SAMPLE_EVERY = 1.0
WARM_ANSWERS = 4
COLLECTION_SETTLE = 5.0  # seconds of load after the first collection, still warm-up
COLLECTION_ITEMS = 300
FIRST_INDEX = 3_000_000


def _sample(pids: list[int]) -> dict[int, tuple[float, int]]:
    """RSS (MB) and open descriptors of each process."""
    found = {}
    for pid in pids:
        try:
            rss = psutil.Process(pid).memory_info().rss / 1024 / 1024
            found[pid] = (rss, len(os.listdir(f"/proc/{pid}/fd")))
        except (psutil.Error, OSError):
            continue
    return found


def _covered(load: Load, paths: list[str]) -> bool:
    """Whether every path was answered WARM_ANSWERS times: by both processes, most likely,
    so each has built (and cached) every kind of answer once before the measuring starts."""
    counts = Counter(answer.path for answer in list(load.answers))
    return all(counts[path] >= WARM_ANSWERS for path in paths)


def run(context: Context) -> Figures:
    stack = context.stack
    url = stack.database_url
    seconds = context.soak_seconds
    warmup = max(MIN_WARMUP, seconds * WARMUP_SHARE)
    # Exports are what a reader asks now and then, not every other request: each is one in
    # READS_PER_EXPORT, with a filter, as a saved search's CSV or calendar is.
    today = today_in(SEOUL)
    exports = [
        f"{PROGRAMS}.csv?"
        + urlencode(
            {"q": "창업", "deadline_from": today, "deadline_to": today + dt.timedelta(days=14)}
        ),
        f"{PROGRAMS}.ics?{urlencode({'region': '제주', 'status': 'open'})}",
        f"{PROGRAMS}/feed.xml?{urlencode({'q': '지원'})}",
    ]
    reads = read_paths(stack)
    paths = [*reads * (READS_PER_EXPORT * len(exports) // len(reads) + 1), *exports]
    before = database.run(database.last_run_id(url))
    stack.portal.serve(synthetic_items(COLLECTION_ITEMS, first_index=FIRST_INDEX), delay=0.2)
    database.run(database.schedule_bizinfo(url, enabled=True, minutes=1))
    with WebhookReceiver() as receiver:
        alert_id = create_alert(stack, receiver.channel)
        figures = _soak(context, paths, before, seconds, warmup)
        # The last collection's messages may still be on their way.
        wait_for("the alert outbox to settle", lambda: outbox(stack, alert_id).settled, timeout=30)
        told = outbox(stack, alert_id)
    figures = context.record(
        {
            "alerts": {
                "messages": dict(told.statuses),
                "received": len(receiver.bodies),
                "distinct_received": len(set(receiver.bodies)),
                "programs_told": told.programs_told,
            }
        }
    )
    expect(told.statuses["sent"] > 0, f"the collections queued no alert message: {told}")
    expect(
        len(receiver.bodies) == len(set(receiver.bodies)) == told.statuses["sent"],
        f"{told.statuses['sent']} messages sent, the receiver got {len(receiver.bodies)} "
        f"({len(set(receiver.bodies))} different)",
    )
    expect(
        told.programs_told == told.distinct_programs,
        f"a program was told twice: {told.programs_told} told, {told.distinct_programs} distinct",
    )
    return figures


def _soak(
    context: Context, paths: list[str], before: int, seconds: float, warmup: float
) -> Figures:
    stack = context.stack
    url = stack.database_url
    pids = [api.pid for api in stack.apis if api.pid is not None]

    def collected() -> bool:
        runs = database.run(database.runs_after(url, before))
        return any(r.status != "running" for r in runs)

    warm: dict[int, tuple[float, int]] = {}
    peak_after: dict[int, float] = {}
    started = time.monotonic()
    with Load(stack.base_url, paths, concurrency=CONCURRENCY, pause=PAUSE) as load:
        while (elapsed := time.monotonic() - started) < seconds:
            # The warm-up lasts until the first collection is in (it moves the data version:
            # every cached answer is made again) and every path was answered a few times.
            if elapsed < warmup and not (collected() and _covered(load, paths)):
                warmup = min(seconds / 2, max(warmup, elapsed + COLLECTION_SETTLE))
            for pid, (rss, fds) in _sample(pids).items():
                if elapsed < warmup:
                    warm[pid] = (max(warm.get(pid, (0.0, 0))[0], rss), fds)
                else:
                    peak_after[pid] = max(peak_after.get(pid, 0.0), rss)
            for api in stack.apis:
                api.check_alive()
            time.sleep(SAMPLE_EVERY)
    final = _sample(pids)
    database.run(database.pause_collection(url))
    runs = database.run(database.runs_after(url, before))
    answers = list(load.answers)
    failures = [a for a in answers if a.status is None or a.status >= 500]
    processes: dict[str, dict[str, Any]] = {}
    for n, pid in enumerate(pids, 1):
        warm_rss, warm_fds = warm.get(pid, (0.0, 0))
        peak = peak_after.get(pid, 0.0)
        processes[f"api-{n}"] = {
            "rss_warm_mb": round(warm_rss, 1),
            "rss_peak_mb": round(peak, 1),
            "rss_growth_pct": round((peak / warm_rss - 1) * 100, 1) if warm_rss else None,
            "fds_warm": warm_fds,
            "fds_end": final.get(pid, (0.0, -1))[1],
        }
    figures = context.record(
        {
            **tally(answers),
            "seconds": round(seconds),
            "warmup_seconds": round(warmup),
            "collections": dict(Counter(r.status for r in runs)),
            "processes": processes,
        }
    )
    expect(
        not failures,
        f"{len(failures)} failed requests, e.g. {examples(failures)}",
    )
    for name, figures_of in processes.items():
        growth = figures_of["rss_growth_pct"]
        expect(growth is not None, f"{name}: no RSS sample during the warm-up")
        expect(
            growth <= RSS_GROWTH_LIMIT * 100,
            f"{name}: peak RSS grew {growth} % after the warm-up",
        )
        expect(
            figures_of["fds_end"] <= figures_of["fds_warm"] + FD_SLACK,
            f"{name}: open descriptors {figures_of['fds_warm']} → {figures_of['fds_end']}",
        )
    expect(
        any(r.status in ("succeeded", "partial") for r in runs),
        f"no collection completed during the soak: {[r.status for r in runs]}",
    )
    return figures
