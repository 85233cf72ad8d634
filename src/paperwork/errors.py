"""Domain errors carry their HTTP status; one set of handlers renders every failure in the seed
envelope with its real status code, and never a stack trace or SQL."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from paperwork.db import DATABASE_UNAVAILABLE, is_database_unavailable
from paperwork.envelope import failure

log = logging.getLogger(__name__)


class AppError(Exception):
    """A failure the client should see: its HTTP status, its message, and for a failure a
    client may act on, a stable ``code`` (and headers such as ``Retry-After``)."""

    status_code = 400
    code: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Unauthorized(AppError):
    status_code = 401


class Conflict(AppError):
    status_code = 409


class InvalidInput(AppError):
    status_code = 422


class ServiceUnavailable(AppError):
    status_code = 503


def describe_validation_error(errors: Any) -> str:
    """One readable line per problem: ``body.daily_limit: Input should be ≤ 1000``."""
    parts = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        message = error.get("msg", "invalid value")
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts) or "invalid request"


def is_unreadable_body(exc: StarletteHTTPException) -> bool:
    """FastAPI's answer to a JSON body it cannot decode at all (bytes that are not UTF-8): a bare
    400 that no endpoint documents, where a body that decodes but is not JSON gets the
    validation 422. Both are the same client mistake, so both answer the documented 422."""
    return exc.status_code == 400 and isinstance(exc.__cause__, ValueError)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> Any:
        headers = dict(exc.headers or {})
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return failure(exc.message, exc.status_code, headers or None, code=exc.code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Any:
        return failure(describe_validation_error(exc.errors()), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Any:
        if is_unreadable_body(exc):
            return failure("body: JSON decode error (the body is not UTF-8 JSON)", 422)
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "찾을 수 없는 경로입니다 (not found)"
        return failure(message, exc.status_code, dict(exc.headers or {}) or None)

    async def _database_error(request: Request, exc: Exception) -> Any:
        # An outage (connection gone, pool exhausted, a restarting server's "shutting down" /
        # "starting up", which asyncpg reports as plain DBAPIErrors) is a 503; any other
        # database error is ours (500).
        if not is_database_unavailable(exc):
            return await _unexpected(request, exc)
        log.error("db.unavailable path=%s error=%s", request.url.path, type(exc).__name__)
        return failure("데이터베이스에 연결할 수 없습니다 (database unavailable)", 503)

    for exc_class in (DBAPIError, *DATABASE_UNAVAILABLE):
        app.add_exception_handler(exc_class, _database_error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Any:
        log.exception("request.failed path=%s", request.url.path)
        return failure("Internal server error", 500)
