"""One pure-ASGI middleware for every request: request id, timing header, access log line,
the client's address (through trusted proxies), its rate limit, Prometheus counters. Pure ASGI
(not BaseHTTPMiddleware) because it sits on the hot path of every request."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperwork.client_address import IPNetwork, client_address, forwarded_scheme
from paperwork.envelope import failure
from paperwork.ops.telemetry import Telemetry
from paperwork.rate_limit import SharedLimiter

log = logging.getLogger("paperwork.access")

# Health checks and scrapers of metrics must never be throttled into looking like an outage;
# the dashboard's own page and static files are not API calls (what the page asks the API for
# still counts).
RATE_LIMIT_EXEMPT = ("/health", "/metrics", "/admin-dashboard")
MAX_REQUEST_ID_LENGTH = 128


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: SharedLimiter,
        per_minute: int,
        trusted_proxies: Sequence[IPNetwork],
        telemetry: Telemetry,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.per_minute = per_minute
        self.trusted_proxies = trusted_proxies
        self.telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        # For the handlers (request.state.request_id): the AI usage log keeps it.
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        client = client_address(scope, self.trusted_proxies)
        if self.trusted_proxies:
            # Handlers and their logs see the client and its scheme, not the proxy's.
            scope["scheme"] = forwarded_scheme(scope, self.trusted_proxies) or scope["scheme"]
            scope["client"] = (client, 0)
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers["X-Process-Time"] = f"{time.perf_counter() - started:.6f}"
            await send(message)

        try:
            if not path.startswith(RATE_LIMIT_EXEMPT):
                verdict = await self.limiter.hit(self.per_minute, "http", client)
                if not verdict.allowed:
                    response = failure(
                        "요청이 너무 많습니다. 잠시 후 다시 시도하세요 (rate limit exceeded)",
                        429,
                        {"Retry-After": str(verdict.retry_after)},
                    )
                    await response(scope, receive, send_with_headers)
                    return
            if _has_nul(scope):
                # No text column of either database can hold NUL: refuse it at the door.
                response = failure("NUL 문자는 허용되지 않습니다 (NUL in the request)", 422)
                await response(scope, receive, send_with_headers)
                return
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", None) or "unmatched"
            self.telemetry.observe(scope["method"], route_path, status, elapsed)
            log.info(
                "http.request method=%s path=%s status=%d duration_ms=%.1f client=%s request_id=%s",
                scope["method"],
                path,
                status,
                elapsed * 1000,
                client,
                request_id,
            )


def _has_nul(scope: Scope) -> bool:
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope["path"] or b"%00" in query or b"\x00" in query


def _incoming_request_id(scope: Scope) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            # Keep the caller's id only when it is a sane token: it goes into logs and headers.
            if 0 < len(candidate) <= MAX_REQUEST_ID_LENGTH and candidate.isprintable():
                return candidate
    return None
