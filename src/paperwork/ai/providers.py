"""The chat providers, each through its official SDK (``openai``, ``anthropic``, ``google-genai``)
at the base URL settings give (a proxy, or a test server, can stand in), with the key file's
timeout and the SDK's own retries on 429 and 5xx. Every failure becomes a ProviderFailure of a
few kinds, carrying no text of the provider's: its messages may quote the key."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import anthropic
import httpx
import openai
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

RETRIES = 2  # the SDKs' own retries with backoff, on 429, 5xx and dropped connections


class Role(StrEnum):
    system = "system"
    user = "user"
    assistant = "assistant"


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class ChatCall:
    model: str
    messages: list[ChatMessage]
    max_tokens: int
    temperature: float
    json_schema: dict[str, Any] | None = None  # ask for JSON of this schema


@dataclass(frozen=True)
class Usage:
    tokens_in: int
    tokens_out: int


@dataclass(frozen=True)
class Answer:
    text: str
    usage: Usage


class Failure(StrEnum):
    auth = "auth"  # the provider refused our key
    timeout = "timeout"
    rate_limited = "rate_limited"
    unavailable = "unavailable"  # 5xx, or the connection failed
    rejected = "rejected"  # another 4xx: the request itself


class ProviderFailure(Exception):
    def __init__(self, kind: Failure, *, status: int | None = None, retry_after: int | None = None):
        super().__init__(kind.value if status is None else f"{kind.value} (HTTP {status})")
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


class Provider(Protocol):
    name: str

    async def chat(self, call: ChatCall) -> Answer: ...

    def stream(self, call: ChatCall) -> AsyncIterator[str | Usage]:
        """Text deltas, then the Usage."""
        ...

    async def aclose(self) -> None: ...


def kind_of_status(status: int) -> Failure:
    if status in (401, 403):
        return Failure.auth
    if status == 429:
        return Failure.rate_limited
    if status in (408, 504):
        return Failure.timeout
    return Failure.unavailable if status >= 500 else Failure.rejected


def retry_after(headers: Mapping[str, str] | None) -> int | None:
    value = headers.get("retry-after") if headers is not None else None
    return int(value) if value is not None and value.isdigit() else None


def _schema_instruction(schema: dict[str, Any]) -> str:
    return (
        "Answer with one JSON value only, no other text, that validates against this JSON "
        f"Schema:\n{json.dumps(schema, ensure_ascii=False)}"
    )


# --- OpenAI ---------------------------------------------------------------------------------------


class OpenAIProvider:
    name = "openai"

    def __init__(self, *, key: str, base_url: str | None, timeout: float) -> None:
        self._client = openai.AsyncOpenAI(
            api_key=key, base_url=base_url, timeout=timeout, max_retries=RETRIES
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _arguments(self, call: ChatCall) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "model": call.model,
            "messages": [{"role": m.role.value, "content": m.content} for m in call.messages],
            "max_tokens": call.max_tokens,
            "temperature": call.temperature,
        }
        if call.json_schema is not None:
            arguments["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": call.json_schema},
            }
        return arguments

    async def chat(self, call: ChatCall) -> Answer:
        try:
            done = await self._client.chat.completions.create(**self._arguments(call))
        except openai.APIError as exc:
            raise _openai_failure(exc) from None
        usage = done.usage
        text = done.choices[0].message.content or "" if done.choices else ""
        return Answer(
            text, Usage(usage.prompt_tokens, usage.completion_tokens) if usage else _none()
        )

    async def stream(self, call: ChatCall) -> AsyncIterator[str | Usage]:
        arguments = self._arguments(call) | {
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        try:
            chunks = await self._client.chat.completions.create(**arguments)
            async for chunk in chunks:
                for choice in chunk.choices:
                    if choice.delta.content:
                        yield choice.delta.content
                if chunk.usage is not None:
                    yield Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
        except openai.APIError as exc:
            raise _openai_failure(exc) from None


def _sdk_failure(exc: Exception, *, timeout: type[Exception]) -> ProviderFailure:
    """An OpenAI or Anthropic SDK error (the two SDKs share their error classes' shape)."""
    if isinstance(exc, timeout):
        return ProviderFailure(Failure.timeout)
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        headers = getattr(getattr(exc, "response", None), "headers", None)
        return ProviderFailure(
            kind_of_status(status), status=status, retry_after=retry_after(headers)
        )
    return ProviderFailure(Failure.unavailable)


def _openai_failure(exc: openai.APIError) -> ProviderFailure:
    return _sdk_failure(exc, timeout=openai.APITimeoutError)


def _none() -> Usage:
    """A provider that reported no usage: charged as nothing used (its answer is all there is)."""
    return Usage(0, 0)


# --- Anthropic ------------------------------------------------------------------------------------

# The 2.x SDK's messages.create takes no temperature any more (newer models choose their own):
# it is passed where the installed SDK still has it.
_ANTHROPIC_TAKES_TEMPERATURE = (
    "temperature" in inspect.signature(anthropic.resources.messages.AsyncMessages.create).parameters
)


class AnthropicProvider:
    name = "anthropic"

    def __init__(self, *, key: str, base_url: str | None, timeout: float) -> None:
        self._client = anthropic.AsyncAnthropic(
            api_key=key, base_url=base_url, timeout=timeout, max_retries=RETRIES
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _arguments(self, call: ChatCall) -> dict[str, Any]:
        system = [m.content for m in call.messages if m.role is Role.system]
        if call.json_schema is not None:
            system.append(_schema_instruction(call.json_schema))
        arguments: dict[str, Any] = {
            "model": call.model,
            "max_tokens": call.max_tokens,
            "messages": [
                {"role": m.role.value, "content": m.content}
                for m in call.messages
                if m.role is not Role.system
            ],
        }
        if system:
            arguments["system"] = "\n\n".join(system)
        if _ANTHROPIC_TAKES_TEMPERATURE:
            arguments["temperature"] = call.temperature
        return arguments

    async def chat(self, call: ChatCall) -> Answer:
        try:
            done = await self._client.messages.create(**self._arguments(call))
        except anthropic.APIError as exc:
            raise _anthropic_failure(exc) from None
        text = "".join(block.text for block in done.content if block.type == "text")
        return Answer(text, Usage(done.usage.input_tokens, done.usage.output_tokens))

    async def stream(self, call: ChatCall) -> AsyncIterator[str | Usage]:
        tokens_in = tokens_out = 0
        try:
            events = await self._client.messages.create(**self._arguments(call), stream=True)
            async for event in events:
                if event.type == "message_start":
                    tokens_in = event.message.usage.input_tokens
                    tokens_out = event.message.usage.output_tokens
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    yield event.delta.text
                elif event.type == "message_delta":
                    tokens_out = event.usage.output_tokens
        except anthropic.APIError as exc:
            raise _anthropic_failure(exc) from None
        yield Usage(tokens_in, tokens_out)


def _anthropic_failure(exc: anthropic.APIError) -> ProviderFailure:
    return _sdk_failure(exc, timeout=anthropic.APITimeoutError)


# --- Gemini ---------------------------------------------------------------------------------------


class GeminiProvider:
    name = "gemini"

    def __init__(self, *, key: str, base_url: str | None, timeout: float) -> None:
        retry = genai_types.HttpRetryOptions(attempts=RETRIES + 1)
        options = genai_types.HttpOptions(
            base_url=base_url, timeout=int(timeout * 1000), retry_options=retry
        )
        self._client = genai.Client(api_key=key, http_options=options)

    async def aclose(self) -> None:
        await self._client.aio.aclose()

    def _arguments(self, call: ChatCall) -> dict[str, Any]:
        system = [m.content for m in call.messages if m.role is Role.system]
        config = genai_types.GenerateContentConfig(
            max_output_tokens=call.max_tokens,
            temperature=call.temperature,
            system_instruction="\n\n".join(system) or None,
        )
        if call.json_schema is not None:
            config.response_mime_type = "application/json"
            config.response_json_schema = call.json_schema
        contents = [
            genai_types.Content(
                role="model" if m.role is Role.assistant else "user",
                parts=[genai_types.Part(text=m.content)],
            )
            for m in call.messages
            if m.role is not Role.system
        ]
        return {"model": call.model, "contents": contents, "config": config}

    async def chat(self, call: ChatCall) -> Answer:
        try:
            done = await self._client.aio.models.generate_content(**self._arguments(call))
        except (genai_errors.APIError, httpx.HTTPError) as exc:
            raise _gemini_failure(exc) from None
        return Answer(done.text or "", _gemini_usage(done.usage_metadata))

    async def stream(self, call: ChatCall) -> AsyncIterator[str | Usage]:
        usage = _none()
        try:
            chunks = await self._client.aio.models.generate_content_stream(**self._arguments(call))
            async for chunk in chunks:
                if chunk.text:
                    yield chunk.text
                if chunk.usage_metadata is not None:
                    usage = _gemini_usage(chunk.usage_metadata)
        except (genai_errors.APIError, httpx.HTTPError) as exc:
            raise _gemini_failure(exc) from None
        yield usage


def _gemini_usage(metadata: genai_types.GenerateContentResponseUsageMetadata | None) -> Usage:
    if metadata is None:
        return _none()
    return Usage(metadata.prompt_token_count or 0, metadata.candidates_token_count or 0)


def _gemini_failure(exc: Exception) -> ProviderFailure:
    if isinstance(exc, httpx.TimeoutException):
        return ProviderFailure(Failure.timeout)
    if isinstance(exc, genai_errors.APIError):
        status = exc.code
        # Google answers a bad key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID).
        if status == 400 and "API_KEY" in json.dumps(exc.details, default=str):
            return ProviderFailure(Failure.auth, status=status)
        return ProviderFailure(kind_of_status(status), status=status)
    return ProviderFailure(Failure.unavailable)
