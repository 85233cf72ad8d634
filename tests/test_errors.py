"""Every failure comes in the envelope with its real status; a dead database is a 503."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
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


def _postgres_error(code: str, message: str) -> bytes:
    """A PostgreSQL ErrorResponse message (protocol 3): severity, code, text."""
    fields = b"".join(
        kind + value.encode() + b"\0"
        for kind, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", code), (b"M", message))
    )
    body = fields + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


@pytest.fixture
async def restarting_server() -> AsyncIterator[int]:
    """A local server that speaks PostgreSQL's protocol far enough to refuse every connection
    as a server does while it starts up after a restart (SQLSTATE 57P03)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while True:
                size = struct.unpack("!I", await reader.readexactly(4))[0]
                packet = await reader.readexactly(size - 4)
                if packet[:4] == struct.pack("!I", 80877103):  # SSLRequest: no TLS here
                    writer.write(b"N")
                    continue
                writer.write(_postgres_error("57P03", "the database system is starting up"))
                await writer.drain()
                break
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


async def test_a_database_starting_up_after_a_restart_is_a_503_not_a_500(
    settings: Settings, restarting_server: int
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{restarting_server}/paperwork"
    async for api in serve(settings.model_copy(update={"database_url": url})):
        response = await api.get("/api/v1/programs")
        assert response.status_code == 503
        body = response.json()
        assert body["success"] is False and "database unavailable" in body["error"]
