"""The bearer-token guards: ``CallerDep`` for endpoints any token may use (a client's own alerts),
``AdminDep`` for every endpoint that changes data or starts work (an admin token, 403 for a
client's). A missing, unknown or revoked token is a 401."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paperwork.auth.tokens import record_use, verify_token
from paperwork.db import Database
from paperwork.errors import Forbidden, Unauthorized
from paperwork.models import AdminToken
from paperwork.vocabulary import TokenRole

_bearer = HTTPBearer(
    auto_error=False, description="토큰 (`paperwork token create NAME [--role client]`)"
)


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AdminToken:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("토큰이 필요합니다 (Authorization: Bearer <token>)")
    database: Database = request.app.state.db
    async with database.sessionmaker() as session:
        token = await verify_token(session, credentials.credentials)
    if token is None:
        raise Unauthorized("유효하지 않은 토큰입니다 (invalid or revoked token)")
    await record_use(database, token.id)
    return token


CallerDep = Annotated[AdminToken, Depends(require_token)]


async def require_admin(token: CallerDep) -> AdminToken:
    if token.role != TokenRole.admin:
        raise Forbidden("관리자 토큰이 필요합니다: client 토큰은 자신의 알림만 관리할 수 있습니다")
    return token


AdminDep = Annotated[AdminToken, Depends(require_admin)]
