"""``POST /api/v1/ai/chat`` against the three providers' real wire formats (tests/ai_fakes.py),
through their official SDKs: a call is charged what the provider says it used, at the price
table's price; streaming ends with the usage; a failed call is charged nothing; the daily cap
refuses with 429 until Seoul midnight; the key never leaves the server."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from ai_fakes import FakeProviders
from apptest import Clock, serve
from paperwork.ai.prices import load_prices
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import AISpend, AIUsage
from paperwork.timeutil import SEOUL

PROVIDERS = ("openai", "anthropic", "gemini")
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
QUESTION = [{"role": "user", "content": "이 공고의 지원대상을 알려 주세요."}]


def _expected_usd(provider: str, tokens_in: int, tokens_out: int) -> float:
    price = load_prices().of(provider, MODELS[provider])
    usd = (price.input_per_million * tokens_in + price.output_per_million * tokens_out) / Decimal(
        1_000_000
    )
    return float(usd)


async def _usage_rows(db: Database) -> list[AIUsage]:
    async with db.session_scope() as session:
        return list(await session.scalars(select(AIUsage).order_by(AIUsage.id)))


async def _spend(db: Database) -> tuple[int, int]:
    async with db.session_scope() as session:
        row = (await session.execute(select(AISpend.spent_nanos, AISpend.reserved_nanos))).first()
    return (row[0], row[1]) if row else (0, 0)


def _assert_no_key(fake: FakeProviders, *texts: str) -> None:
    for text in texts:
        for key in fake.keys.values():
            assert key not in text


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_call_answers_and_is_charged_its_real_cost(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
    provider: str,
) -> None:
    fake.usage_in, fake.usage_out = 1_200, 340
    answer = await api.post(
        "/api/v1/ai/chat",
        headers=client_token,
        json={"provider": provider, "messages": QUESTION, "max_tokens": 500},
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["text"] == fake.reply
    assert (data["provider"], data["model"]) == (provider, MODELS[provider])
    assert data["usage"] == {"tokens_in": 1_200, "tokens_out": 340}
    assert data["cost_usd"] == pytest.approx(_expected_usd(provider, 1_200, 340))
    [sent] = fake.requests_for(provider)
    assert "이 공고의 지원대상" in json.dumps(sent.json, ensure_ascii=False)
    [row] = await _usage_rows(db)
    assert (row.provider, row.model, row.status, row.kind) == (
        provider,
        MODELS[provider],
        "ok",
        "chat",
    )
    assert (row.tokens_in, row.tokens_out) == (1_200, 340)
    spent, reserved = await _spend(db)
    assert spent == row.cost_nanos and reserved == 0  # the reservation became the real cost
    _assert_no_key(fake, answer.text)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_stream_sends_the_text_then_the_usage_and_cost(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
    provider: str,
) -> None:
    body = {"provider": provider, "messages": QUESTION, "stream": True}
    async with api.stream("POST", "/api/v1/ai/chat", headers=client_token, json=body) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        events = []
        async for line in answer.aiter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    *deltas, (last, done) = events
    assert {name for name, _data in deltas} == {"delta"}
    assert "".join(data["text"] for _name, data in deltas) == fake.reply
    assert last == "done"
    assert done["usage"] == {"tokens_in": fake.usage_in, "tokens_out": fake.usage_out}
    assert done["cost_usd"] == pytest.approx(_expected_usd(provider, fake.usage_in, fake.usage_out))
    assert (await _spend(db))[1] == 0


async def test_a_provider_failure_is_charged_nothing(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders, db: Database
) -> None:
    fake.status = 500
    answer = await api.post("/api/v1/ai/chat", headers=client_token, json={"messages": QUESTION})
    assert answer.status_code == 502
    assert answer.json()["code"] == "provider_unavailable"
    assert await _spend(db) == (0, 0)
    rows = await _usage_rows(db)
    assert rows and {row.status for row in rows} == {"failed"} and rows[-1].cost_nanos == 0


async def test_a_provider_rate_limit_is_a_503_with_its_wait(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders
) -> None:
    fake.status = 429
    answer = await api.post("/api/v1/ai/chat", headers=client_token, json={"messages": QUESTION})
    assert answer.status_code == 503
    assert answer.json()["code"] == "provider_rate_limited"
    assert answer.headers["Retry-After"] == "7"


async def test_a_timeout_is_a_504_and_releases_the_reservation(
    ai_settings: Callable[..., Settings],
    clock: Clock,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
) -> None:
    fake.delay = 3.0
    async for api in serve(ai_settings(API_TIMEOUT=1), clock):
        answer = await api.post(
            "/api/v1/ai/chat",
            headers=client_token,
            json={"provider": "openai", "messages": QUESTION},
        )
    assert answer.status_code == 504
    assert answer.json()["code"] == "provider_timeout"
    assert await _spend(db) == (0, 0)


async def test_a_refused_key_is_a_502_that_never_repeats_it(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # The provider expects another key, and its error message quotes the one it was given.
    fake.keys = {name: "expected-other-key-000000" for name in fake.keys}
    sentinels = dict(openai="sk-fake-openai-0123456789", anthropic="sk-ant-fake-0123456789")
    for provider in PROVIDERS:
        answer = await api.post(
            "/api/v1/ai/chat",
            headers=client_token,
            json={"provider": provider, "messages": QUESTION},
        )
        assert answer.status_code == 502
        assert answer.json()["code"] == "provider_auth_failed"
        for key in sentinels.values():
            assert key not in answer.text
    rows = await _usage_rows(db)
    logged = caplog.text + repr([vars(row) for row in rows])
    for key in (*sentinels.values(), "AIzaFakeGeminiKey0123456789"):
        assert key not in logged


async def test_past_the_daily_cap_a_call_is_refused_until_seoul_midnight(
    ai_settings: Callable[..., Settings],
    clock: Clock,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
) -> None:
    # 2,000 output tokens of gpt-4o-mini can cost $0.0012: a cap of $0.001 allows no call.
    async for api in serve(ai_settings(DAILY_COST_LIMIT_USD=0.001), clock):
        answer = await api.post(
            "/api/v1/ai/chat",
            headers=client_token,
            json={"provider": "openai", "messages": QUESTION, "max_tokens": 2_000},
        )
    assert answer.status_code == 429
    assert answer.json()["code"] == "daily_cost_limit"
    now = clock.now.astimezone(SEOUL)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=SEOUL)
    assert int(answer.headers["Retry-After"]) == pytest.approx(
        (midnight - now).total_seconds(), abs=2
    )
    assert fake.requests == []  # the provider was never called
    [row] = await _usage_rows(db)
    assert (row.status, row.cost_nanos) == ("refused", 0)


async def test_a_model_without_a_price_is_refused(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders
) -> None:
    answer = await api.post(
        "/api/v1/ai/chat",
        headers=client_token,
        json={"provider": "openai", "model": "gpt-unpriced", "messages": QUESTION},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "unknown_model_price"
    assert "gpt-unpriced" in answer.json()["error"]
    assert fake.requests == []


@pytest.mark.parametrize("stream", [False, True])
async def test_system_messages_alone_ask_nothing_and_are_refused(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders, stream: bool
) -> None:
    """Found by the schema fuzzer: Gemini's SDK refused such a call only once the stream had
    begun, and the client saw a broken response."""
    answer = await api.post(
        "/api/v1/ai/chat",
        headers=client_token,
        json={
            "provider": "gemini",
            "messages": [{"role": "system", "content": "항상 한국어로 답하세요."}],
            "stream": stream,
        },
    )
    assert answer.status_code == 422
    assert "user or assistant" in answer.json()["error"]
    assert fake.requests == []


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"target": {"type": "string"}, "amount": {"type": "integer"}},
    "required": ["target", "amount"],
}


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_json_schema_answer_is_parsed_and_checked(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders, provider: str
) -> None:
    body = {
        "provider": provider,
        "messages": QUESTION,
        "response_format": {"type": "json_schema", "json_schema": {"schema": SCHEMA}},
    }
    fake.reply = json.dumps({"target": "예비창업자", "amount": 100_000_000}, ensure_ascii=False)
    answer = await api.post("/api/v1/ai/chat", headers=client_token, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["json"] == {"target": "예비창업자", "amount": 100_000_000}
    fake.reply = json.dumps({"target": "예비창업자"})
    answer = await api.post("/api/v1/ai/chat", headers=client_token, json=body)
    assert answer.status_code == 502
    assert answer.json()["code"] == "invalid_json" and "amount" in answer.json()["error"]


async def test_anonymous_is_401_and_the_usage_report_is_for_admins(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    admin_headers: dict[str, str],
) -> None:
    assert (await api.post("/api/v1/ai/chat", json={"messages": QUESTION})).status_code == 401
    await api.post(
        "/api/v1/ai/chat", headers=client_token, json={"provider": "gemini", "messages": QUESTION}
    )
    assert (await api.get("/api/v1/ai/usage", headers=client_token)).status_code == 403
    report = (await api.get("/api/v1/ai/usage", headers=admin_headers)).json()["data"]
    [row] = report["rows"]
    assert (row["provider"], row["model"], row["calls"]) == ("gemini", MODELS["gemini"], 1)
    assert report["today_spent_usd"] == pytest.approx(row["cost_usd"])
    assert report["daily_limit_usd"] == 1.0


async def test_env_config_tells_clients_what_the_gateway_offers_and_no_key(
    ai_settings: Callable[..., Settings], clock: Clock, fake: FakeProviders
) -> None:
    async for api in serve(ai_settings(GEMINI_CLI_ENABLED="false", MAX_TOKENS_DEFAULT=800), clock):
        answer = await api.get("/env-config")
    gateway = answer.json()["data"]["gateway"]
    assert gateway["providers"] == ["openai", "anthropic"]  # Gemini switched off in the key file
    assert gateway["defaultProvider"] == "openai"
    assert gateway["defaultModels"] == {
        "openai": MODELS["openai"],
        "anthropic": MODELS["anthropic"],
    }
    assert MODELS["openai"] in gateway["models"]["openai"]
    assert (gateway["maxTokens"], gateway["dailyCostLimitUsd"]) == (800, 1.0)
    assert gateway["endpoints"]["chat"] == "/api/v1/ai/chat" and gateway["ocr"] is True
    _assert_no_key(fake, answer.text)
