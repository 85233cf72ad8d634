"""What every command shares: the console, and running a job against the configured database
with errors printed as one line (never a traceback) and a non-zero exit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console

from paperwork.collectors.base import CollectorError
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.errors import AppError
from paperwork.logs import configure_logging

console = Console()
T = TypeVar("T")


def with_database(job: Callable[[Database], Awaitable[T]]) -> T:
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
