"""The ``paperwork`` command: serve, database migrations, admin tokens."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from paperwork import migrate
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.errors import AppError

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
    """Run ``job`` against the configured database, then close it; AppErrors exit non-zero."""

    async def main() -> T:
        database = Database(Settings().database_url, pool_size=2)
        try:
            return await job(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except AppError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (PAPERWORK_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PAPERWORK_PORT, 8006).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply migrations before serving.")
    ] = True,
) -> None:
    """Serve the API on HOST:PORT."""
    import uvicorn

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
