"""The report: one JSON document (saved as ``bench/results/<YYYY-MM-DD>.json``, never
overwriting an earlier run of the same day) and the table printed from it, so what is read on
the screen and what is compared later are the same numbers."""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from pathlib import Path
from typing import Any

from bench.database import IngestResult
from bench.load import LoadResult
from bench.queries import DeepPages, Search, mix
from bench.targets import MAX_RSS_MB, MIN_INGEST_RATE, Target

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the tree had uncommitted changes (best effort)."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


def machine(postgresql: str, cpus: int | None, load_before: tuple[float, ...]) -> dict[str, Any]:
    """Where the figures come from; ``load_average_before`` > ~0.5 on 2 cores means something
    else was running, and the figures are noisier than usual."""
    return {
        "cpus": cpus,
        "load_average_before": [round(value, 2) for value in load_before],
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "postgresql": postgresql,
    }


def target_entry(target: Target, result: LoadResult, preflight: dict[str, Any]) -> dict[str, Any]:
    misses = target.budget.misses(
        rps=result.rps, p95_ms=result.p95_ms, p99_ms=result.p99_ms, errors=result.errors
    )
    return {
        "name": target.name,
        "path": target.path,
        **result.as_dict(),
        "response_bytes": preflight.get("bytes"),
        "total": preflight.get("total"),
        "budget": target.budget.describe(),
        "misses": misses,
        "within_budget": not misses,
    }


def ingest_entry(ingest: IngestResult) -> dict[str, Any]:
    return {
        "items": ingest.items,
        "stored": ingest.stored,
        "rejected": ingest.rejected,
        "runs": ingest.runs,
        "seconds": round(ingest.seconds, 2),
        "rate": round(ingest.rate, 1),
        "budget_min_rate": MIN_INGEST_RATE,
        "within_budget": ingest.rate >= MIN_INGEST_RATE,
    }


def attachments_entry(result: dict[str, Any], ingest: IngestResult) -> dict[str, Any]:
    """Issue 15's figures (it sets no budget for them: reported, never judged): extraction per
    format, the indexing of every program's attachment units, and the load's ingest rate with
    that indexing added — what storing N programs with their attachments' text costs."""
    indexing = dict(result["indexing"])
    seconds = ingest.seconds + indexing["seconds"]
    indexing["ingest_with_attachments_rate"] = round(ingest.stored / seconds, 1) if seconds else 0.0
    return {
        "extraction": result["extraction"],
        "indexing": indexing,
        "seconds": result["seconds"],
        "budget": None,
    }


def rss_entry(peaks: dict[int, float]) -> dict[str, Any]:
    peak = max(peaks.values(), default=0.0)
    return {
        "peak_mb": round(peak, 1),
        "per_worker_mb": [round(value, 1) for value in sorted(peaks.values(), reverse=True)],
        "budget_mb": MAX_RSS_MB,
        "within_budget": 0 < peak <= MAX_RSS_MB,
    }


def search_entry(searches: list[Search], deep: DeepPages) -> dict[str, Any]:
    """What ``search_cold`` asked: its first pages by kind and filter, and the cursor pages."""
    return {"first_pages": len(searches), **mix(searches), **deep.summary()}


def _verdict(entry: dict[str, Any]) -> str:
    return "ok" if entry["within_budget"] else "MISS: " + "; ".join(entry["misses"])


