"""The daily cap holds across API processes: two ``paperwork serve`` processes on one database,
twenty calls at once against a cap that has room for five reservations — exactly five are
answered, the others refused with 429, and the day's spend is the sum of the five calls' costs.
The provider holds every call for a moment, so all twenty are in flight together."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from ai_fakes import FakeProviders
from local_servers import free_port
from paperwork.ai.gateway import estimate_prompt_tokens
from paperwork.ai.prices import NANOS_PER_USD, load_prices
from paperwork.ai.providers import ChatMessage, Role
from paperwork.db import Database
from paperwork.models import AISpend, AIUsage

CALLS = 20
ROOM_FOR = 5
MAX_TOKENS = 1_000
QUESTION = "지원 자격을 요약해 주세요."


def _reservation_nanos() -> int:
    """What the gateway holds for one of these calls (its public rule, not a copy of it)."""
    prompt = estimate_prompt_tokens([ChatMessage(Role.user, QUESTION)])
    price = load_prices().of("openai", "gpt-4o-mini")
    return price.cost_nanos(tokens_in=prompt, tokens_out=MAX_TOKENS)


def _start(
    database_url: str, key_file: Path, fake: FakeProviders, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "PAPERWORK_DATABASE_URL": database_url,
        "PAPERWORK_ENV_AI_FILE": str(key_file),
        "PAPERWORK_OPENAI_BASE_URL": fake.openai_base_url,
        "PAPERWORK_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "paperwork", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--no-scheduler", "--no-migrate",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail("the server did not start")


@pytest.fixture
def two_servers(
    db: Database, tmp_path: Path, fake: FakeProviders, write_keys: Callable[..., Path]
) -> Iterator[list[str]]:
    cap_usd = (ROOM_FOR + 0.5) * _reservation_nanos() / NANOS_PER_USD
    key_file = write_keys(DAILY_COST_LIMIT_USD=f"{cap_usd:.9f}", API_RATE_LIMIT=100_000)
    logs = [tmp_path / f"server-{n}.log" for n in range(2)]
    started = [_start(db.url, key_file, fake, log) for log in logs]
    try:
        for (process, base_url), log in zip(started, logs, strict=True):
            _wait_until_up(base_url, process, log)
        yield [base_url for _process, base_url in started]
    finally:
        for process, _base_url in started:
            process.terminate()
            process.wait(timeout=15)


async def test_twenty_calls_at_once_on_two_processes_spend_exactly_the_cap_s_five(
    two_servers: list[str], client_token: dict[str, str], fake: FakeProviders, db: Database
) -> None:
    fake.delay = 1.0  # every call held at the provider: all twenty are in flight together
    body = {
        "provider": "openai",
        "messages": [{"role": "user", "content": QUESTION}],
        "max_tokens": MAX_TOKENS,
    }

    async def call(base_url: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            return await client.post("/api/v1/ai/chat", headers=client_token, json=body)

    answers = await asyncio.gather(*(call(two_servers[n % 2]) for n in range(CALLS)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * ROOM_FOR + [429] * (CALLS - ROOM_FOR)
    assert {a.json()["code"] for a in answers if a.status_code == 429} == {"daily_cost_limit"}
    assert len(fake.requests_for("openai")) == ROOM_FOR  # the refused ones never reached it
    charged = sum(
        round(a.json()["data"]["cost_usd"] * NANOS_PER_USD) for a in answers if a.status_code == 200
    )
    async with db.session_scope() as session:
        spent, reserved = (
            await session.execute(select(AISpend.spent_nanos, AISpend.reserved_nanos))
        ).one()
        logged = await session.scalar(
            select(func.sum(AIUsage.cost_nanos)).where(AIUsage.status == "ok")
        )
    assert reserved == 0
    assert spent == logged == pytest.approx(charged, abs=ROOM_FOR)
