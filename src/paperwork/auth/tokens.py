"""Bearer tokens: random, shown once, stored only as SHA-256 hashes, checked in constant time,
revocable; each with a role (``vocabulary.TokenRole``: admin, or client — its own alerts only)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.auth import repository
from paperwork.db import Database, utcnow
from paperwork.errors import Conflict, NotFound
from paperwork.models import AdminToken
from paperwork.vocabulary import TokenRole

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_token(
    session: AsyncSession, *, name: str, role: TokenRole = TokenRole.admin
) -> str:
    """Store a new token's hash under ``name`` and return the token (shown once, never again)."""
    if await repository.get_by_name(session, name) is not None:
        raise Conflict(f"a token named {name!r} already exists")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await repository.add(session, name=name, token_hash=hash_token(token), role=role)
    return token


async def list_tokens(session: AsyncSession) -> list[AdminToken]:
    return await repository.list_all(session)


async def revoke_token(session: AsyncSession, *, name: str) -> AdminToken:
    token = await repository.get_by_name(session, name)
    if token is None:
        raise NotFound(f"no token named {name!r}")
    if token.revoked_at is None:
        await repository.mark_revoked(session, token, now=utcnow())
    return token


async def verify_token(session: AsyncSession, token: str) -> AdminToken | None:
    digest = hash_token(token)
    row = await repository.get_live_by_hash(session, digest)
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


async def record_use(database: Database, token_id: int) -> None:
    # Its own short transaction: the request's session must not hold a write lock (SQLite has
    # one per database) while the endpoint starts work that writes from another session.
    async with database.session_scope() as session:
        await repository.mark_used(session, token_id, now=utcnow())
