"""Every response carries a request id and its processing time; clients are rate limited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from apptest import serve
from paperwork.config import Settings


async def test_request_id_is_generated_or_kept(client: httpx.AsyncClient) -> None:
    generated = await client.get("/scraping-config")
    assert len(generated.headers["X-Request-ID"]) == 32
    kept = await client.get("/scraping-config", headers={"X-Request-ID": "trace-abc-123"})
    assert kept.headers["X-Request-ID"] == "trace-abc-123"
    # An absurd id is replaced rather than echoed into logs and headers.
    replaced = await client.get("/scraping-config", headers={"X-Request-ID": "x" * 500})
    assert replaced.headers["X-Request-ID"] != "x" * 500


async def test_process_time_header_on_success_and_failure(client: httpx.AsyncClient) -> None:
    for path in ("/scraping-config", "/no-such-page"):
        response = await client.get(path)
        assert float(response.headers["X-Process-Time"]) >= 0


async def test_one_access_log_line_per_request(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="paperwork.access")
    await client.get("/scraping-config", headers={"X-Request-ID": "log-me-1"})
    lines = [r.getMessage() for r in caplog.records if r.name == "paperwork.access"]
    assert len(lines) == 1
    assert "path=/scraping-config" in lines[0] and "status=200" in lines[0]
    assert "request_id=log-me-1" in lines[0]


@pytest.fixture
async def limited_client(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    key_file = tmp_path / "limited.env.ai"
    key_file.write_text("API_RATE_LIMIT=3\n", encoding="utf-8")
    key_file.chmod(0o600)
    async for api in serve(settings.model_copy(update={"env_ai_file": key_file})):
        yield api


async def test_rate_limit_answers_429_with_retry_after(limited_client: httpx.AsyncClient) -> None:
    statuses = [(await limited_client.get("/scraping-config")).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = await limited_client.get("/scraping-config")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["success"] is False and limited.json()["error"]
    # Health checks and metrics stay reachable while the client is throttled.
    assert (await limited_client.get("/health")).status_code == 200
    assert (await limited_client.get("/metrics")).status_code == 200


async def test_cors_follows_settings(settings: Settings) -> None:
    allowed = settings.model_copy(update={"cors_origins": ["https://paperwork.example"]})
    async for api in serve(allowed):
        response = await api.options(
            "/scraping-config",
            headers={
                "Origin": "https://paperwork.example",
                "Access-Control-Request-Method": "GET",
            },
        )
        assert response.headers["access-control-allow-origin"] == "https://paperwork.example"
        other = await api.get("/scraping-config", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
