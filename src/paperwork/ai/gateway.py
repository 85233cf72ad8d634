"""The AI gateway: which providers this server offers (a key in ``.env.ai``, and for Anthropic
and Gemini the seed's ``CLAUDE_CLI_ENABLED`` / ``GEMINI_CLI_ENABLED`` switches), at what price,
under which caps; and a chat call made under the budget (``metering``)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from paperwork.ai import budget
from paperwork.ai.budget import Reservation
from paperwork.ai.metering import Caller, Cost, Metered, hold, metered, settle
from paperwork.ai.ocr import ClovaOcr, file_format
from paperwork.ai.prices import NANOS_PER_USD, Price, PriceTable, UnknownPrice, load_prices
from paperwork.ai.providers import (
    Answer,
    AnthropicProvider,
    ChatCall,
    ChatMessage,
    Failure,
    GeminiProvider,
    OpenAIProvider,
    Provider,
    ProviderFailure,
    Usage,
)
from paperwork.ai.v1_schemas import ChatIn, ChatOut, OcrLine, OcrOut, UsageOut
from paperwork.config import Settings
from paperwork.errors import AppError, InvalidInput

log = logging.getLogger(__name__)

DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "gemini": "gemini-2.5-flash",
}
# Tokens a message costs beyond its text (role markers, separators), and a request beyond its
# messages: generous, so the reservation stays an upper bound.
MESSAGE_OVERHEAD_TOKENS = 8
REQUEST_OVERHEAD_TOKENS = 16


class ProviderError(AppError):
    """A provider's failure as this API answers it."""


_ANSWERS = {
    Failure.auth: (502, "provider_auth_failed", "the AI provider refused this server's key"),
    Failure.timeout: (504, "provider_timeout", "the AI provider did not answer in time"),
    Failure.rate_limited: (503, "provider_rate_limited", "the AI provider is rate limiting us"),
    Failure.unavailable: (502, "provider_unavailable", "the AI provider failed"),
    Failure.rejected: (502, "provider_rejected", "the AI provider rejected the request"),
}


def provider_error(failure: ProviderFailure) -> ProviderError:
    status, code, message = _ANSWERS[failure.kind]
    if failure.status is not None:
        message = f"{message} (HTTP {failure.status})"
    headers = {"Retry-After": str(failure.retry_after or 30)}
    return ProviderError(
        message,
        status_code=status,
        code=code,
        headers=headers if failure.kind is Failure.rate_limited else None,
    )


def estimate_prompt_tokens(messages: list[ChatMessage], extra: str = "") -> int:
    """An upper bound of the prompt's tokens: every tokenizer here spends at least one byte of
    UTF-8 per token, so the byte count (Korean: 3 per syllable) is never below the real count."""
    text_bytes = sum(len(m.content.encode("utf-8")) for m in messages) + len(extra.encode())
    return text_bytes + MESSAGE_OVERHEAD_TOKENS * len(messages) + REQUEST_OVERHEAD_TOKENS


