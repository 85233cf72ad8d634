"""Client load for the scenarios: an httpx async client in a thread of its own (the scenario's
thread is free to break things meanwhile), ``concurrency`` loops each with one request in
flight, every answer kept with its moment, status and whether a failure came in the JSON error
envelope. The client binds to 127.0.0.2: not a trusted proxy, so the API must believe its
address, not a forwarded header. (``bench.load``'s raw generator measures speed; here what each
answer was matters, so the real HTTP client is used.)"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

CLIENT_ADDRESS = "127.0.0.2"
CLIENT_TIMEOUT = 15.0  # a request past this counts as a hang


@dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic()
    seconds: float
    path: str
    status: int | None  # None: no answer (refused, reset, timed out)
    error: str | None  # the transport error's kind
    envelope: bool  # a failure answered as {"success": false, "error": ...}


def client(
    *, local_address: str = CLIENT_ADDRESS, timeout: float = CLIENT_TIMEOUT, connections: int = 32
) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(
        local_address=local_address,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )
    return httpx.AsyncClient(transport=transport, timeout=timeout)


async def ask(
    http: httpx.AsyncClient, url: str, path: str, headers: dict[str, str] | None = None
) -> Answer:
    started = time.monotonic()
    try:
        response = await http.get(url + path, headers=headers)
    except httpx.HTTPError as exc:
        return Answer(started, time.monotonic() - started, path, None, type(exc).__name__, False)
    envelope = False
    if response.status_code >= 400:
        with contextlib.suppress(ValueError):
            body = response.json()
            envelope = isinstance(body, dict) and body.get("success") is False and "error" in body
    return Answer(started, time.monotonic() - started, path, response.status_code, None, envelope)


@dataclass
class Load:
    """``with Load(base_url, paths, concurrency=...) as load:`` — load runs inside the block."""

    base_url: str
    paths: Sequence[str]
    concurrency: int = 12
    local_address: str = CLIENT_ADDRESS
    pause: float = 0.0  # seconds each loop waits between its requests
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _error: BaseException | None = None

    async def _loop(self, http: httpx.AsyncClient, turns: Any) -> None:
        while not self._stop.is_set():
            self.answers.append(await ask(http, self.base_url, self.paths[next(turns)]))
            if self.pause:
                await asyncio.sleep(self.pause)

    async def _main(self) -> None:
        turns = itertools.cycle(range(len(self.paths)))
        async with client(local_address=self.local_address, connections=self.concurrency) as http:
            await asyncio.gather(*(self._loop(http, turns) for _ in range(self.concurrency)))

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by __exit__, never lost in the thread
            self._error = exc

    def __enter__(self) -> Load:
        self._thread = threading.Thread(target=self._run, name="chaos-load", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(CLIENT_TIMEOUT + 5)
        if self._error is not None:
            raise RuntimeError(f"the load client crashed: {self._error!r}")

    def since(self, moment: float) -> list[Answer]:
        return [a for a in list(self.answers) if a.started >= moment]


def tally(answers: Sequence[Answer]) -> dict[str, Any]:
    """Figures for the report: requests, statuses, transport errors, the slowest answer."""
    statuses = Counter(str(a.status) for a in answers if a.status is not None)
    errors = Counter(a.error for a in answers if a.error is not None)
    return {
        "requests": len(answers),
        "statuses": dict(sorted(statuses.items())),
        "transport_errors": dict(errors),
        "max_seconds": round(max((a.seconds for a in answers), default=0.0), 2),
    }


def failed(answers: Sequence[Answer], ok: Callable[[Answer], bool]) -> list[Answer]:
    return [a for a in answers if not ok(a)]
