"""``/env-config``: the seed's client configuration, with every secret masked."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from paperwork.config import SECRET_KEYS, KeyFile
from paperwork.envelope import Envelope, now_iso, ok

router = APIRouter(tags=["ops"])

# Keys shorter than this show nothing of themselves: four characters of a short key are too much.
MIN_LENGTH_TO_SHOW_TAIL = 12


def mask(value: str) -> str:
    if not value:
        return ""
    return "****" + (value[-4:] if len(value) >= MIN_LENGTH_TO_SHOW_TAIL else "")


def env_config(keys: KeyFile, *, source: str) -> dict[str, Any]:
    return {
        "naver": {
            "ocrApiKey": mask(keys.get("NAVER_OCR_API_KEY")),
            "domainCode": keys.get("NAVER_OCR_DOMAIN_CODE", "HealingSpace"),
        },
        "ai": {
            "geminiApiKey": mask(keys.get("GEMINI_API_KEY")),
            "openaiApiKey": mask(keys.get("OPENAI_API_KEY")),
            "anthropicApiKey": mask(keys.get("ANTHROPIC_API_KEY")),
        },
        "cli": {
            "claudeEnabled": keys.get_bool("CLAUDE_CLI_ENABLED", True),
            "geminiEnabled": keys.get_bool("GEMINI_CLI_ENABLED", True),
        },
        "system": {
            "rateLimit": keys.rate_limit_per_minute,
            "timeout": int(keys.timeout_seconds * 1000),
            "maxTokens": keys.get_int("MAX_TOKENS_DEFAULT", 2000),
            "temperature": keys.get_float("TEMPERATURE_DEFAULT", 0.7),
            "dailyCostLimit": keys.get_float("DAILY_COST_LIMIT_USD", 50),
        },
        "_meta": {
            "timestamp": now_iso(),
            "keysFound": len(keys.values),
            "hasNaverOCR": bool(keys.get("NAVER_OCR_API_KEY")),
            "hasAIKeys": any(keys.get(key) for key in SECRET_KEYS[1:]),
            "source": source,
        },
    }


class NaverConfig(BaseModel):
    ocrApiKey: str
    domainCode: str


class AIConfig(BaseModel):
    geminiApiKey: str
    openaiApiKey: str
    anthropicApiKey: str


class CLIConfig(BaseModel):
    claudeEnabled: bool
    geminiEnabled: bool


class SystemConfig(BaseModel):
    rateLimit: int
    timeout: int
    maxTokens: int
    temperature: float
    dailyCostLimit: float


class EnvMeta(BaseModel):
    timestamp: str
    keysFound: int
    hasNaverOCR: bool
    hasAIKeys: bool
    source: str


class EnvConfig(BaseModel):
    naver: NaverConfig
    ai: AIConfig
    cli: CLIConfig
    system: SystemConfig
    meta: EnvMeta = Field(alias="_meta")  # the seed's key; pydantic fields can't start with _


@router.get(
    "/env-config",
    response_model=Envelope[EnvConfig],
    summary="클라이언트 환경 설정 (비밀 키는 마스킹)",
)
async def get_env_config(request: Request) -> Any:
    settings = request.app.state.settings
    keys: KeyFile = settings.keys
    return ok(env_config(keys, source="env-ai-file" if keys.values else "defaults"))
