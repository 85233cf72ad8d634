"""``python -m bench``: create a PostgreSQL database, load it through the real ingest path,
serve it as production does, drive every target from a second process, print the table and
save the JSON. Exits 1 on any error answer or a failed server, 130 on Ctrl-C; a missed budget
is reported, not failed. The database is dropped at the end unless ``--keep-db``."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from bench import database, load, queries, report
from bench.load import ROOT
from bench.server import RssSampler, Server, ServerFailed
from bench.targets import Target, targets
from paperwork.config import Settings
from paperwork.migrate import upgrade
from paperwork.timeutil import SEOUL, today_in

# The README's production advice is one worker per core; the budget is for this 2-core machine.
DEFAULT_WORKERS = 2
WARMUP_CONNECTIONS = 2


@dataclass(frozen=True)
class Options:
    programs: int
    seconds: float
    connections: int
    workers: int
    warmup: float  # seconds in all, spread over the targets
    seed: int
    batch_size: int
    loadgen: str
    smoke: bool
    keep_db: bool
    results_dir: Path | None  # None: print only
    alerts: int  # alerts_match: active alerts
    alert_programs: int  # alerts_match: programs the collection run adds
    attachment_files: int  # attachments: files extracted, and the notices programs link to


def parse_options(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--programs", type=int, help="programs to store (100000; smoke 2000)")
    parser.add_argument("--seconds", type=float, help="seconds per target (20; smoke 2)")
    parser.add_argument("--connections", type=int, help="concurrent connections (32; smoke 4)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="server workers")
    parser.add_argument("--warmup", type=float, help="warm-up seconds in all (5; smoke 1)")
    parser.add_argument("--seed", type=int, default=6, help="synthetic data seed")
    parser.add_argument("--batch-size", type=int, default=1_000, help="items per ingest batch")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--alerts", type=int, help="alerts_match: active alerts (10000; smoke 200)")
    parser.add_argument(
        "--alert-programs", type=int, help="alerts_match: programs one run adds (1000; smoke 50)"
    )
    parser.add_argument(
        "--attachment-files", type=int, help="attachments: files to extract (200; smoke 20)"
    )
    parser.add_argument("--smoke", action="store_true", help="a small, quick run")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--results-dir", type=Path, help="where the JSON goes (bench/results; smoke: not saved)"
    )
    args = parser.parse_args(argv)
    smoke = bool(args.smoke)

    def pick(value: Any, full: Any, small: Any) -> Any:
        return value if value is not None else (small if smoke else full)

    return Options(
        programs=pick(args.programs, 100_000, 2_000),
        seconds=pick(args.seconds, 20.0, 2.0),
        connections=pick(args.connections, 32, 4),
        workers=args.workers,
        warmup=pick(args.warmup, 5.0, 1.0),
        seed=args.seed,
        batch_size=args.batch_size,
        loadgen=args.loadgen,
        smoke=smoke,
        keep_db=args.keep_db,
        # Smoke figures compare with nothing: they go to the results only when asked to.
        results_dir=pick(args.results_dir, report.RESULTS_DIR, None),
        alerts=pick(args.alerts, 10_000, 200),
        alert_programs=pick(args.alert_programs, 1_000, 50),
        attachment_files=pick(args.attachment_files, 200, 20),
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _preflight(base_url: str, target: Target) -> dict[str, Any]:
    """One request per target before the load: a target that does not answer 200 is a broken
    harness or server, not a measurement."""
    response = httpx.get(base_url + target.paths[0], timeout=30)
    if response.status_code != 200:
        raise ServerFailed(f"{target.name}: {target.paths[0]} answered {response.status_code}")
    data = response.json().get("data")
    total = data.get("total") if isinstance(data, dict) else None
    if total == 0:
        say(f"warning: {target.name} finds nothing; its figures measure an empty answer")
    return {"bytes": len(response.content), "total": total}


def _deep_pages(server: Server, database_url: str) -> queries.DeepPages:
    """The cursor pages of ``search_cold``, which only the running server can give; then every
    answer the servers keep is made stale, as a write makes it, so the load finds none of the
    pages asked here (or anything else) in their caches: it starts as cold as after an ingest."""
    chains = queries.DEEP_CHAINS
    deepest = max(chain.pages for chain in chains)
    say(f"following next_cursor for {len(chains)} searches, up to page {deepest}")
    try:
        deep = queries.collect_deep_pages(server.base_url, chains)
    except (queries.CollectFailed, httpx.HTTPError) as exc:
        raise ServerFailed(f"collecting cursor pages: {exc}") from exc
    if not deep.cursors:
        say("warning: the answers have no next_cursor: search_cold gets no cursor pages")
    else:
        say(f"  {len(deep.paths):,} cursor pages, deepest {max(deep.pages.values())}")
    asyncio.run(database.move_data_version(database_url))
    return deep


def _measure(
    server: Server, options: Options, tool: str, detail_id: int, database_url: str
) -> dict[str, Any]:
    deep = _deep_pages(server, database_url)
    year = today_in(SEOUL).year
    chosen = targets(detail_id, deep_pages=deep.paths, year=year)
    entries = []
    with RssSampler(server) as rss:
        checks = {t.name: _preflight(server.base_url, t) for t in chosen}
        say(f"warm-up {options.warmup:g} s over {len(chosen)} targets")
        load.run_bundled(
            # One path each: warming thousands of cold searches would only leave them running.
            [[server.base_url + t.paths[0]] for t in chosen],
            seconds=options.warmup / len(chosen),
            connections=WARMUP_CONNECTIONS,
        )
        for target in chosen:
            server.check_alive()
            result = load.measure(
                [server.base_url + path for path in target.paths],
                seconds=options.seconds,
                connections=options.connections,
                tool=tool,
            )
            say(
                f"  {target.name:<18} {result.rps:>9,.1f}/s  p50 {result.p50_ms:.2f}  "
                f"p99 {result.p99_ms:.2f} ms  errors {result.errors}"
            )
            entries.append(report.target_entry(target, result, checks[target.name]))
        server.check_alive()
    measured: dict[str, Any] = {
        "targets": entries,
        "rss": report.rss_entry(rss.peaks),
        "searches": report.search_entry(queries.cold_searches(year), deep),
    }
    if any(entry["errors"] for entry in entries):
        # wrk does not say which status failed; the server's own warnings usually do.
        measured["server_log_tail"] = server.log_tail(40).splitlines()
    return measured


def _alerts_match(options: Options, database_url: str) -> dict[str, Any]:
    """The alerts pass, measured last (it adds programs) in a process of its own (its peak RSS
    is the alert worker's)."""
    say(
        f"alerts_match: {options.alerts:,} alerts, a run adding {options.alert_programs:,} "
        "programs, one evaluation pass"
    )
    command = [
        sys.executable,
        "-m",
        "bench.alerts",
        database_url,
        f"--alerts={options.alerts}",
        f"--new-programs={options.alert_programs}",
        f"--seed={options.seed}",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerFailed(f"alerts_match failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    say(f"  {result['messages']:,} messages queued in {result['seconds']:.2f} s")
    return result


def _attachments(options: Options, database_url: str) -> dict[str, Any]:
    """Extraction throughput, then every program's attachment units written (issue 15), in a
    process of its own; after the load and before the VACUUM and the server, so the searches
    are measured with the attachments' units in the index, as production has them."""
    say(
        f"attachments: {options.attachment_files} files extracted in one sandbox, then the "
        "search units of every program linking to them"
    )
    command = [
        sys.executable,
        "-m",
        "bench.attachments",
        database_url,
        f"--files={options.attachment_files}",
        f"--seed={options.seed}",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerFailed(f"attachments failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    extraction, indexing = result["extraction"], result["indexing"]
    for kind, figures in extraction["formats"].items():
        say(
            f"  {kind:<5} {figures['files']:>4} files {figures['mb']:>7.1f} MB "
            f"{figures['seconds']:>7.2f} s  {figures['files_per_s']:>6.1f} files/s  "
            f"{figures['mb_per_s']:>6.1f} MB/s  {figures['statuses']}"
        )
    say(
        f"  {indexing['programs']:,} programs indexed in {indexing['seconds']:.1f} s: "
        f"{indexing['programs_per_s']:,.0f}/s"
    )
    return result


def run(options: Options, workdir: Path) -> dict[str, Any]:
    tool = load.tool_for(options.loadgen)
    load_before = os.getloadavg()
    if load_before[0] > 1.0:
        say(f"warning: load average {load_before[0]:.1f}: the machine is busy, figures are noisy")
    # The code measured is the code imported now: a commit made during the run must not be
    # credited with these figures.
    git = report.git_state()
    admin_url = database.server_url()
    try:
        database_url = asyncio.run(database.create_database(admin_url))
    except OSError as exc:  # refused, unknown host: say where we looked, not a traceback
        where = admin_url.rsplit("@", 1)[-1]
        raise ServerFailed(
            f"cannot reach PostgreSQL at {where} ({exc}); set {database.ENV_SERVER_URL}"
        ) from exc
    say(f"database {database_url.rsplit('/', 1)[-1]} created")
    server: Server | None = None
    try:
        upgrade(database_url)
        settings = Settings(_env_file=None, database_url=database_url, scheduler=False)
        say(f"ingesting {options.programs:,} programs through ingest_items")
        ingest = asyncio.run(
            database.load(
                database_url,
                settings,
                programs=options.programs,
                seed=options.seed,
                today=today_in(SEOUL),
                batch_size=options.batch_size,
                progress=lambda done, total: print(
                    f"\r  {done:,} items", end="", file=sys.stderr, flush=True
                ),
            )
        )
        say(f"\n  {ingest.stored:,} stored in {ingest.seconds:.1f} s: {ingest.rate:,.0f}/s")
        attachments = _attachments(options, database_url)
        started = time.perf_counter()
        asyncio.run(database.vacuum_analyze(database_url))
        vacuum_seconds = time.perf_counter() - started
        say(f"VACUUM (ANALYZE) in {vacuum_seconds:.1f} s")
        detail_id = asyncio.run(database.middle_program_id(database_url))
        postgresql = asyncio.run(database.server_version(database_url))
        server = Server(database_url, workers=options.workers, workdir=workdir)
        server.start()
        say(f"server on {server.base_url} with {options.workers} workers; load: {tool}")
        measured = _measure(server, options, tool, detail_id, database_url)
        server.stop()
        server = None
        measured["alerts_match"] = _alerts_match(options, database_url)
    finally:
        if server is not None:
            server.stop()
        if options.keep_db:
            say(f"kept database: {database_url}")
        else:
            asyncio.run(database.drop_database(admin_url, database_url))
    # A file not extracted (or extracted without its text) is an error, as a failed request is.
    errors = sum(entry["errors"] for entry in measured["targets"])
    errors += attachments["extraction"]["errors"]
    return {
        "date": dt.date.today().isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": git,
        "machine": report.machine(postgresql, os.cpu_count(), load_before),
        "params": {
            "programs": options.programs,
            "seconds": options.seconds,
            "connections": options.connections,
            "workers": options.workers,
            "warmup_seconds": options.warmup,
            "seed": options.seed,
            "batch_size": options.batch_size,
            "loadgen": tool,
            "smoke": options.smoke,
            "alerts": options.alerts,
            "alert_programs": options.alert_programs,
            "attachment_files": options.attachment_files,
        },
        "ingest": {**report.ingest_entry(ingest), "vacuum_seconds": round(vacuum_seconds, 1)},
        "attachments": report.attachments_entry(attachments, ingest),
        **measured,
        "errors": errors,
    }


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the server is stopped and the database dropped.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    logging.basicConfig(level=logging.WARNING)  # the pipeline's warnings, not its info lines
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="paperwork-bench-") as workdir:
            result = run(options, Path(workdir))
    except ServerFailed as exc:
        say(f"failed: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted: the server was stopped and the database dropped (unless --keep-db)")
        return 130
    print(report.render(result))
    if options.results_dir is not None:
        say(f"saved {report.save(result, options.results_dir)}")
    say(f"done in {time.monotonic() - started:.0f} s")
    broken = [t["name"] for t in result["targets"] if t["requests"] == 0]
    return 1 if result["errors"] or broken else 0


if __name__ == "__main__":
    sys.exit(main())
