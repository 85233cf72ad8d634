"""Admin tokens (auth/tokens.py, auth/repository.py): stored only as hashes, each different,
names unique, revocable, and only live ones count."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from paperwork.auth import repository
from paperwork.auth.tokens import create_token, revoke_token, verify_token
from paperwork.db import Database
from paperwork.models import AdminToken


async def test_only_the_hash_is_stored(db: Database, admin_token: str) -> None:
    async with db.session_scope() as session:
        row = await session.scalar(select(AdminToken))
    assert row is not None
    assert row.token_hash == hashlib.sha256(admin_token.encode()).hexdigest()
    assert admin_token not in (row.name, row.token_hash)
    assert len(admin_token) >= 40


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


async def test_a_revoked_token_no_longer_verifies_or_counts(db: Database, admin_token: str) -> None:
    async with db.session_scope() as session:
        assert await verify_token(session, admin_token) is not None
        assert await verify_token(session, admin_token + "x") is None
        await create_token(session, name="other")
        assert await repository.count_live(session) == 2
        await revoke_token(session, name="test-admin")
    async with db.session_scope() as session:
        assert await verify_token(session, admin_token) is None
        assert await repository.count_live(session) == 1
