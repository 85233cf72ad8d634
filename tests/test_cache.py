"""The answer cache (``paperwork.cache``): one computation per key and data version, single
flight, the LRU bounds (entries and bytes), max-age for clock-driven answers, models kept as
their JSON, and the conditional GET (ETag, If-None-Match, 304)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import orjson
import pytest
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.cache import AnswerCache, answer, etag_matches
from paperwork.db import Database


class Counted:
    """A compute function that counts its calls and answers the call number."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, _session: AsyncSession) -> dict[str, int]:
        self.calls += 1
        return {"call": self.calls}


def data(entry: Any) -> Any:
    return orjson.loads(entry.body)


async def test_an_answer_is_computed_once_per_data_version(db: Database, make_program: Any) -> None:
    cache, compute = AnswerCache(db), Counted()
    first = await cache.get_or_compute("k", compute)
    again = await cache.get_or_compute("k", compute)
    assert compute.calls == 1 and again is first and data(again) == {"call": 1}
    await make_program()  # a write moves the data version
    fresh = await cache.get_or_compute("k", compute)
    assert compute.calls == 2 and data(fresh) == {"call": 2}
    assert fresh.version > first.version and fresh.etag != first.etag


async def test_concurrent_requests_share_one_computation(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, release, calls, arrived = AnswerCache(db), asyncio.Event(), 0, 0
    all_arrived, started = asyncio.Event(), asyncio.Event()
    read_version = cache.version

    async def version() -> int:
        # Once a request has its version it looks for a flight without yielding: counting
        # versions read counts the requests that have joined (or started) the computation.
        nonlocal arrived
        current = await read_version()
        arrived += 1
        if arrived == 5:
            all_arrived.set()
        return current

    async def slow(_session: AsyncSession) -> list[int]:
        nonlocal calls
        calls += 1
        started.set()
        await release.wait()
        return [calls]

    monkeypatch.setattr(cache, "version", version)
    waiting = [asyncio.create_task(cache.get_or_compute("k", slow)) for _ in range(5)]
    await all_arrived.wait()
    await started.wait()
    release.set()
    entries = await asyncio.gather(*waiting)
    assert calls == 1 and all(entry is entries[0] for entry in entries)


async def test_the_least_recently_used_answer_is_dropped_past_the_bound(db: Database) -> None:
    cache = AnswerCache(db, max_entries=2)
    computes = {key: Counted() for key in "abc"}
    await cache.get_or_compute("a", computes["a"])
    await cache.get_or_compute("b", computes["b"])
    await cache.get_or_compute("a", computes["a"])  # a is now the most recently used
    await cache.get_or_compute("c", computes["c"])  # over the bound: b goes
    await cache.get_or_compute("a", computes["a"])
    await cache.get_or_compute("b", computes["b"])
    assert (computes["a"].calls, computes["b"].calls, computes["c"].calls) == (1, 2, 1)


async def test_answers_past_the_byte_bound_drop_the_least_recently_used(db: Database) -> None:
    async def sized(_session: AsyncSession) -> str:
        return "x" * 1_000  # its JSON is 1,002 bytes

    cache = AnswerCache(db, max_bytes=2_500)
    calls: dict[str, int] = {}

    def compute(key: str) -> Any:
        async def counted(session: AsyncSession) -> str:
            calls[key] = calls.get(key, 0) + 1
            return await sized(session)

        return counted

    for key in "aba":  # a is now the most recently used
        await cache.get_or_compute(key, compute(key))
    await cache.get_or_compute("c", compute("c"))  # 3,006 bytes: b goes
    for key in "ac":
        await cache.get_or_compute(key, compute(key))
    assert calls == {"a": 1, "b": 1, "c": 1}
    await cache.get_or_compute("b", compute("b"))
    assert calls["b"] == 2
    # One answer larger than the whole bound is still kept: the newest always stays.
    big = AnswerCache(db, max_bytes=10)
    first = await big.get_or_compute("big", compute("big"))
    assert await big.get_or_compute("big", compute("big")) is first


async def test_max_age_bounds_an_answer_that_moves_with_the_clock(db: Database) -> None:
    now = [100.0]
    cache, compute = AnswerCache(db, clock=lambda: now[0]), Counted()
    await cache.get_or_compute("status", compute, max_age=5.0)
    now[0] += 4.9
    await cache.get_or_compute("status", compute, max_age=5.0)
    assert compute.calls == 1
    now[0] += 0.1  # five seconds after it was computed
    assert data(await cache.get_or_compute("status", compute, max_age=5.0)) == {"call": 2}
    now[0] += 3600
    await cache.get_or_compute("status", compute)  # without max_age only a write expires it
    assert compute.calls == 2


async def test_a_value_is_kept_like_an_answer(db: Database) -> None:
    cache, compute = AnswerCache(db), Counted()
    assert await cache.value("total", compute) == {"call": 1}
    assert await cache.value("total", compute) == {"call": 1}


class Item(BaseModel):
    from_: str = Field(alias="from")
    at: dt.datetime
    day: dt.date


async def test_a_model_is_kept_as_its_json_by_alias_with_offsets(db: Database) -> None:
    async def compute(_session: AsyncSession) -> Item:
        at = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)
        return Item.model_validate({"from": "x", "at": at, "day": at.date()})

    entry = await AnswerCache(db).get_or_compute("model", compute)
    assert entry.body == b'{"from":"x","at":"2026-12-15T03:00:00+00:00","day":"2026-12-15"}'


async def test_a_failed_computation_is_not_kept(db: Database) -> None:
    cache, calls = AnswerCache(db), 0

    async def failing(_session: AsyncSession) -> None:
        nonlocal calls
        calls += 1
        raise LookupError("no such program")

    for _ in range(2):
        with pytest.raises(LookupError):
            await cache.get_or_compute("missing", failing)
    assert calls == 2


async def test_answer_is_the_envelope_with_its_etag_or_a_bodyless_304(db: Database) -> None:
    entry = await AnswerCache(db).get_or_compute("k", Counted())
    full = answer(entry)
    assert full.status_code == 200 and full.headers["ETag"] == entry.etag
    envelope = orjson.loads(full.body)
    assert envelope["success"] is True and envelope["data"] == {"call": 1}
    assert dt.datetime.fromisoformat(envelope["timestamp"]).tzinfo is not None
    assert answer(entry, if_none_match='"other"').status_code == 200
    cached = answer(entry, if_none_match=entry.etag)
    assert cached.status_code == 304 and cached.body == b""
    assert cached.headers["ETag"] == entry.etag


@pytest.mark.parametrize(
    ("if_none_match", "matches"),
    [
        (None, False),
        ("", False),
        ('"abc"', True),
        ('W/"abc"', True),  # weak comparison
        ('"x", W/"abc"', True),  # a list of tags
        ("*", True),
        ('"abcd"', False),
    ],
)
def test_etag_matches(if_none_match: str | None, matches: bool) -> None:
    assert etag_matches(if_none_match, '"abc"') is matches
    assert etag_matches(if_none_match, 'W/"abc"') is matches
