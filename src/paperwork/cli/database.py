"""``paperwork db``: apply or revert the migrations shipped in the package, back up and restore
the embedded SQLite database (``ops/backup.py``); ``paperwork search reindex``: rebuild the search
index columns of every program (after a tokenizer change)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from paperwork import migrate
from paperwork.cli.common import console, with_database
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.ops import backup


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


def db_backup(
    file: Annotated[Path, typer.Argument(help="Where to write the backup.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the SQLite database to FILE while the API and the scheduler keep writing: a
    consistent snapshot, checked, written next to FILE and then renamed. (PostgreSQL: pg_dump.)"""
    try:
        database = backup.sqlite_path(Settings().database_url)
        facts = backup.backup_database(database, file, force=force, progress=index_progress)
    except backup.BackupRefused as exc:
        _refused(exc)
    console.print(
        f"backup of {escape(str(database))} written to {escape(str(file))}: "
        f"{_size(facts.size)}, {facts.pages} pages of {facts.page_size} bytes, "
        f"revision {facts.revision or 'none (never migrated)'}",
        soft_wrap=True,
    )


def db_restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `paperwork db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the SQLite database's content with FILE while the API serves (readers see the
    old data or the restored, never a mix). The database as it was is kept as
    <db>.before-restore-<UTC time>; a backup from an older version is upgraded to this one's
    migrations first. (PostgreSQL: pg_restore.)"""
    try:
        database = backup.sqlite_path(Settings().database_url)
        plan = backup.inspect_backup(file)
    except backup.BackupRefused as exc:
        _refused(exc)
    source = plan.source
    upgrade = f", upgraded to {plan.head} on the way" if plan.needs_upgrade else ""
    console.print(
        f"{escape(str(file))}: revision {source.revision}{upgrade}, {_size(source.size)}, "
        f"{source.pages} pages",
        soft_wrap=True,
    )
    if not yes and not typer.confirm(
        f"Replace the content of {database} with it (the current one is kept beside it)?"
    ):
        console.print("nothing restored")
        raise typer.Exit(1)
    try:
        result = backup.restore_database(
            database, plan, now=dt.datetime.now(dt.UTC), progress=index_progress
        )
    except backup.BackupRefused as exc:
        _refused(exc)
    console.print(
        f"restored {escape(str(file))} into {escape(str(database))}{upgrade}", soft_wrap=True
    )
    if result.kept is not None:
        console.print(
            f"the database as it was is kept at {escape(str(result.kept))}", soft_wrap=True
        )


def _refused(exc: backup.BackupRefused) -> NoReturn:
    # soft_wrap: the commands in the message stay whole lines, to copy.
    console.print(f"[red]error:[/red] {escape(exc.message)}", soft_wrap=True)
    # 2: the wrong database for this command (PostgreSQL), not a problem with FILE.
    raise typer.Exit(2 if isinstance(exc, backup.NotSQLite) else 1) from None


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"


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
