"""The one HTTP client every source uses: politeness delay, retries with backoff, and the
robots.txt check of web pages (the rules themselves are ``robots``').

``PortalClient.get`` turns the network's failures into the collector error tree of
``collectors.base``:

    timeout, connection error, 408, 429, 5xx  → retried with backoff, then ``RetriesExhausted``
    any other 4xx, too many redirects         → ``StructuralError``
    robots.txt forbids the page (html=True)   → ``RobotsDisallowed``

Query strings carry the portals' API keys (``serviceKey``, ``crtfcKey``), so no message and no
log line here ever contains one: URLs are reported as scheme, host and path only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import metadata

import httpx

from paperwork.collectors.base import (
    RedirectRefused,
    RetriesExhausted,
    RobotsDisallowed,
    StructuralError,
    TooLarge,
    TransientError,
)
from paperwork.collectors.robots import RobotsRules

log = logging.getLogger(__name__)

PRODUCT_TOKEN = "PaperworkAI"  # what robots.txt groups are matched against

BACKOFF_BASE = 1.0  # seconds before the first retry
BACKOFF_FACTOR = 2.0
BACKOFF_CAP = 60.0
JITTER_MAX = 1.0  # seconds added at random so retries from parallel runs don't line up
# A server asking us to come back later than this is not going to recover within one run:
# give up at once and let the scheduler's own backoff take over instead of blocking a worker.
RETRY_AFTER_LIMIT = 300.0

MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# 408 is a timeout reported by the server: as worth retrying as one we noticed ourselves.
_RETRY_STATUSES = frozenset({408, 429})


def _package_version() -> str:
    try:
        return metadata.version("paperwork")
    except metadata.PackageNotFoundError:  # running from a source tree without an install
        return "0.0.0"


def user_agent() -> str:
    return (
        f"{PRODUCT_TOKEN}/{_package_version()} "
        # ASCII only: proxies and old servers mangle or reject non-ASCII header bytes.
        "(+https://github.com/paperwork-ai; support-program announcement collector)"
    )


def build_http_client(
    *, timeout: float, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The ``httpx.AsyncClient`` collectors share; built in the lifespan, closed by its owner."""
    # httpx logs every request URL at INFO, query string included: that is where the portals'
    # keys (crtfcKey, serviceKey) travel. Our own http.* events log the URL without it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return httpx.AsyncClient(
        headers={"User-Agent": user_agent()},
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        transport=transport,
    )


@dataclass(frozen=True)
class Politeness:
    """How gently to treat one portal (from its scraping config and ``API_TIMEOUT``)."""

    delay_min: float  # seconds, random pause between requests to one host
    delay_max: float
    auto_retry: bool
    max_retries: int
    timeout: float  # seconds, per request

    def __post_init__(self) -> None:
        if not 0 <= self.delay_min <= self.delay_max:
            raise ValueError("need 0 <= delay_min <= delay_max")
        if self.max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")


def safe_url(url: httpx.URL | str) -> str:
    """``url`` without query string, fragment or credentials: fit for messages and logs."""
    u = httpx.URL(url)
    return f"{u.scheme}://{u.netloc.decode('ascii')}{u.path}"


