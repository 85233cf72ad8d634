"""``paperwork db``: apply or revert the migrations shipped in the package."""

from __future__ import annotations

from typing import Annotated

import typer

from paperwork import migrate
from paperwork.cli.common import console
from paperwork.config import Settings


def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(Settings().database_url, revision)
    console.print(f"database at {revision}")


def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    migrate.downgrade(Settings().database_url, revision)
    console.print(f"database at {revision}")
