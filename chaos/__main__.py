"""``python -m chaos [--soak SECONDS] [--only 1,3,...]``: start the stack, run each scenario
within its bound, restore (or rebuild) the stack after a failure and go on; print the table,
save the JSON, exit 1 if any scenario failed (130 when interrupted). Everything started is
stopped and the PostgreSQL cluster deleted whatever happens."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console

from bench.report import git_state
from chaos import report
from chaos.processes import ScenarioFailed, StackFailed
from chaos.proxy import SITE
from chaos.scenarios import SCENARIOS
from chaos.scenarios.common import Context, Scenario
from chaos.stack import Stack

DEFAULT_SOAK = 600.0
SEED_PROGRAMS = 1_000  # what the load lists, searches and opens
SOAK_MARGIN = 120.0  # the soak's bound: --soak plus this
console = Console(stderr=True)


class ScenarioTimeout(Exception):
    """A scenario ran past its bound (raised in the main thread by SIGALRM)."""


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--soak", type=float, default=DEFAULT_SOAK, help="soak seconds (600)")
    parser.add_argument("--only", help="scenario numbers to run, e.g. 1,3 (default: all)")
    parser.add_argument(
        "--nginx-site", type=Path, default=SITE, help=f"the nginx site to render ({SITE})"
    )
    parser.add_argument("--results-dir", type=Path, default=report.RESULTS_DIR)
    options = parser.parse_args(argv)
    known = {s.number for s in SCENARIOS}
    options.chosen = (
        sorted({int(n) for n in options.only.split(",") if n.strip()}) if options.only else []
    )
    if set(options.chosen) - known:
        parser.error(f"--only: no scenario {sorted(set(options.chosen) - known)}")
    return options


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise ScenarioTimeout()


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so the stack is stopped and the cluster deleted.
    raise KeyboardInterrupt(f"signal {signum}")


def run_one(scenario: Scenario, context: Context) -> dict[str, Any]:
    bound = scenario.timeout or context.soak_seconds + SOAK_MARGIN
    console.print(f"[bold]{scenario.number}. {scenario.name}[/bold] (bound {bound:.0f} s)")
    entry: dict[str, Any] = {"number": scenario.number, "name": scenario.name, "figures": {}}
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, bound)
    try:
        entry["figures"] = scenario.run(context)
        entry["outcome"] = "passed"
    except ScenarioTimeout:
        entry["outcome"], entry["error"] = "failed", f"ran past its bound of {bound:.0f} s"
    except (ScenarioFailed, StackFailed) as exc:
        entry["outcome"], entry["error"] = "failed", str(exc).splitlines()[0]
        entry["detail"] = str(exc)
    except Exception as exc:  # a harness error is this scenario's failure, not the suite's end
        entry["outcome"], entry["error"] = "failed", f"{type(exc).__name__}: {exc}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    entry["figures"] = entry["figures"] or context.figures
    entry["seconds"] = round(time.monotonic() - started, 1)
    style = "green" if entry["outcome"] == "passed" else "red"
    console.print(f"  [{style}]{entry['outcome']}[/{style}] in {entry['seconds']:.0f} s")
    if entry["outcome"] != "passed":
        console.print(f"  {entry.get('detail') or entry['error']}")
        for name, tail in context.stack.logs().items():
            if tail.strip():
                console.print(f"  --- {name} (last lines) ---\n{tail}", markup=False)
    return entry


def new_stack(workdir: Path, options: argparse.Namespace, number: int) -> Stack:
    directory = workdir / f"stack-{number}"
    directory.mkdir()
    stack = Stack(directory, nginx_site=options.nginx_site)
    console.print(f"starting the stack in {directory}")
    started = time.monotonic()
    try:
        stack.start(seed_programs=SEED_PROGRAMS)
    except BaseException:
        stack.stop()
        raise
    console.print(
        f"  up in {time.monotonic() - started:.0f} s: nginx {stack.base_url}, APIs "
        f"{[api.port for api in stack.apis]}, PostgreSQL :{stack.postgres.port}, "
        f"Redis :{stack.redis_port}, portal {stack.portal.url}"
    )
    return stack


def run(options: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    chosen = [s for s in SCENARIOS if not options.chosen or s.number in options.chosen]
    entries: list[dict[str, Any]] = []
    stacks = 1
    stack = new_stack(workdir, options, stacks)
    try:
        for scenario in chosen:
            entry = run_one(scenario, Context(stack, options.soak))
            entries.append(entry)
            try:
                stack.restore()
            except Exception as exc:
                console.print(f"restoring the stack failed ({exc}): building a new one")
                stack.stop()
                stacks += 1
                stack = new_stack(workdir, options, stacks)
    finally:
        stack.stop()
    return {
        "finished_at": report.finished_at(),
        "git": git_state(),
        "params": {"soak_seconds": options.soak, "only": options.chosen or None},
        "machine": {"cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
        "scenarios": entries,
        "passed": all(entry["outcome"] == "passed" for entry in entries),
    }


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    logging.basicConfig(level=logging.WARNING)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGALRM, _alarm)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="paperwork-chaos-") as workdir:
            result = run(options, Path(workdir))
    except StackFailed as exc:
        console.print(f"[red]the stack did not come up:[/red] {exc}")
        return 1
    except KeyboardInterrupt:
        console.print("interrupted: everything started was stopped and the cluster deleted")
        return 130
    report.render(result, Console(width=max(120, Console().width)))
    console.print(f"saved {report.save(result, options.results_dir)}")
    console.print(f"done in {time.monotonic() - started:.0f} s")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