class PortalClient:
    """GET with a politeness delay, retries with backoff and robots.txt checks for HTML pages.

    The pause is kept per host and measured between request *starts*, so time spent waiting
    for a slow answer or parsing it already counts towards the pause. One client may be shared
    by concurrent tasks: the pacing of each host is serialised by a lock.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        politeness: Politeness,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._http = http
        self._politeness = politeness
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._last_start: dict[str, float] = {}
        self._pace_locks: dict[str, asyncio.Lock] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._requests_made = 0
        self._total_slept = 0.0

    @property
    def requests_made(self) -> int:
        """HTTP requests sent, counting retries and robots.txt fetches."""
        return self._requests_made

    @property
    def total_slept(self) -> float:
        """Seconds spent in politeness pauses and retry backoff."""
        return self._total_slept

    async def get(
        self, url: str, *, params: dict[str, str] | None = None, html: bool = False
    ) -> httpx.Response:
        """GET ``url``; ``html=True`` marks a web page (not an API), checked against robots.txt.

        Returns a 2xx/3xx response; raises ``RetriesExhausted``, ``StructuralError`` or
        ``RobotsDisallowed``.
        """
        target = httpx.URL(url)
        if html:  # rules may name query parameters, so they see the params too
            await self._check_robots(target.copy_merge_params(params) if params else target)
        return await self._get_with_retries(target, params)

    async def _get_with_retries(
        self, url: httpx.URL, params: dict[str, str] | None
    ) -> httpx.Response:
        shown = safe_url(url)
        secrets = _secrets_of(url, params)
        retries = self._politeness.max_retries if self._politeness.auto_retry else 0
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                response = await self._send(url, params)
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects) as exc:
                # Retrying cannot fix either; ``from None`` keeps the httpx exception, whose
                # request holds the full URL with its key, out of tracebacks.
                raise StructuralError(f"{_describe(exc, secrets)} from {shown}") from None
            except httpx.TransportError as exc:
                problem = _describe(exc, secrets)
            else:
                status = response.status_code
                if status < 400:
                    return response
                if status not in _RETRY_STATUSES and status < 500:
                    raise StructuralError(f"HTTP {status} from {shown}")
                problem = f"HTTP {status}"
                retry_after = _retry_after(response)

            if attempt > retries or (retry_after is not None and retry_after > RETRY_AFTER_LIMIT):
                log.warning(
                    "http.retries_exhausted",
                    extra={"url": shown, "attempt": attempt, "problem": problem},
                )
                raise RetriesExhausted(
                    f"{problem} from {shown} after {attempt} attempt(s)", retry_after=retry_after
                ) from None
            wait = self._backoff(attempt, retry_after)
            log.warning(
                "http.retry",
                extra={
                    "url": shown,
                    "attempt": attempt,
                    "wait": round(wait, 3),
                    "problem": problem,
                },
            )
            await self._do_sleep(wait)

    async def download(
        self,
        url: str,
        *,
        max_bytes: int,
        allowed_hosts: frozenset[str],
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Download:
        """A file, politely: checked against robots.txt (every hop), paced like every request
        to its host, redirected only to ``allowed_hosts``, refused past ``max_bytes`` (by its
        Content-Length, or while it streams). With ``etag``/``last_modified`` it is a
        conditional GET: an unchanged file answers ``Download(not_modified=True)``.

        One attempt: a failed download is tried again on a later pass, not here. Raises
        ``RobotsDisallowed``, ``RedirectRefused``, ``TooLarge``, ``StructuralError`` (4xx, a
        broken redirect) or ``TransientError`` (network, timeout, 5xx, 429)."""
        target = httpx.URL(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(MAX_REDIRECTS + 1):
            shown = safe_url(target)
            if target.scheme not in ("http", "https") or target.host not in allowed_hosts:
                raise RedirectRefused(f"refused to follow a redirect to {shown}")
            await self._check_robots(target)
            await self._pace(target.host)
            self._requests_made += 1
            try:
                async with self._http.stream(
                    "GET",
                    target,
                    headers=headers,
                    follow_redirects=False,
                    timeout=self._politeness.timeout,
                ) as response:
                    status = response.status_code
                    if status in _REDIRECT_STATUSES and "Location" in response.headers:
                        target = target.join(response.headers["Location"])
                        continue
                    if status == 304:
                        return Download(not_modified=True)
                    if status in _RETRY_STATUSES or status >= 500:
                        raise TransientError(f"HTTP {status} from {shown}")
                    if status >= 300:
                        raise StructuralError(f"HTTP {status} from {shown}")
                    content = await _read_capped(response, max_bytes, shown)
                    return Download(
                        content=content,
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                    )
            except httpx.TransportError as exc:
                raise TransientError(f"{_describe(exc, [])} from {shown}") from None
        raise StructuralError(f"more than {MAX_REDIRECTS} redirects from {safe_url(url)}")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(BACKOFF_CAP, BACKOFF_BASE * BACKOFF_FACTOR ** (attempt - 1))
        wait = backoff + self._rng.uniform(0, JITTER_MAX)
        if retry_after is not None and retry_after > wait:
            wait = retry_after
        return wait

    async def _send(self, url: httpx.URL, params: dict[str, str] | None) -> httpx.Response:
        await self._pace(url.host)
        self._requests_made += 1
        return await self._http.get(url, params=params, timeout=self._politeness.timeout)

    async def _pace(self, host: str) -> None:
        lock = self._pace_locks.setdefault(host, asyncio.Lock())
        async with lock:
            last = self._last_start.get(host)
            if last is not None:
                delay = self._rng.uniform(self._politeness.delay_min, self._politeness.delay_max)
                wait = last + delay - self._clock()
                if wait > 0:
                    await self._do_sleep(wait)
            self._last_start[host] = self._clock()

    async def _do_sleep(self, seconds: float) -> None:
        self._total_slept += seconds
        await self._sleep(seconds)

    # robots.txt ---------------------------------------------------------------------------

    async def _check_robots(self, url: httpx.URL) -> None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:  # concurrent first pages of one host fetch robots.txt once
            rules = self._robots.get(origin)
            if rules is None:
                rules = await self._fetch_robots(origin)
                self._robots[origin] = rules
        path = url.raw_path.decode("ascii")  # path and query, as robots.txt rules see them
        if not rules.allows(path):
            log.info("http.robots.disallowed", extra={"url": safe_url(url)})
            raise RobotsDisallowed(f"robots.txt of {origin} disallows {safe_url(url)}")

    async def _fetch_robots(self, origin: str) -> RobotsRules:
        robots_url = f"{origin}/robots.txt"
        try:
            response = await self._send(httpx.URL(robots_url), None)
        except httpx.HTTPError as exc:
            # Unreachable robots.txt: proceed as allowed (our politeness delay still applies)
            # rather than fail a whole run on a file the site may not even serve.
            log.warning(
                "http.robots.unavailable", extra={"url": robots_url, "problem": type(exc).__name__}
            )
            return RobotsRules.allow_all()
        status = response.status_code
        if status >= 500:
            log.warning("http.robots.unavailable", extra={"url": robots_url, "problem": status})
            return RobotsRules.allow_all()
        if status >= 400:  # RFC 9309 §2.3.1.3: no robots.txt (404, also 401/403) = no rules
            return RobotsRules.allow_all()
        return RobotsRules.parse(response.text.splitlines(), PRODUCT_TOKEN)


@dataclass(frozen=True)
class Download:
    """What ``PortalClient.download`` got: the bytes and their validators, or "not modified"."""

    content: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


async def _read_capped(response: httpx.Response, max_bytes: int, shown: str) -> bytes:
    declared = response.headers.get("Content-Length", "")
    limit_text = f"the {max_bytes // (1024 * 1024)} MB limit"
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{shown} is {int(declared):,} bytes, over {limit_text}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:  # a server that sent no length, or a wrong one
            raise TooLarge(f"{shown} is over {limit_text}")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds asked for by ``Retry-After`` (delta seconds or an HTTP-date), if any."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    when = _http_date(value)
    if when is None:
        return None
    # Measured against the server's own Date header when it sends one: immune to clock skew.
    reference = _http_date(response.headers.get("Date", "")) or dt.datetime.now(dt.UTC)
    return max(0.0, (when - reference).total_seconds())


def _http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _secrets_of(url: httpx.URL, params: dict[str, str] | None) -> list[str]:
    values = [v for _, v in url.params.multi_items()]
    values += list((params or {}).values())
    # Short values ("json", "1") are not secrets and blanking them would garble messages.
    return [v for v in values if len(v) >= 8]


_QUERY = re.compile(r"(?<=\S)\?[^\s'\"<>]*")


def _describe(exc: Exception, secrets: list[str]) -> str:
    """The exception's class and text, with query strings and their values taken out."""
    text = _QUERY.sub("", str(exc))  # "https://host/path?serviceKey=…" → "https://host/path"
    for secret in secrets:  # a value quoted on its own, outside a URL
        for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
            text = text.replace(form, "***")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
