"""The gateway's other limits: each token's own daily cap (``PAPERWORK_AI_TOKEN_DAILY_LIMIT_USD``)
beside the service's, each token's request rate, and the price table an operator extends or
corrects with ``PAPERWORK_AI_PRICES_FILE`` (a broken one stops the start, naming the file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ai_fakes import FakeProviders
from apptest import Clock, serve
from paperwork.ai.prices import BadPriceFile
from paperwork.app import create_app
from paperwork.auth.tokens import create_token
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.vocabulary import TokenRole

QUESTION = [{"role": "user", "content": "요약해 주세요."}]


async def _client_headers(db: Database, name: str) -> dict[str, str]:
    async with db.session_scope() as session:
        token = await create_token(session, name=name, role=TokenRole.client)
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_past_its_own_daily_cap_is_refused_while_another_goes_on(
    ai_settings: Callable[..., Settings], clock: Clock, db: Database, fake: FakeProviders
) -> None:
    # A call of gpt-4o-mini answering 1,000 tokens costs $0.0006: a $0.001 cap allows one.
    fake.usage_out = 1_000
    settings = ai_settings({"ai_token_daily_limit_usd": 0.001})
    first, second = await _client_headers(db, "first"), await _client_headers(db, "second")
    body = {"provider": "openai", "messages": QUESTION, "max_tokens": 1_000}
    async for api in serve(settings, clock):
        assert (await api.post("/api/v1/ai/chat", headers=first, json=body)).status_code == 200
        refused = await api.post("/api/v1/ai/chat", headers=first, json=body)
        assert refused.status_code == 429 and refused.json()["code"] == "daily_cost_limit"
        assert "token" in refused.json()["error"]
        assert (await api.post("/api/v1/ai/chat", headers=second, json=body)).status_code == 200


async def test_a_token_asking_too_fast_is_told_to_wait(
    ai_settings: Callable[..., Settings], clock: Clock, client_token: dict[str, str]
) -> None:
    body = {"provider": "gemini", "messages": QUESTION}
    async for api in serve(ai_settings({"ai_requests_per_minute": 2}), clock):
        answers = [
            await api.post("/api/v1/ai/chat", headers=client_token, json=body) for _ in range(3)
        ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert int(answers[2].headers["Retry-After"]) >= 1


async def test_an_operator_price_file_adds_a_model_and_corrects_a_price(
    ai_settings: Callable[..., Settings],
    clock: Clock,
    client_token: dict[str, str],
    fake: FakeProviders,
    tmp_path: Path,
) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        '[openai."gpt-5-nano"]\ninput_per_million = 0.05\noutput_per_million = 0.40\n\n'
        '[openai."gpt-4o-mini"]\ninput_per_million = 1.0\noutput_per_million = 2.0\n',
        encoding="utf-8",
    )
    fake.usage_in, fake.usage_out = 1_000_000, 500_000
    async for api in serve(
        ai_settings({"ai_prices_file": prices}, DAILY_COST_LIMIT_USD=100), clock
    ):
        new = await api.post(
            "/api/v1/ai/chat",
            headers=client_token,
            json={"provider": "openai", "model": "gpt-5-nano", "messages": QUESTION},
        )
        corrected = await api.post(
            "/api/v1/ai/chat",
            headers=client_token,
            json={"provider": "openai", "messages": QUESTION},
        )
        gemini = await api.post(
            "/api/v1/ai/chat",
            headers=client_token,
            json={"provider": "gemini", "messages": QUESTION},
        )
    assert new.json()["data"]["cost_usd"] == pytest.approx(0.05 + 0.20)
    assert corrected.json()["data"]["cost_usd"] == pytest.approx(1.0 + 1.0)
    assert gemini.json()["data"]["cost_usd"] == pytest.approx(0.30 + 1.25)  # packaged, untouched


def test_a_broken_price_file_stops_the_start_naming_it(
    ai_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text('[openai."gpt-x"]\ninput_per_million = "cheap"\n', encoding="utf-8")
    with pytest.raises(BadPriceFile, match=r"prices\.toml"):
        create_app(ai_settings({"ai_prices_file": prices}))
    prices.write_text("[openai\n", encoding="utf-8")
    with pytest.raises(BadPriceFile, match=r"prices\.toml"):
        create_app(ai_settings({"ai_prices_file": prices}))


async def test_without_keys_the_gateway_says_it_is_not_configured(
    settings: Settings, clock: Clock, client_token: dict[str, str]
) -> None:
    async for api in serve(settings, clock):
        answer = await api.post(
            "/api/v1/ai/chat", headers=client_token, json={"messages": QUESTION}
        )
        config = (await api.get("/env-config")).json()["data"]["gateway"]
    assert answer.status_code == 503 and answer.json()["code"] == "provider_not_configured"
    assert config["providers"] == [] and config["ocr"] is False
