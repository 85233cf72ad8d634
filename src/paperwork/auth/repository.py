"""Every read and write of ``admin_tokens``: tokens by name or by hash, and their use."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import AdminToken


async def get_by_name(session: AsyncSession, name: str) -> AdminToken | None:
    return await session.scalar(select(AdminToken).where(AdminToken.name == name))


async def get_live_by_hash(session: AsyncSession, token_hash: str) -> AdminToken | None:
    """The unrevoked token with this hash, if any."""
    return await session.scalar(
        select(AdminToken).where(
            AdminToken.token_hash == token_hash, AdminToken.revoked_at.is_(None)
        )
    )


async def add(session: AsyncSession, *, name: str, token_hash: str, role: str) -> AdminToken:
    token = AdminToken(name=name, token_hash=token_hash, role=role)
    session.add(token)
    await session.flush()
    return token


async def list_all(session: AsyncSession) -> list[AdminToken]:
    return list(await session.scalars(select(AdminToken).order_by(AdminToken.name)))


async def mark_revoked(session: AsyncSession, token: AdminToken, *, now: dt.datetime) -> None:
    token.revoked_at = now
    await session.flush()


async def mark_used(session: AsyncSession, token_id: int, *, now: dt.datetime) -> None:
    await session.execute(
        update(AdminToken).where(AdminToken.id == token_id).values(last_used_at=now)
    )


async def count_live(session: AsyncSession) -> int:
    """Tokens that still work (not revoked)."""
    return int(
        await session.scalar(select(func.count()).where(AdminToken.revoked_at.is_(None))) or 0
    )
