"""AdminDep (auth/dependency.py): admin routes need a live bearer token, record its use, and
stop taking it once revoked."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from paperwork.auth.tokens import revoke_token
from paperwork.db import Database
from paperwork.models import AdminToken


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
