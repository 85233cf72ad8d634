"""A bounded schemathesis run over /openapi.json against the real server over HTTP:
no 5xx, and every response matches the documented schema. The AI gateway reaches the fake
providers (tests/ai_fakes.py); its 502/504 answers (a provider's failure, or a model's answer
that is not the JSON asked for) are documented answers of a gateway, so only they may be 5xx."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ai_fakes import FakeProviders
from apptest import TEST_RATE_LIMIT
from paperwork.app import create_app
from paperwork.auth.tokens import create_token
from paperwork.config import Settings
from paperwork.db import Database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The app under uvicorn on a free port; yields its base URL and an admin token."""
    fake = FakeProviders()
    fake.start()
    key_file: Path = tmp_path_factory.mktemp("keys") / ".env.ai"
    key_file.write_text(
        f"API_RATE_LIMIT={TEST_RATE_LIMIT}\n"
        f"OPENAI_API_KEY={fake.keys['openai']}\nGEMINI_API_KEY={fake.keys['gemini']}\n",
        encoding="utf-8",
    )
    key_file.chmod(0o600)

    async def make_token() -> str:
        database = Database(database_url, pool_size=1)
        try:
            async with database.session_scope() as session:
                return await create_token(session, name=f"fuzz-{time.time_ns()}")
        finally:
            await database.dispose()

    token = asyncio.run(make_token())
    app_settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        env_ai_file=key_file,
        scheduler=False,
        log_level="WARNING",
        openai_base_url=fake.openai_base_url,
        gemini_base_url=fake.gemini_base_url,
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(app_settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield base_url, token
    server.should_exit = True
    thread.join(timeout=10)
    fake.stop()


CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]
CHECKS = [not_a_server_error, *CONFORMANCE]


def _through_the_gateway(path: str) -> bool:
    """The operations that call an AI provider: /api/v1/ai/… and a program's summary."""
    return path.startswith("/api/v1/ai/") or path.endswith("/summary")


def test_api_conforms_to_its_schema(live_server: tuple[str, str]) -> None:
    base_url, token = live_server
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        checks = CONFORMANCE if _through_the_gateway(operation.path) else CHECKS
        _fuzz(operation, token, checks)


def _fuzz(operation: Any, token: str, checks: list[Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

    check()


def test_docs_pages_are_served(live_server: tuple[str, str]) -> None:
    base_url, _token = live_server
    for path in ("/docs", "/redoc"):
        response = httpx.get(base_url + path)
        assert response.status_code == 200 and "<html" in response.text.lower()
    spec = httpx.get(base_url + "/openapi.json").json()
    assert {"/health", "/scraping-dashboard", "/scraping-config", "/env-config"} <= set(
        spec["paths"]
    )
