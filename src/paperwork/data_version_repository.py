"""The one read of ``data_version``: the number every write to the served tables moves (database
triggers, migration 0005), which the answer cache (``cache.py``) keys its answers by."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from paperwork.models import DataVersion

_VERSION = select(DataVersion.version).where(DataVersion.id == 1)


async def current_version(engine: AsyncEngine) -> int:
    # Autocommit: one round trip, no BEGIN/COMMIT around a single read on the hot path of
    # every cached answer.
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return int(await connection.scalar(_VERSION) or 0)
