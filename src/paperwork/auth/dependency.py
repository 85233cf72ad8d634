"""``AdminDep``: the guard of every endpoint that changes data or starts work (a valid, unrevoked
``Authorization: Bearer`` token, or 401)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paperwork.auth.tokens import record_use, verify_token
from paperwork.db import Database
from paperwork.errors import Unauthorized
from paperwork.models import AdminToken

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