@dataclass
class Gateway:
    providers: dict[str, Provider]
    prices: PriceTable
    caps: budget.Caps
    default_provider: str | None
    max_tokens_default: int
    temperature_default: float
    requests_per_minute: int  # each token's paid calls, counted by the app's shared limiter
    ocr: ClovaOcr | None = None
    models: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODELS))

    @classmethod
    def from_settings(cls, settings: Settings) -> Gateway:
        keys = settings.keys
        timeout = keys.timeout_seconds
        providers: dict[str, Provider] = {}
        if key := keys.get("OPENAI_API_KEY"):
            providers["openai"] = OpenAIProvider(
                key=key, base_url=settings.openai_base_url, timeout=timeout
            )
        if (key := keys.get("ANTHROPIC_API_KEY")) and keys.get_bool("CLAUDE_CLI_ENABLED", True):
            providers["anthropic"] = AnthropicProvider(
                key=key, base_url=settings.anthropic_base_url, timeout=timeout
            )
        if (key := keys.get("GEMINI_API_KEY")) and keys.get_bool("GEMINI_CLI_ENABLED", True):
            providers["gemini"] = GeminiProvider(
                key=key, base_url=settings.gemini_base_url, timeout=timeout
            )
        ocr = None
        if (secret := keys.get("NAVER_OCR_API_KEY")) and settings.clova_ocr_url:
            ocr = ClovaOcr(secret=secret, url=settings.clova_ocr_url, timeout=timeout)
        default: str | None = settings.ai_default_provider
        if default not in providers:
            default = next(iter(providers), None)
        per_token = settings.ai_token_daily_limit_usd
        return cls(
            providers=providers,
            prices=load_prices(settings.ai_prices_file),
            caps=budget.Caps(
                everyone=budget.to_nanos(keys.get_float("DAILY_COST_LIMIT_USD", 50.0)),
                per_token=budget.to_nanos(per_token) if per_token is not None else None,
            ),
            default_provider=default,
            max_tokens_default=keys.get_int("MAX_TOKENS_DEFAULT", 2000),
            temperature_default=keys.get_float("TEMPERATURE_DEFAULT", 0.7),
            requests_per_minute=settings.ai_requests_per_minute,
            ocr=ocr,
        )

    async def aclose(self) -> None:
        """Close the providers' connection pools (at the app's shutdown)."""
        for provider in self.providers.values():
            await provider.aclose()
        if self.ocr is not None:
            await self.ocr.aclose()

    def provider(self, name: str | None) -> Provider:
        chosen = name or self.default_provider
        if chosen is None or chosen not in self.providers:
            offered = ", ".join(self.providers) or "none"
            raise AppError(
                f"AI provider {chosen or '(default)'} is not configured on this server "
                f"(offered: {offered})",
                status_code=503,
                code="provider_not_configured",
            )
        return self.providers[chosen]


@dataclass(frozen=True)
class Prepared:
    """A chat request checked and priced, its budget not yet held."""

    provider: Provider
    call: ChatCall
    price: Price
    metered: Metered

    def cost(self, usage: Usage) -> Cost:
        return Cost(
            self.price.cost_nanos(tokens_in=usage.tokens_in, tokens_out=usage.tokens_out), usage
        )


def prepare(gateway: Gateway, request: ChatIn, *, kind: str = "chat") -> Prepared:
    provider = gateway.provider(request.provider)
    model = request.model or gateway.models[provider.name]
    try:
        price = gateway.prices.of(provider.name, model)
    except UnknownPrice as exc:
        raise InvalidInput(str(exc), code="unknown_model_price") from None
    schema = request.response_format.json_schema.schema_ if request.response_format else None
    if schema is not None:
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise InvalidInput(f"response_format.json_schema.schema: {exc.message}") from None
    call = ChatCall(
        model=model,
        messages=[ChatMessage(m.role, m.content) for m in request.messages],
        max_tokens=request.max_tokens or gateway.max_tokens_default,
        temperature=(
            request.temperature if request.temperature is not None else gateway.temperature_default
        ),
        json_schema=schema,
    )
    prompt = estimate_prompt_tokens(call.messages, json.dumps(schema) if schema else "")
    most = price.cost_nanos(tokens_in=prompt, tokens_out=call.max_tokens)
    return Prepared(provider, call, price, Metered(kind, provider.name, model, most))


async def ask(caller: Caller, prepared: Prepared) -> tuple[Answer, Cost]:
    """A prepared chat call under the budget (a ProviderFailure is charged nothing, raised)."""
    return await metered(
        caller,
        prepared.metered,
        lambda: prepared.provider.chat(prepared.call),
        lambda answer: prepared.cost(answer.usage),
    )


async def chat(caller: Caller, gateway: Gateway, request: ChatIn) -> ChatOut:
    """One chat call under the budget (``stream: false``)."""
    prepared = prepare(gateway, request)
    try:
        answer, cost = await ask(caller, prepared)
    except ProviderFailure as failure:
        raise provider_error(failure) from None
    parsed = checked_json(answer.text, prepared.call.json_schema)
    return ChatOut(
        text=answer.text,
        json=parsed,
        provider=prepared.provider.name,
        model=prepared.call.model,
        usage=UsageOut(tokens_in=answer.usage.tokens_in, tokens_out=answer.usage.tokens_out),
        cost_usd=cost.nanos / NANOS_PER_USD,
    )


