"""Admin tokens: created by the CLI, stored hashed, checked on admin routes, revocable."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import select

from paperwork.auth import create_token, revoke_token
from paperwork.db import Database
from paperwork.models import AdminToken


async def test_only_the_hash_is_stored(db: Database, admin_token: str) -> None:
    async with db.session_scope() as session:
        row = await session.scalar(select(AdminToken))
    assert row is not None
    assert row.token_hash == hashlib.sha256(admin_token.encode()).hexdigest()
    assert admin_token not in (row.name, row.token_hash)
    assert len(admin_token) >= 40


async def test_admin_stats_needs_a_token_and_records_its_use(
    client: httpx.AsyncClient, db: Database, admin_headers: dict[str, str], make_program: object
) -> None:
    assert (await client.get("/admin/stats")).status_code == 401
    response = await client.get("/admin/stats", headers=admin_headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["active_admin_tokens"] == 1 and data["programs_total"] == 0
    async with db.session_scope() as session:
        row = await session.scalar(select(AdminToken))
    assert row is not None and row.last_used_at is not None


async def test_a_revoked_token_stops_working(
    client: httpx.AsyncClient, db: Database, admin_headers: dict[str, str]
) -> None:
    assert (await client.get("/admin/stats", headers=admin_headers)).status_code == 200
    async with db.session_scope() as session:
        await revoke_token(session, name="test-admin")
    assert (await client.get("/admin/stats", headers=admin_headers)).status_code == 401


async def test_each_token_is_different_and_names_are_unique(db: Database) -> None:
    import pytest

    from paperwork.errors import Conflict

    async with db.session_scope() as session:
        first = await create_token(session, name="a")
        second = await create_token(session, name="b")
    assert first != second
    with pytest.raises(Conflict):
        async with db.session_scope() as session:
            await create_token(session, name="a")