def render(report: dict[str, Any]) -> str:
    """The table: one line per target, then ingest and memory, each with its verdict."""
    params = report["params"]
    lines = [
        f"paperwork bench {report['date']}  commit {str(report['git']['commit'])[:10]}"
        f"{' (dirty)' if report['git']['dirty'] else ''}  "
        f"{params['programs']:,} programs  {params['workers']} workers  "
        f"{params['connections']} connections × {params['seconds']:g} s  "
        f"load: {params['loadgen']}  PostgreSQL {report['machine']['postgresql']}",
        "",
        f"{'target':<18} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f"  {'budget':<22} verdict",
    ]
    for entry in report["targets"]:
        lines.append(
            f"{entry['name']:<18} {entry['rps']:>9,.1f} {entry['p50_ms']:>8.2f} "
            f"{entry['p95_ms']:>8.2f} {entry['p99_ms']:>8.2f} {entry['errors']:>7}"
            f"  {entry['budget']:<22} {_verdict(entry)}"
        )
    ingest, rss = report["ingest"], report["rss"]
    ingest_verdict = "ok" if ingest["within_budget"] else "MISS"
    rss_verdict = "ok" if rss["within_budget"] else "MISS"
    lines += [
        "",
        f"ingest   {ingest['rate']:,.0f} programs/s  ({ingest['stored']:,} stored, "
        f"{ingest['rejected']:,} rejected, {ingest['items']:,} items in {ingest['seconds']:.1f} s, "
        f"{ingest['runs']} runs)  budget ≥{ingest['budget_min_rate']:,.0f}/s  {ingest_verdict}",
        f"memory   peak RSS {rss['peak_mb']:.1f} MB per worker "
        f"({', '.join(f'{mb:.1f}' for mb in rss['per_worker_mb'])})  "
        f"budget ≤{rss['budget_mb']:.0f} MB  {rss_verdict}",
        f"errors   {report['errors']}" + ("" if report["errors"] == 0 else "  (the run fails)"),
    ]
    alerts = report.get("alerts_match")
    if alerts:
        alerts_verdict = "ok" if alerts["within_budget"] else "MISS"
        lines.append(
            f"alerts   {alerts['alerts']:,} alerts ({alerts['distinct_searches']:,} distinct "
            f"searches), a run adding {alerts['new_programs']:,} programs: "
            f"{alerts['messages']:,} messages queued in {alerts['seconds']:.2f} s, "
            f"peak RSS {alerts['peak_rss_mb']:.0f} MB  budget ≤{alerts['budget_max_seconds']:g} s, "
            f"≤{alerts['budget_max_rss_mb']:.0f} MB  {alerts_verdict}"
        )
    lines += _attachments_lines(report.get("attachments"))
    searches = report.get("searches")
    if searches:
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in searches["kinds"].items())
        deepest = max(searches["deepest"].values(), default=0)
        lines.append(
            f"searches {searches['first_pages']:,} first pages ({kinds}) + "
            f"{searches['cursor_pages']:,} cursor pages (deepest: page {deepest})"
            + ("" if searches["cursors"] else "  (no next_cursor in the answers)")
        )
    if report.get("server_log_tail"):
        lines += ["", "server log (last lines):", *report["server_log_tail"]]
    return "\n".join(lines)


def _attachments_lines(attachments: dict[str, Any] | None) -> list[str]:
    """Extraction per format and the indexing (no budget: figures only)."""
    if not attachments:
        return []
    extraction, indexing = attachments["extraction"], attachments["indexing"]
    lines = [
        f"attach   {extraction['all']['files']} files through one extraction sandbox, one after "
        f"another (first file, the child's start: {extraction['first_file_seconds']:.2f} s; "
        f"child peak RSS {extraction['child_peak_rss_mb']} MB)  no budget: figures only",
    ]
    for kind, figures in [*extraction["formats"].items(), ("all", extraction["all"])]:
        statuses = ", ".join(f"{status} {count}" for status, count in figures["statuses"].items())
        missing = len(figures["title_missing"])
        lines.append(
            f"  {kind:<6} {figures['files']:>4} files {figures['mb']:>7.1f} MB "
            f"{figures['seconds']:>7.2f} s {figures['files_per_s']:>7.1f} files/s "
            f"{figures['mb_per_s']:>6.1f} MB/s {figures['chars_per_s']:>9,} chars/s  {statuses}"
            + (f"  ({missing} without their title: errors)" if missing else "")
        )
    lines.append(
        f"index    {indexing['programs']:,} programs' attachment units rewritten in "
        f"{indexing['seconds']:.1f} s: {indexing['programs_per_s']:,.0f} programs/s "
        f"({indexing['links']:,} links to {indexing['files']} files; "
        f"{indexing['units_per_program']:,} units a program, vectors {indexing['vector_mb']:,.0f} "
        f"MB, index {indexing['index_mb']:,.0f} MB); ingest with attachment text "
        f"{indexing['ingest_with_attachments_rate']:,.0f} programs/s  no budget: figures only"
    )
    return lines


def save(report: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    """``<date>.json``; a second run on the same day gets ``<date>-HHMMSS.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{report['date']}.json"
    if path.exists():
        stamp = f"{report['date']}-{dt.datetime.now():%H%M%S}"
        path = directory / f"{stamp}.json"
        number = 1
        while path.exists():  # two runs in one second: still never overwrite
            number += 1
            path = directory / f"{stamp}-{number}.json"
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
