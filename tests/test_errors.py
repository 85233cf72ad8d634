"""Every failure comes in the envelope with its real status; a dead database is a 503."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from apptest import serve
from paperwork.config import Settings


async def test_unknown_route_is_404_in_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/wp-admin.php")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False and body["error"] and body["timestamp"]


async def test_wrong_method_is_405_in_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.delete("/scraping-config")
    assert response.status_code == 405
    assert response.json()["success"] is False


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def client_without_database(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/gone"
    async for api in serve(settings.model_copy(update={"database_url": url})):
        yield api


async def test_database_down_health_is_503_unhealthy(
    client_without_database: httpx.AsyncClient,
) -> None:
    response = await client_without_database.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"]["status"] == "unhealthy"


@pytest.mark.parametrize(
    "path",
    ["/scraping-dashboard", "/scraping-dashboard?action=scraping_status", "/scraping-config",
     "/metrics"],
)  # fmt: skip
async def test_database_down_endpoints_answer_503_without_internals(
    client_without_database: httpx.AsyncClient, path: str
) -> None:
    response = await client_without_database.get(path)
    assert response.status_code == 503
    body = response.json()
    assert body["success"] is False
    text = response.text.lower()
    assert "traceback" not in text and "select" not in text and "asyncpg" not in text


@pytest.mark.parametrize(
    "path",
    ["/scraping-config?portal_id=biz%00info", "/api/v1/programs?q=%00", "/scraping-config/a%00b"],
)
async def test_nul_characters_are_refused_not_a_500(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 422
    assert response.json()["success"] is False
