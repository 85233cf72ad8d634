"""The suite's result: a table on the terminal (scenario, outcome, figures) and the same as
JSON in ``chaos/results/<date>.json`` (the date in Asia/Seoul; a later run the same day
replaces the file)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from paperwork.timeutil import SEOUL, today_in

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _figures_text(figures: dict[str, Any]) -> str:
    return "\n".join(
        f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in figures.items()
    )


def render(result: dict[str, Any], console: Console) -> None:
    table = Table("#", "scenario", "outcome", "seconds", "figures", show_lines=True)
    for entry in result["scenarios"]:
        outcome = entry["outcome"]
        style = {"passed": "green", "failed": "red"}.get(outcome, "yellow")
        detail = _figures_text(entry["figures"])
        if entry.get("error"):
            detail = f"[red]{entry['error']}[/red]\n{detail}"
        table.add_row(
            str(entry["number"]),
            entry["name"],
            f"[{style}]{outcome}[/{style}]",
            f"{entry['seconds']:.0f}",
            detail,
        )
    console.print(table)


def save(result: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{today_in(SEOUL).isoformat()}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def finished_at() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
