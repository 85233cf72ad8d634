"""The shapes of ``/api/v1/ai``: a chat request (the OpenAI-style messages every provider here
takes), its answer with the usage and cost, and the usage report."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from paperwork.ai.providers import Role

ProviderName = Literal["openai", "anthropic", "gemini"]
MAX_PROMPT_CHARACTERS = 200_000


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str = Field(min_length=1, max_length=MAX_PROMPT_CHARACTERS)


class JsonSchemaFormat(BaseModel):
    name: str = Field(default="answer", max_length=64)
    schema_: dict[str, Any] = Field(alias="schema", description="The JSON Schema of the answer.")


class ResponseFormat(BaseModel):
    """``{"type": "json_schema", "json_schema": {"name": ..., "schema": {...}}}``: the answer
    must be JSON valid against the schema (checked here, whatever the provider)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["json_schema"]
    json_schema: JsonSchemaFormat


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: ProviderName | None = Field(default=None, description="Omitted: the default.")
    model: str | None = Field(default=None, min_length=1, max_length=100)
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=100)
    max_tokens: int | None = Field(default=None, ge=1, le=32_000)
    temperature: float | None = Field(default=None, ge=0, le=2)
    stream: bool = False
    response_format: ResponseFormat | None = None

    @field_validator("messages")
    @classmethod
    def _asks_something(cls, messages: list[ChatMessageIn]) -> list[ChatMessageIn]:
        # System messages alone ask nothing: Gemini and Anthropic refuse such a call outright
        # (Gemini's SDK only once the answer has started streaming).
        if all(message.role is Role.system for message in messages):
            raise ValueError("at least one user or assistant message is needed")
        return messages


class UsageOut(BaseModel):
    tokens_in: int
    tokens_out: int


class ChatOut(BaseModel):
    text: str
    json_: Any | None = Field(
        default=None, alias="json", description="The answer parsed (with response_format)."
    )
    provider: ProviderName
    model: str
    usage: UsageOut
    cost_usd: float

    model_config = ConfigDict(populate_by_name=True)


class OcrLine(BaseModel):
    text: str
    confidence: float = Field(description="The lowest of its words' confidences (0–1).")
    box: list[list[float]] = Field(description="The corners [x, y] around the line, clockwise.")


class OcrOut(BaseModel):
    text: str = Field(description="The lines, one per line.")
    lines: list[OcrLine]
    cost_usd: float


class UsageRow(BaseModel):
    day: dt.date
    provider: str
    model: str
    calls: int
    tokens_in: int
    tokens_out: int
    cost_usd: float


class UsageReport(BaseModel):
    days: int
    today: dt.date
    today_spent_usd: float
    today_reserved_usd: float
    daily_limit_usd: float
    rows: list[UsageRow]
