"""/env-config (ops/env_config.py): the seed's keys and defaults, built through the documented
model, and the AI gateway's section (with keys: tests/ai/test_chat.py); its time is the app's
clock. (Masking: tests/test_secrets.py.)"""

from __future__ import annotations

import httpx

from apptest import Clock
from paperwork.ops.seed_schemas import EnvConfig


async def test_the_seeds_keys_and_defaults(client: httpx.AsyncClient, clock: Clock) -> None:
    response = await client.get("/env-config")
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"naver", "ai", "cli", "system", "gateway", "_meta"}
    assert data["naver"] == {"ocrApiKey": "", "domainCode": "HealingSpace"}
    assert data["ai"] == {"geminiApiKey": "", "openaiApiKey": "", "anthropicApiKey": ""}
    assert data["cli"] == {"claudeEnabled": True, "geminiEnabled": True}
    system = data["system"]
    assert (system["timeout"], system["maxTokens"], system["temperature"]) == (30000, 2000, 0.7)
    assert system["dailyCostLimit"] == 50
    # No key in the file: the gateway offers nothing, under the seed's default cap.
    gateway = data["gateway"]
    assert (gateway["providers"], gateway["ocr"], gateway["defaultProvider"]) == ([], False, None)
    assert gateway["dailyCostLimitUsd"] == 50
    meta = data["_meta"]
    assert meta["timestamp"] == clock.now.isoformat()
    assert (meta["keysFound"], meta["source"]) == (1, "env-ai-file")  # API_RATE_LIMIT only
    assert (meta["hasNaverOCR"], meta["hasAIKeys"]) == (False, False)
    assert EnvConfig.model_validate(data).model_dump(mode="json", by_alias=True) == data
