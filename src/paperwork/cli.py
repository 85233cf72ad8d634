"""The ``paperwork`` command: serve, database migrations, admin tokens."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from paperwork import migrate
from paperwork.collectors.base import CollectorError
from paperwork.collectors.pipeline import IngestCounts
from paperwork.collectors.runner import RunResult
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.errors import AppError
from paperwork.logs import configure_logging
from paperwork.vocabulary import RunStatus, RunTrigger

app = typer.Typer(
    help="Paperwork AI backend: 정부 지원사업 공고 수집 · API 서버",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
token_app = typer.Typer(help="Admin tokens for PUT /scraping-config and /admin/*.")
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token", no_args_is_help=True)

console = Console()
T = TypeVar("T")


def _with_database(job: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``job`` against the configured database, then close it; an AppError or a collection
    error (an unknown portal) is printed and exits non-zero."""
    settings = Settings()
    configure_logging(settings.log_level, secrets=settings.secret_values())

    async def main() -> T:
        database = Database(settings.database_url, pool_size=2)
        try:
            return await job(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except AppError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from None
    except CollectorError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (PAPERWORK_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PAPERWORK_PORT, 8006).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="Run the collection scheduler too (PAPERWORK_SCHEDULER).",
        ),
    ] = True,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply migrations before serving.")
    ] = True,
) -> None:
    """Serve the API on HOST:PORT, with the scheduler unless --no-scheduler."""
    import uvicorn

    if not scheduler:
        # The app factory reads Settings in each worker process: pass the choice through the
        # environment they inherit.
        os.environ["PAPERWORK_SCHEDULER"] = "false"
    settings = Settings()
    if migrate_first:
        migrate.upgrade(settings.database_url)
    uvicorn.run(
        "paperwork.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        # Our middleware writes one access line per request, with its request id.
        access_log=False,
    )


@app.command()
def worker(
    tick: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds between looks at the schedule.")
    ] = None,
    lease: Annotated[
        float | None, typer.Option(min=1, help="Seconds a claimed portal stays ours unrenewed.")
    ] = None,
) -> None:
    """Run the scheduler alone (no API). Ctrl-C / SIGTERM stop it within a few seconds."""
    from paperwork.portals.scheduler import Scheduler

    settings = Settings()
    configure_logging(settings.log_level, secrets=settings.secret_values())

    async def main() -> None:
        database = Database(settings.database_url, pool_size=2)
        runner = Scheduler(
            database,
            settings,
            tick_seconds=tick or settings.scheduler_tick_seconds,
            lease_seconds=lease or settings.scheduler_lease_seconds,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        ticking = asyncio.create_task(runner.run_forever())
        try:
            await stop.wait()
        finally:
            await runner.shutdown()
            await ticking
            await database.dispose()

    asyncio.run(main())


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


@app.command()
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

    _report(_with_database(job))


@app.command("import")
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

    async def job(database: Database) -> list[RunResult]:
        with Progress(
            TextColumn(portal), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console,
        ) as progress:  # fmt: skip
            task = progress.add_task("import", total=len(items))
            result = await ingest_items(
                database, settings, portal, items,
                on_progress=lambda counts: progress.update(task, completed=counts.fetched),
            )  # fmt: skip
        return [result]

    _report(_with_database(job))


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(Settings().database_url, revision)
    console.print(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    migrate.downgrade(Settings().database_url, revision)
    console.print(f"database at {revision}")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who or what the token is for.")],
) -> None:
    """Create an admin token; it is printed once, as the last line, and never again."""
    from paperwork.auth import create_token

    async def job(database: Database) -> str:
        async with database.session_scope() as session:
            return await create_token(session, name=name)

    token = _with_database(job)
    console.print(f"created admin token {name!r}; store it now, it is not shown again:")
    print(token)


@token_app.command("list")
def token_list() -> None:
    """List admin tokens (names and times only; tokens are never stored)."""
    from paperwork.auth import list_tokens

    async def job(database: Database) -> list[tuple[str, str, str, str]]:
        async with database.session_scope() as session:
            return [
                (
                    token.name,
                    token.created_at.isoformat(timespec="seconds"),
                    token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "-",
                    token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "-",
                )
                for token in await list_tokens(session)
            ]

    table = Table("name", "created", "last used", "revoked")
    for row in _with_database(job):
        table.add_row(*row)
    console.print(table)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument()]) -> None:
    """Revoke the token NAME: it stops working at once."""
    from paperwork.auth import revoke_token

    async def job(database: Database) -> None:
        async with database.session_scope() as session:
            await revoke_token(session, name=name)

    _with_database(job)
    console.print(f"revoked {name!r}")


if __name__ == "__main__":
    app()
