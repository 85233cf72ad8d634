"""``paperwork db``: apply or revert the migrations shipped in the package; ``paperwork search
reindex``: rebuild the search index columns of every program (after a tokenizer change)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from paperwork import migrate
from paperwork.cli.common import console, with_database
from paperwork.config import Settings
from paperwork.db import Database


@contextmanager
def index_progress(label: str) -> Iterator[migrate.OnProgress]:
    """A progress callback (done, total) that shows a bar once there is something to count:
    a migration without a long step prints nothing."""
    progress = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task(label, total=total)
        progress.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        progress.stop()


def upgrade_with_progress(database_url: str, revision: str = "head") -> None:
    with index_progress("search index") as on_progress:
        migrate.upgrade(database_url, revision, on_progress=on_progress)


def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade_with_progress(Settings().database_url, revision)
    console.print(f"database at {revision}")


def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    migrate.downgrade(Settings().database_url, revision)
    console.print(f"database at {revision}")


def search_reindex() -> None:
    """Recompute every program's search index columns, in one transaction (searches keep
    answering from the old index until it commits). Safe to run again."""
    from paperwork.programs.search_repository import fill_search_columns

    async def job(database: Database) -> int:
        with index_progress("reindex") as on_progress:
            async with database.engine.begin() as connection:
                return await connection.run_sync(
                    lambda sync: fill_search_columns(
                        sync, only_missing=False, on_progress=on_progress
                    )
                )

    done = with_database(job)
    console.print(f"reindexed {done} programs")