async def open_stream(
    caller: Caller, gateway: Gateway, request: ChatIn
) -> AsyncIterator[dict[str, Any]]:
    """``stream: true``: the budget is held before the first byte (so a refusal is a plain 429),
    then the events — ``delta`` with text, and ``done`` with usage and cost (or ``error``).
    A stream the client leaves early is charged its whole reservation: the provider may well
    have billed the tokens it generated."""
    prepared = prepare(gateway, request)
    held = await hold(caller, prepared.metered)
    return _stream_events(caller, prepared, held)


async def _stream_events(
    caller: Caller, prepared: Prepared, held: Reservation
) -> AsyncIterator[dict[str, Any]]:
    started = time.perf_counter()
    usage = Usage(0, 0)
    settled = False
    try:
        async for piece in prepared.provider.stream(prepared.call):
            if isinstance(piece, Usage):
                usage = piece
            else:
                yield {"event": "delta", "data": {"text": piece}}
        cost = prepared.cost(usage)
        await settle(caller, prepared.metered, held, cost, started, None)
        settled = True
        yield {
            "event": "done",
            "data": {
                "provider": prepared.provider.name,
                "model": prepared.call.model,
                "usage": {"tokens_in": usage.tokens_in, "tokens_out": usage.tokens_out},
                "cost_usd": cost.nanos / NANOS_PER_USD,
            },
        }
    except ProviderFailure as failure:
        await settle(caller, prepared.metered, held, None, started, failure.kind.value)
        settled = True
        error = provider_error(failure)
        yield {"event": "error", "data": {"error": error.message, "code": error.code}}
    finally:
        if not settled:  # the client went away mid-stream
            everything = Cost(held.nanos)
            await settle(
                caller, prepared.metered, held, everything, started, "client_disconnected",
                status="abandoned",
            )  # fmt: skip


async def read_document(caller: Caller, gateway: Gateway, data: bytes) -> OcrOut:
    """The text of an image or PDF through CLOVA OCR, under the budget (a price per call)."""
    if gateway.ocr is None:
        raise AppError(
            "OCR is not configured on this server (NAVER_OCR_API_KEY and PAPERWORK_CLOVA_OCR_URL)",
            status_code=503,
            code="provider_not_configured",
        )
    kind = file_format(data)
    if kind is None:
        raise InvalidInput("the file is not a PNG, JPEG, TIFF or PDF", code="unsupported_file")
    ocr = gateway.ocr
    try:
        price = gateway.prices.of(ocr.name, ocr.model)
    except UnknownPrice as exc:
        raise InvalidInput(str(exc), code="unknown_model_price") from None
    per_call = price.cost_nanos(calls=1)
    call = Metered("ocr", ocr.name, ocr.model, per_call)
    try:
        reading, cost = await metered(
            caller, call, lambda: ocr.read(data, kind), lambda _reading: Cost(per_call)
        )
    except ProviderFailure as failure:
        raise provider_error(failure) from None
    return OcrOut(
        text=reading.text,
        lines=[
            OcrLine(text=line.text, confidence=line.confidence, box=line.box)
            for line in reading.lines
        ],
        cost_usd=cost.nanos / NANOS_PER_USD,
    )


def checked_json(text: str, schema: dict[str, Any] | None) -> Any:
    """The answer as JSON valid against ``schema``; a clear 502 when the model did not comply
    (the call is still charged: the provider billed it)."""
    if schema is None:
        return None
    try:
        value = json.loads(text)
        jsonschema.validate(value, schema, cls=jsonschema.Draft202012Validator)
    except json.JSONDecodeError as exc:
        raise AppError(
            f"the model's answer is not JSON ({exc.msg})", status_code=502, code="invalid_json"
        ) from None
    except jsonschema.ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(root)"
        raise AppError(
            f"the model's answer does not match the schema at {where}: {exc.message}",
            status_code=502,
            code="invalid_json",
        ) from None
    return value
