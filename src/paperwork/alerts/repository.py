"""Every read and write of ``alerts``: an alert with its owner's name, the alerts a token may
see (its own, or all for an admin), adding, changing and deleting."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import AdminToken, Alert

OwnedAlert = tuple[Alert, str]  # the alert and its owner token's name


def _with_owner() -> Select[Alert, str]:
    return select(Alert, AdminToken.name).join(AdminToken, AdminToken.id == Alert.owner_token_id)


async def get(session: AsyncSession, alert_id: int, *, owner_id: int | None) -> OwnedAlert | None:
    """The alert, if it exists and ``owner_id`` (None: any owner) owns it."""
    statement = _with_owner().where(Alert.id == alert_id)
    if owner_id is not None:
        statement = statement.where(Alert.owner_token_id == owner_id)
    row = (await session.execute(statement)).first()
    return None if row is None else (row[0], row[1])


async def list_visible(
    session: AsyncSession, *, owner_id: int | None, limit: int, offset: int
) -> tuple[Sequence[OwnedAlert], int]:
    """A page of the alerts ``owner_id`` owns (None: every alert), oldest first, and how many
    there are."""
    statement = _with_owner()
    counted = select(func.count()).select_from(Alert)
    if owner_id is not None:
        statement = statement.where(Alert.owner_token_id == owner_id)
        counted = counted.where(Alert.owner_token_id == owner_id)
    rows = await session.execute(statement.order_by(Alert.id).limit(limit).offset(offset))
    total = int(await session.scalar(counted) or 0)
    return [(row[0], row[1]) for row in rows], total


async def count_owned(session: AsyncSession, owner_id: int) -> int:
    counted = select(func.count()).select_from(Alert).where(Alert.owner_token_id == owner_id)
    return int(await session.scalar(counted) or 0)


async def add(session: AsyncSession, alert: Alert) -> Alert:
    session.add(alert)
    await session.flush()
    return alert


async def save(session: AsyncSession) -> None:
    """Write the changes made to loaded alerts."""
    await session.flush()


async def remove(session: AsyncSession, alert_id: int) -> None:
    await session.execute(delete(Alert).where(Alert.id == alert_id))


async def degraded_ids(session: AsyncSession, *, failures: int) -> list[int]:
    """Active alerts whose sends failed ``failures`` times or more in a row."""
    statement = (
        select(Alert.id)
        .where(Alert.active.is_(True), Alert.failure_streak >= failures)
        .order_by(Alert.id)
    )
    return list(await session.scalars(statement))
