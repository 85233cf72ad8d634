"""``/env-config``'s answer: the seed's client configuration from the key file, with every
secret masked (CONTRACT.md: a key is never sent in clear)."""

from __future__ import annotations

import datetime as dt

from paperwork.ai.gateway import Gateway
from paperwork.ai.prices import NANOS_PER_USD
from paperwork.config import SECRET_KEYS, KeyFile
from paperwork.ops.seed_schemas import (
    AIConfig,
    CLIConfig,
    EnvConfig,
    EnvMeta,
    GatewayConfig,
    NaverConfig,
    SystemConfig,
)

# Keys shorter than this show nothing of themselves: four characters of a short key are too much.
MIN_LENGTH_TO_SHOW_TAIL = 12


def mask(value: str) -> str:
    if not value:
        return ""
    return "****" + (value[-4:] if len(value) >= MIN_LENGTH_TO_SHOW_TAIL else "")


def gateway_config(gateway: Gateway) -> GatewayConfig:
    offered = list(gateway.providers)
    return GatewayConfig(
        providers=offered,
        defaultProvider=gateway.default_provider,
        defaultModels={name: gateway.models[name] for name in offered},
        models={name: gateway.prices.models(name) for name in offered},
        maxTokens=gateway.max_tokens_default,
        temperature=gateway.temperature_default,
        dailyCostLimitUsd=gateway.caps.everyone / NANOS_PER_USD,
        ocr=gateway.ocr is not None,
        endpoints={
            "chat": "/api/v1/ai/chat",
            "ocr": "/api/v1/ai/ocr",
            "usage": "/api/v1/ai/usage",
        },
    )


def env_config(keys: KeyFile, gateway: Gateway, *, now: dt.datetime) -> EnvConfig:
    return EnvConfig(
        naver=NaverConfig(
            ocrApiKey=mask(keys.get("NAVER_OCR_API_KEY")),
            domainCode=keys.get("NAVER_OCR_DOMAIN_CODE", "HealingSpace"),
        ),
        ai=AIConfig(
            geminiApiKey=mask(keys.get("GEMINI_API_KEY")),
            openaiApiKey=mask(keys.get("OPENAI_API_KEY")),
            anthropicApiKey=mask(keys.get("ANTHROPIC_API_KEY")),
        ),
        cli=CLIConfig(
            claudeEnabled=keys.get_bool("CLAUDE_CLI_ENABLED", True),
            geminiEnabled=keys.get_bool("GEMINI_CLI_ENABLED", True),
        ),
        system=SystemConfig(
            rateLimit=keys.rate_limit_per_minute,
            timeout=int(keys.timeout_seconds * 1000),
            maxTokens=keys.get_int("MAX_TOKENS_DEFAULT", 2000),
            temperature=keys.get_float("TEMPERATURE_DEFAULT", 0.7),
            dailyCostLimit=keys.get_float("DAILY_COST_LIMIT_USD", 50),
        ),
        gateway=gateway_config(gateway),
        meta=EnvMeta(
            timestamp=now.isoformat(),
            keysFound=len(keys.values),
            hasNaverOCR=bool(keys.get("NAVER_OCR_API_KEY")),
            hasAIKeys=any(keys.get(key) for key in SECRET_KEYS[1:]),
            source="env-ai-file" if keys.values else "defaults",
        ),
    )
