"""Saved portal answers served through ``httpx.MockTransport``, a minimal fetcher over them, and
collector settings built the way the service builds them."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from paperwork.collectors.base import CollectorSettings, StructuralError, TransientError
from paperwork.config import Settings

FIXTURES = Path(__file__).parent.parent / "fixtures" / "portals"

Handler = Callable[[httpx.Request], httpx.Response]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def respond(name: str, status_code: int = 200) -> httpx.Response:
    """A response carrying a saved file, with the content type the portal would send."""
    suffix = name.rsplit(".", 1)[-1]
    content_type = {
        "json": "application/json;charset=UTF-8",
        "xml": "application/xml;charset=UTF-8",
        "html": "text/html;charset=UTF-8",
    }[suffix]
    return httpx.Response(
        status_code, content=fixture_bytes(name), headers={"content-type": content_type}
    )


class MockFetcher:
    """``PortalFetcher`` over a plain client: no retries, no delay, no robots.txt.

    Statuses map onto the error tree the way the shared client does (5xx/429 → TransientError,
    other 4xx → StructuralError), so collectors see the same errors as in production.
    """

    def __init__(self, handler: Handler) -> None:
        self.client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        self.calls: list[tuple[httpx.URL, bool]] = []

    async def get(
        self, url: str, *, params: dict[str, str] | None = None, html: bool = False
    ) -> httpx.Response:
        response = await self.client.get(url, params=params)
        self.calls.append((response.request.url, html))
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"HTTP {response.status_code} from {url}")
        if response.status_code >= 400:
            raise StructuralError(f"HTTP {response.status_code} from {url}")
        return response

    async def aclose(self) -> None:
        await self.client.aclose()


@pytest.fixture
async def make_fetcher() -> AsyncIterator[Callable[[Handler], MockFetcher]]:
    made: list[MockFetcher] = []

    def make(handler: Handler) -> MockFetcher:
        fetcher = MockFetcher(handler)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()


# Helpers as fixtures, so test modules need no import of this conftest (which breaks as soon as
# another conftest.py or --import-mode=importlib is in play).
@pytest.fixture
def portal_file() -> Callable[[str], bytes]:
    return fixture_bytes


@pytest.fixture
def portal_response() -> Callable[..., httpx.Response]:
    return respond


@pytest.fixture
def portal_settings() -> Callable[..., CollectorSettings]:
    """``CollectorSettings`` from ``Settings``' own defaults (no environment, no keys), with
    ``overrides``: what a source sees on a machine where only the given keys are set."""

    def make(**overrides: Any) -> CollectorSettings:
        defaults = CollectorSettings.from_settings(Settings.model_construct())
        return dataclasses.replace(defaults, **overrides)

    return make
