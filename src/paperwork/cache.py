"""Answers computed once per data version.

Every write to the tables the API serves moves ``data_version.version`` in the writer's own
transaction (triggers, migration 0005). A read asks for the version (one indexed row, no
transaction) and, when its answer for these parameters was computed at that version, sends the
stored bytes: repeated questions between two writes cost one tiny query, and an answer is never
staler than the last committed write. Each process keeps its own bounded cache.

Conditional GETs live here too, for cached answers and for exports alike: a client that sends
back the ETag it holds (``If-None-Match``) gets ``304 Not Modified`` and no body. JSON answers
are tagged with a hash of their data (strong: the same bytes, bar the envelope's timestamp).

What each endpoint keeps, under which key and for how long, is the programs' cache layer
(``paperwork.programs.cached``); this module is the mechanism."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.data_version_repository import current_version
from paperwork.db import Database
from paperwork.envelope import model_data, now_iso

MAX_ENTRIES = 1024
# What the kept answers may hold in all, per process: a search's page with highlights is ~20 KB,
# so a count alone would let 1,024 of them (and their fragments) grow each worker by ~40 MB.
MAX_BYTES = 8 * 1024 * 1024

# The OpenAPI entry of a conditional GET's answer.
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not Modified: the `If-None-Match` ETag still matches. No body."}
}

IfNoneMatch = Annotated[
    str | None, Header(description="An ETag from an earlier answer: 304 if unchanged.")
]


@dataclass(frozen=True)
class CachedData:
    body: bytes  # the JSON of the envelope's ``data``
    etag: str
    version: int
    stored_at: float

    def envelope(self) -> bytes:
        """The seed envelope around the cached data, stamped now (cheap: no re-encoding)."""
        return b'{"success":true,"timestamp":"%s","data":%s}' % (now_iso().encode(), self.body)


class AnswerCache:
    def __init__(
        self,
        database: Database,
        *,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._bytes = 0  # the bodies' sizes, summed
        self._clock = clock  # seconds, for max_age; tests pass their own
        self._entries: OrderedDict[str, CachedData] = OrderedDict()
        self._inflight: dict[tuple[str, int], asyncio.Future[CachedData]] = {}

    async def version(self) -> int:
        return await current_version(self.database.engine)

    async def get_or_compute(
        self,
        key: str,
        compute: Callable[[AsyncSession], Awaitable[Any]],
        *,
        max_age: float | None = None,
    ) -> CachedData:
        """The data for ``key`` at the current version, computed by ``compute(session)`` when
        missing; ``max_age`` (seconds) bounds answers that also depend on the clock. ``compute``
        returns a response model (kept as its JSON, by alias) or plain JSON-able data."""
        version = await self.version()
        entry = self._entries.get(key)
        if (
            entry is not None
            and entry.version == version
            and (max_age is None or self._clock() - entry.stored_at < max_age)
        ):
            self._entries.move_to_end(key)
            return entry
        # Single flight: requests arriving while an answer is being computed wait for it
        # instead of each running the same query (a burst after every write would pile up).
        flight = self._inflight.get((key, version))
        if flight is None:
            flight = asyncio.ensure_future(self._compute(key, version, compute))
            self._inflight[(key, version)] = flight
            flight.add_done_callback(lambda _f: self._inflight.pop((key, version), None))
        return await asyncio.shield(flight)

    async def value(self, key: str, compute: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        """Like ``get_or_compute``, for a value one answer is built from (a list's total)
        rather than an answer itself."""
        return orjson.loads((await self.get_or_compute(key, compute)).body)

    async def _compute(
        self, key: str, version: int, compute: Callable[[AsyncSession], Awaitable[Any]]
    ) -> CachedData:
        # A session of its own: the request that started the computation may go away while
        # others still wait for it.
        async with self.database.session_scope() as session:
            data = await compute(session)
        if isinstance(data, BaseModel):
            data = model_data(data)
        body = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        entry = CachedData(body, etag, version, self._clock())
        replaced = self._entries.pop(key, None)
        if replaced is not None:
            self._bytes -= len(replaced.body)
        self._entries[key] = entry
        self._bytes += len(body)
        # The least recently used go first; the newest answer always stays.
        while len(self._entries) > 1 and (
            len(self._entries) > self.max_entries or self._bytes > self.max_bytes
        ):
            _key, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.body)
        return entry


def answer(entry: CachedData, *, if_none_match: str | None = None) -> Response:
    """The cached data in the envelope with its ETag, or a bodyless 304 when the client has it."""
    if etag_matches(if_none_match, entry.etag):
        return not_modified(entry.etag)
    return Response(entry.envelope(), media_type="application/json", headers={"ETag": entry.etag})


def _opaque(tag: str) -> str:
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" are the same tag.
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether the client's ``If-None-Match`` names ``etag`` (or is ``*``)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in if_none_match.split(","))


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})


async def answer_cache(request: Request) -> AnswerCache:  # async: no threadpool hop
    cache: AnswerCache = request.app.state.answers
    return cache


CacheDep = Annotated[AnswerCache, Depends(answer_cache)]
