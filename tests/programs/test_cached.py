"""The programs' cache layer (``programs.cached``) as clients meet it: a search's total counted
once for all its pages, a short first page counting nothing, the seed's answers tagged but sent
whole, and the status following the clock once its max-age is over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from apptest import Clock
from paperwork.programs import cached

URL = "/api/v1/programs"


@pytest.fixture
def counts() -> Iterator[list[str]]:
    """The COUNT statements every engine runs while the test does."""
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "count(" in statement.lower() and "support_programs" in statement:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", capture)


async def page(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get(URL, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_the_pages_of_one_search_count_its_matches_once(
    api: httpx.AsyncClient, make_program: Any, counts: list[str]
) -> None:
    for _ in range(12):
        await make_program()
    first = await page(api, category="금융", limit=5)
    assert first["total"] == 12 and len(counts) == 1
    for offset in (5, 10):
        assert (await page(api, category="금융", limit=5, offset=offset))["total"] == 12
    assert (await page(api, category="금융", limit=5, sort="title"))["total"] == 12
    assert len(counts) == 1  # other pages and orders of the same search share the total
    await make_program()
    assert (await page(api, category="금융", limit=5, offset=5))["total"] == 13
    assert len(counts) == 2


async def test_a_short_first_page_knows_its_total(
    api: httpx.AsyncClient, make_program: Any, counts: list[str]
) -> None:
    for _ in range(3):
        await make_program()
    data = await page(api, category="금융", limit=5)
    assert data["total"] == 3 and len(data["items"]) == 3
    assert counts == []


async def test_the_seed_answers_are_tagged_and_sent_whole(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program()
    for params in ({}, {"action": "scraping_status"}):
        first = await client.get("/scraping-dashboard", params=params)
        etag = first.headers["ETag"]
        # The seed's clients never asked for conditional GETs: its answers stay whole.
        again = await client.get(
            "/scraping-dashboard", params=params, headers={"If-None-Match": etag}
        )
        assert again.status_code == 200 and again.json()["data"] == first.json()["data"]
        assert again.headers["ETag"] == etag
    before = (await client.get("/scraping-dashboard")).headers["ETag"]
    await make_program()
    after = await client.get("/scraping-dashboard")
    assert after.headers["ETag"] != before and after.json()["data"]["total"] == 2


async def test_the_status_follows_the_clock_once_its_max_age_is_over(
    client: httpx.AsyncClient,
    make_program: Any,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cached, "STATUS_MAX_AGE_SECONDS", 0.0)
    await make_program(first_seen_at=clock.now)
    url = "/scraping-dashboard?action=scraping_status"
    assert (await client.get(url)).json()["data"]["new_today"] == 1
    clock.now += dt.timedelta(days=1)  # no write: only the clock moved
    data = (await client.get(url)).json()["data"]
    assert data["new_today"] == 0 and data["total_scraped"] == 1
