"""Request limits every process shares: a moving window kept in the ``limits`` library's async
storage (``PAPERWORK_RATE_LIMIT_STORAGE``: ``memory://`` per process, ``redis://host:port/db`` for
many), with a per-process fallback while Redis cannot be reached.

The async storage is used directly, not slowapi: slowapi is synchronous and would block the event
loop on every Redis round trip (slowapi issue #130). A Redis outage must not become an API
outage, so a failed or slow call counts the request in this process's memory instead, logs the
outage once, shows it in ``/health`` and ``/metrics``, and Redis is tried again every few seconds
until it answers.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from prometheus_client import CollectorRegistry, Gauge

log = logging.getLogger(__name__)

MEMORY = "memory"
SHARED_SCHEMES = ("redis", "rediss")
# Redis that takes longer than this is as good as gone: count locally instead. Generous, because
# the deadline also runs while a busy event loop gets round to the answer; the connection's own
# timeouts (below) catch a dead host sooner.
STORAGE_TIMEOUT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 0.5
# How often, while falling back, one request tries Redis again.
RETRY_SECONDS = 2.0


def storage_scheme(url: str) -> str:
    """``memory`` or ``redis``/``rediss``; anything else is a configuration error (raised at
    start, naming the setting, rather than at the first request)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == MEMORY or scheme in SHARED_SCHEMES:
        return scheme
    raise ValueError(
        f"PAPERWORK_RATE_LIMIT_STORAGE: {scheme or url!r} is not memory:// or redis://host:port/db"
    )


def describe_storage(url: str) -> str:
    """The storage for logs: scheme, host and port, never the password a URL may carry."""
    parts = urlsplit(url)
    if parts.scheme == MEMORY:
        return "memory://"
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until the window lets one more through


@dataclass(frozen=True)
class LimiterState:
    """What ``/health`` and ``/metrics`` show: where the counts live and whether this process is
    counting alone because that storage is unreachable."""

    storage: str
    fallback: bool


class SharedLimiter:
    """One moving window per (limit, key), counted in the configured storage."""

    def __init__(self, storage_url: str = "memory://") -> None:
        self.scheme = storage_scheme(storage_url)
        self.description = describe_storage(storage_url)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._storage: Storage | None = None
        if self.scheme != MEMORY:
            storage = storage_from_string(
                f"async+{storage_url}",
                wrap_exceptions=True,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                stream_timeout=STORAGE_TIMEOUT_SECONDS,
            )
            assert isinstance(storage, Storage)  # the async+ scheme gives the async kind
            self._storage = storage
            self._shared = MovingWindowRateLimiter(storage)
        self.fallback = False
        self._retry_at = 0.0

    @property
    def state(self) -> LimiterState:
        return LimiterState(storage=self.scheme, fallback=self.fallback)

    def export_to(self, registry: CollectorRegistry) -> None:
        """``paperwork_rate_limit_fallback`` on ``/metrics/prometheus``: 1 while this process
        counts alone."""
        gauge = Gauge(
            "paperwork_rate_limit_fallback",
            "1 while the shared rate-limit storage is unreachable and this process counts alone",
            registry=registry,
        )
        gauge.set_function(lambda: float(self.fallback))

    async def hit(self, per_minute: int, *key: str) -> Verdict:
        """Count one request against ``per_minute`` for ``key``; refused requests are not
        counted (a client hammering a closed window does not push its reopening further)."""
        item = RateLimitItemPerMinute(per_minute)
        limiter = await self._limiter()
        if limiter is self._local:
            # Memory cannot be unreachable; a deadline here would only measure how busy the
            # event loop is (and turn a slow moment into failed requests).
            return await self._count(limiter, item, key)
        try:
            async with asyncio.timeout(STORAGE_TIMEOUT_SECONDS):
                return await self._count(limiter, item, key)
        except (StorageError, TimeoutError, OSError) as exc:
            self._lost(exc)
            return await self._count(self._local, item, key)

    @staticmethod
    async def _count(
        limiter: MovingWindowRateLimiter, item: RateLimitItem, key: tuple[str, ...]
    ) -> Verdict:
        if await limiter.hit(item, *key):
            return Verdict(True)
        reset_at = (await limiter.get_window_stats(item, *key)).reset_time
        return Verdict(False, max(1, math.ceil(reset_at - time.time())))

    async def probe(self) -> LimiterState:
        """Ask the storage whether it answers (``/health``), leaving or entering the fallback
        by its answer even when no request has come by."""
        if self._storage is not None:
            try:
                async with asyncio.timeout(STORAGE_TIMEOUT_SECONDS):
                    answered = await self._storage.check()
            except (StorageError, TimeoutError, OSError) as exc:
                self._lost(exc)
            else:
                if answered:
                    self._recovered()
                else:
                    self._lost(None)
        return self.state

    async def _limiter(self) -> MovingWindowRateLimiter:
        if self._shared is None:
            return self._local
        if self.fallback and time.monotonic() >= self._retry_at:
            await self.probe()
        return self._local if self.fallback else self._shared

    def _lost(self, exc: BaseException | None) -> None:
        self._retry_at = time.monotonic() + RETRY_SECONDS
        if not self.fallback:
            self.fallback = True
            log.warning(
                "rate_limit.fallback storage=%s error=%s: counting in this process until it "
                "answers again",
                self.description,
                type(exc).__name__ if exc is not None else "no answer",
            )

    def _recovered(self) -> None:
        if self.fallback:
            self.fallback = False
            log.warning("rate_limit.recovered storage=%s", self.description)
