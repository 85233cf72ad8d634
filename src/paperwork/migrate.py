"""Apply or revert the Alembic migrations shipped inside the package (``paperwork db upgrade``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


# (done, total) of a migration's long step (filling the search index of existing programs).
OnProgress = Callable[[int, int], None]


def alembic_config(database_url: str, on_progress: OnProgress | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    config.attributes["on_progress"] = on_progress
    return config


def upgrade(
    database_url: str, revision: str = "head", *, on_progress: OnProgress | None = None
) -> None:
    """Bring the database to ``revision``. Runs its own event loop: call it outside one."""
    command.upgrade(alembic_config(database_url, on_progress), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
