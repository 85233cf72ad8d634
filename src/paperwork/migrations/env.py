"""Alembic environment: the URL comes from Settings (or the caller), async engines, batch mode
on SQLite so ALTERs work there."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from paperwork import models  # noqa: F401  (registers every table on Base.metadata)
from paperwork.config import Settings
from paperwork.db import Base, build_engine
from paperwork.programs.search_repository import include_name

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else Settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # search objects the models cannot describe (0003)
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = build_engine(_url(), pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
