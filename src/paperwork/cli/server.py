"""``paperwork serve`` (the API, with the scheduler unless told otherwise) and ``paperwork worker``
(the scheduler alone)."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Annotated

import typer

from paperwork.cli.database import upgrade_with_progress
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.http_protocol import HeadWithBodyProtocol
from paperwork.logs import configure_logging


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
        upgrade_with_progress(settings.database_url)
    uvicorn.run(
        "paperwork.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        # Our middleware writes one access line per request, with its request id.
        access_log=False,
        # X-Forwarded-For is read by our middleware, from PAPERWORK_TRUSTED_PROXIES only:
        # uvicorn's own reading would believe any local client's header.
        proxy_headers=False,
        # Headers leave with the body, never alone: a killed process cannot cut a response
        # halfway for the proxy (http_protocol.py).
        http=HeadWithBodyProtocol,
    )


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
