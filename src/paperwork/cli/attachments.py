"""``paperwork attachments``: one attachments pass by hand (``fetch``: what the worker does after
each tick — download within each portal's daily limit, store, extract, index), and ``extract
FILE``, the operator's way to check what text a file gives (in the same sandbox as the worker)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from paperwork.cli.common import console, with_database
from paperwork.db import Database
from paperwork.portals.catalog import PORTAL_NAMES

# ``extract`` prints the text on stdout (to pipe or save it): its progress and errors go here.
errors = Console(stderr=True)


def _progress(on: Console = console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), SpinnerColumn(), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=on,
    )  # fmt: skip


def attachments_fetch(
    portal: Annotated[
        str | None, typer.Option(help=f"One portal ({', '.join(PORTAL_NAMES)}); all by default.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, max=5000, help="Downloads per portal (within its daily limit)."),
    ] = None,
) -> None:
    """Fetch the attachments that are due, store them, extract their text and index it."""
    from paperwork.ai.gateway import Gateway
    from paperwork.attachments.collection import AttachmentsPass, PassReport
    from paperwork.attachments.sandbox import ExtractionSandbox
    from paperwork.attachments.store import store_from_url
    from paperwork.config import Settings

    if portal is not None and portal not in PORTAL_NAMES:
        console.print(f"[red]error:[/red] unknown portal {escape(portal)}")
        raise typer.Exit(2)
    settings = Settings()

    async def job(database: Database) -> PassReport:
        store = store_from_url(settings.files_url, settings.files_dir)
        sandbox = ExtractionSandbox(
            timeout=settings.extraction_timeout_seconds, memory_mb=settings.extraction_memory_mb
        )
        with _progress() as progress:
            tasks: dict[str, TaskID] = {}

            def update(what: str, done: int, total: int) -> None:
                if what not in tasks:
                    tasks[what] = progress.add_task(what, total=total)
                progress.update(tasks[what], completed=done, total=total)

            gateway = Gateway.from_settings(settings) if settings.attachments_ocr else None
            try:
                return await AttachmentsPass(
                    database, settings, store, sandbox, on_progress=update, gateway=gateway
                ).run(portal_id=portal, limit=limit)
            finally:
                sandbox.close()
                await store.close()
                if gateway is not None:
                    await gateway.aclose()

    report = with_database(job)
    table = Table("outcome", "count")
    for name in ("linked", "fetched", "unchanged", "blocked", "too_large", "failed"):
        table.add_row(name, str(getattr(report, name)))
    for status, count in sorted(report.extracted.items()):
        table.add_row(f"text {status}", str(count))
    console.print(table)
    for portal_id in report.over_limit:
        console.print(f"[yellow]{portal_id}: today's attachment limit is used up[/yellow]")


def attachments_extract(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="HWP, HWPX or PDF.")
    ],
) -> None:
    """Print the text FILE gives, as the worker would extract it. Exits 1 when it gives none
    (the status and reason go to stderr)."""
    from paperwork.attachments.extract import MAX_FILE_BYTES
    from paperwork.attachments.sandbox import ExtractionSandbox
    from paperwork.config import Settings
    from paperwork.vocabulary import ExtractionStatus

    settings = Settings()
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        errors.print(
            f"[red]failed:[/red] {escape(file.name)} is {size:,} bytes, "
            f"over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit",
            highlight=False,
        )
        raise typer.Exit(1)
    with _progress(errors) as progress:
        task = progress.add_task(f"extracting {file.name}", total=1)
        with ExtractionSandbox(
            timeout=settings.extraction_timeout_seconds, memory_mb=settings.extraction_memory_mb
        ) as sandbox:
            result = asyncio.run(asyncio.to_thread(sandbox.extract, file.read_bytes()))
        progress.update(task, completed=1)
    if result.status != ExtractionStatus.extracted:
        errors.print(
            f"[red]{result.status}:[/red] {escape(result.error or '')} ({result.media_type})",
            highlight=False,
        )
        raise typer.Exit(1)
    typer.echo(result.text)
