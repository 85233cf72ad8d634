"""``paperwork scrape`` (collect portals now) and ``paperwork import`` (a saved answer through the
pipeline): a progress bar per portal, then a table of what each run did."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from paperwork.cli.common import console, with_database
from paperwork.collectors.base import CollectorError
from paperwork.collectors.pipeline import IngestCounts
from paperwork.collectors.runner import RunResult
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.errors import AppError
from paperwork.vocabulary import RunStatus, RunTrigger


def _results_table(results: list[RunResult]) -> Table:
    table = Table(
        "portal", "status", "fetched", "new", "updated", "unchanged", "rejected", "errors"
    )
    for result in results:
        counts = result.counts
        style = {
            RunStatus.failed: "red",
            RunStatus.partial: "yellow",
            RunStatus.skipped: "dim",
        }.get(RunStatus(result.status), "green")
        table.add_row(
            result.portal_id,
            f"[{style}]{result.status}[/{style}]",
            *(
                str(n)
                for n in (
                    counts.fetched,
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                    counts.rejected,
                    counts.errors,
                )
            ),
        )
    return table


def _report(results: list[RunResult]) -> None:
    console.print(_results_table(results))
    for result in results:
        if result.error:
            console.print(f"[bold]{result.portal_id}[/bold]: {result.error}")
    if any(result.status == RunStatus.failed for result in results):
        raise typer.Exit(1)


def scrape(
    portals: Annotated[
        list[str] | None, typer.Argument(help="Portals to collect (default: every enabled one).")
    ] = None,
    max_items: Annotated[
        int | None, typer.Option("--max-items", min=1, help="At most N items per portal.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and compare, write nothing.")
    ] = False,
) -> None:
    """Collect the given portals now and print what each run did (exit 1 if one failed)."""
    from paperwork.collectors.runner import PortalRun
    from paperwork.portals.repository import list_configs

    settings = Settings()

    async def job(database: Database) -> list[RunResult]:
        if portals:
            chosen = list(portals)
        else:
            async with database.session_scope() as session:
                chosen = [c.portal_id for c in await list_configs(session) if c.is_enabled]
        with Progress(
            TextColumn("{task.description}"), SpinnerColumn(), BarColumn(),
            MofNCompleteColumn(), TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
            console=console,
        ) as progress:  # fmt: skip

            async def one(portal_id: str) -> RunResult:
                task = progress.add_task(portal_id, total=max_items, detail="")

                def update(counts: IngestCounts) -> None:
                    detail = f"new {counts.new} · updated {counts.updated} · errors {counts.errors}"
                    progress.update(task, completed=counts.fetched, detail=detail)

                run = PortalRun(
                    database, settings, portal_id, trigger=RunTrigger.cli, max_items=max_items,
                    dry_run=dry_run, on_progress=update,
                )  # fmt: skip
                result = await run.execute()
                done = result.counts.fetched or 1
                progress.update(task, total=done, completed=done, detail=result.status)
                return result

            return list(await asyncio.gather(*(one(portal) for portal in chosen)))

    _report(with_database(job))


def import_file(
    portal: Annotated[str, typer.Argument(help="bizinfo, kstartup or mss")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Load a saved API answer (bizinfo/kstartup JSON, mss XML) through the pipeline."""
    from paperwork.collectors.importer import ingest_items, parse_saved

    settings = Settings()
    try:
        items = parse_saved(portal, settings, file.read_bytes())
    except (CollectorError, AppError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None

    stopped_by: list[int] = []

    async def job(database: Database) -> list[RunResult]:
        # SIGTERM (a service manager stopping us) or Ctrl-C: finish the batch being written,
        # record the run as cancelled, exit; a second signal is not needed and changes nothing.
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, _stop_on, signum, stop, stopped_by)
        try:
            with Progress(
                TextColumn(portal), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console,
            ) as progress:  # fmt: skip
                task = progress.add_task("import", total=len(items))
                result = await ingest_items(
                    database, settings, portal, items, stop=stop,
                    on_progress=lambda counts: progress.update(task, completed=counts.fetched),
                )  # fmt: skip
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
        return [result]

    results = with_database(job)
    if results[0].status == RunStatus.cancelled:
        console.print(_results_table(results))
        console.print(f"[yellow]stopped:[/yellow] {results[0].error}")
        raise typer.Exit(128 + (stopped_by[0] if stopped_by else signal.SIGTERM))
    _report(results)


def _stop_on(signum: int, stop: asyncio.Event, stopped_by: list[int]) -> None:
    stopped_by.append(signum)
    stop.set()
