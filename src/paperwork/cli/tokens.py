"""``paperwork token``: create (shown once), list and revoke bearer tokens: admin tokens, and
client tokens that may only manage their own alerts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from paperwork.cli.common import console, with_database
from paperwork.db import Database
from paperwork.vocabulary import TokenRole


def token_create(
    name: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    role: Annotated[
        TokenRole,
        typer.Option(help="admin: everything; client: only its own alerts (/api/v1/alerts)."),
    ] = TokenRole.admin,
) -> None:
    """Create a token; it is printed once, as the last line, and never again."""
    from paperwork.auth.tokens import create_token

    async def job(database: Database) -> str:
        async with database.session_scope() as session:
            return await create_token(session, name=name, role=role)

    token = with_database(job)
    console.print(f"created {role} token {name!r}; store it now, it is not shown again:")
    print(token)


def token_list() -> None:
    """List tokens (names, roles and times only; tokens are never stored)."""
    from paperwork.auth.tokens import list_tokens

    async def job(database: Database) -> list[tuple[str, str, str, str, str]]:
        async with database.session_scope() as session:
            return [
                (
                    token.name,
                    token.role,
                    token.created_at.isoformat(timespec="seconds"),
                    token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "-",
                    token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "-",
                )
                for token in await list_tokens(session)
            ]

    table = Table("name", "role", "created", "last used", "revoked")
    for row in with_database(job):
        table.add_row(*row)
    console.print(table)


def token_revoke(name: Annotated[str, typer.Argument()]) -> None:
    """Revoke the token NAME: it stops working at once."""
    from paperwork.auth.tokens import revoke_token

    async def job(database: Database) -> None:
        async with database.session_scope() as session:
            await revoke_token(session, name=name)

    with_database(job)
    console.print(f"revoked {name!r}")
