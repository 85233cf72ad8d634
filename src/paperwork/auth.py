"""Admin bearer tokens: random, shown once, stored only as SHA-256 hashes, checked in constant
time, revocable. ``AdminDep`` guards every endpoint that changes data or starts work."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import Database, utcnow
from paperwork.errors import Conflict, NotFound, Unauthorized
from paperwork.models import AdminToken

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_token(session: AsyncSession, *, name: str) -> str:
    """Store a new token's hash under ``name`` and return the token (shown once, never again)."""
    existing = await session.scalar(select(AdminToken).where(AdminToken.name == name))
    if existing is not None:
        raise Conflict(f"a token named {name!r} already exists")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(AdminToken(name=name, token_hash=hash_token(token)))
    await session.flush()
    return token


async def list_tokens(session: AsyncSession) -> list[AdminToken]:
    return list(await session.scalars(select(AdminToken).order_by(AdminToken.name)))


async def revoke_token(session: AsyncSession, *, name: str) -> AdminToken:
    token = await session.scalar(select(AdminToken).where(AdminToken.name == name))
    if token is None:
        raise NotFound(f"no token named {name!r}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        await session.flush()
    return token


async def verify_token(session: AsyncSession, token: str) -> AdminToken | None:
    digest = hash_token(token)
    row = await session.scalar(
        select(AdminToken).where(AdminToken.token_hash == digest, AdminToken.revoked_at.is_(None))
    )
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


async def record_use(database: Database, token_id: int) -> None:
    # Its own short transaction: the request's session must not hold a write lock (SQLite has
    # one per database) while the endpoint starts work that writes from another session.
    async with database.session_scope() as session:
        await session.execute(
            update(AdminToken).where(AdminToken.id == token_id).values(last_used_at=utcnow())
        )


_bearer = HTTPBearer(auto_error=False, description="관리자 토큰 (`paperwork token create NAME`)")


async def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AdminToken:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("관리자 토큰이 필요합니다 (Authorization: Bearer <token>)")
    database: Database = request.app.state.db
    async with database.sessionmaker() as session:
        token = await verify_token(session, credentials.credentials)
    if token is None:
        raise Unauthorized("유효하지 않은 관리자 토큰입니다 (invalid or revoked token)")
    await record_use(database, token.id)
    return token


AdminDep = Annotated[AdminToken, Depends(require_admin)]
