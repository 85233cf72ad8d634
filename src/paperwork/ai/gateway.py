"""The AI gateway: which providers this server offers (a key in ``.env.ai``, and for Anthropic
and Gemini the seed's ``CLAUDE_CLI_ENABLED`` / ``GEMINI_CLI_ENABLED`` switches), at what price,
under which caps; and a chat call made under the budget — reserve, call, settle, record."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema

from paperwork.ai import budget, budget_repository
from paperwork.ai.prices import NANOS_PER_USD, PriceTable, UnknownPrice, load_prices
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
from paperwork.ai.v1_schemas import ChatIn, ChatOut, UsageOut
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.errors import AppError, InvalidInput
from paperwork.timeutil import today_in

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
        )

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
    price_model: str
    most_nanos: int


def prepare(gateway: Gateway, request: ChatIn) -> Prepared:
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
    return Prepared(provider, call, model, most)


@dataclass
class Context:
    """Who calls, when, and where the usage goes."""

    database: Database
    gateway: Gateway
    token_id: int
    request_id: str
    now: dt.datetime
    tz: ZoneInfo


async def chat(context: Context, request: ChatIn) -> ChatOut:
    """One chat call under the budget (``stream: false``)."""
    prepared = prepare(context.gateway, request)
    reservation = await _reserve(context, prepared)
    started = time.perf_counter()
    try:
        answer = await prepared.provider.chat(prepared.call)
    except ProviderFailure as failure:
        await _finish(context, prepared, reservation, None, started, failure.kind.value)
        raise provider_error(failure) from None
    cost = await _finish(context, prepared, reservation, answer.usage, started, None)
    parsed = _checked_json(answer, prepared.call.json_schema)
    return ChatOut(
        text=answer.text,
        json=parsed,
        provider=prepared.provider.name,
        model=prepared.call.model,
        usage=UsageOut(tokens_in=answer.usage.tokens_in, tokens_out=answer.usage.tokens_out),
        cost_usd=cost / NANOS_PER_USD,
    )


async def open_stream(context: Context, request: ChatIn) -> AsyncIterator[dict[str, Any]]:
    """``stream: true``: the budget is held before the first byte (so a refusal is a plain 429),
    then the events — ``delta`` with text, and ``done`` with usage and cost (or ``error``).
    A stream the client leaves early is charged its whole reservation: the provider may well
    have billed the tokens it generated."""
    prepared = prepare(context.gateway, request)
    reservation = await _reserve(context, prepared)
    return _stream_events(context, prepared, reservation)


async def _stream_events(
    context: Context, prepared: Prepared, reservation: budget.Reservation
) -> AsyncIterator[dict[str, Any]]:
    started = time.perf_counter()
    usage: Usage | None = None
    settled = False
    try:
        async for piece in prepared.provider.stream(prepared.call):
            if isinstance(piece, Usage):
                usage = piece
            else:
                yield {"event": "delta", "data": {"text": piece}}
        cost = await _finish(context, prepared, reservation, usage or Usage(0, 0), started, None)
        settled = True
        yield {
            "event": "done",
            "data": {
                "provider": prepared.provider.name,
                "model": prepared.call.model,
                "usage": {
                    "tokens_in": usage.tokens_in if usage else 0,
                    "tokens_out": usage.tokens_out if usage else 0,
                },
                "cost_usd": cost / NANOS_PER_USD,
            },
        }
    except ProviderFailure as failure:
        await _finish(context, prepared, reservation, None, started, failure.kind.value)
        settled = True
        error = provider_error(failure)
        yield {"event": "error", "data": {"error": error.message, "code": error.code}}
    finally:
        if not settled:  # the client went away mid-stream
            await _finish_abandoned(context, prepared, reservation, started)


async def _reserve(context: Context, prepared: Prepared) -> budget.Reservation:
    try:
        return await budget.reserve(
            context.database,
            nanos=prepared.most_nanos,
            token_id=context.token_id,
            caps=context.gateway.caps,
            now=context.now,
            tz=context.tz,
        )
    except budget.OverBudget:
        await _record(context, prepared, None, 0, 0, 0.0, "refused", "daily_cost_limit")
        raise


async def _finish(
    context: Context,
    prepared: Prepared,
    reservation: budget.Reservation,
    usage: Usage | None,
    started: float,
    error: str | None,
) -> int:
    """Settle the reservation to the real cost (nothing for a failed call) and record it."""
    price = context.gateway.prices.of(prepared.provider.name, prepared.price_model)
    cost = 0
    if usage is not None:
        cost = price.cost_nanos(tokens_in=usage.tokens_in, tokens_out=usage.tokens_out)
    await budget.settle(context.database, reservation, spent=cost)
    status = "ok" if error is None else "failed"
    await _record(
        context,
        prepared,
        usage,
        cost,
        reservation.nanos,
        time.perf_counter() - started,
        status,
        error,
    )
    return cost


async def _finish_abandoned(
    context: Context, prepared: Prepared, reservation: budget.Reservation, started: float
) -> None:
    await budget.settle(context.database, reservation, spent=reservation.nanos)
    await _record(
        context,
        prepared,
        None,
        reservation.nanos,
        reservation.nanos,
        time.perf_counter() - started,
        "abandoned",
        "client_disconnected",
    )


async def _record(
    context: Context,
    prepared: Prepared,
    usage: Usage | None,
    cost: int,
    reserved: int,
    seconds: float,
    status: str,
    error: str | None,
) -> None:
    async with context.database.session_scope() as session:
        await budget_repository.record(
            session,
            {
                "request_id": context.request_id,
                "token_id": context.token_id,
                "kind": "chat",
                "provider": prepared.provider.name,
                "model": prepared.call.model,
                "tokens_in": usage.tokens_in if usage else 0,
                "tokens_out": usage.tokens_out if usage else 0,
                "cost_nanos": cost,
                "reserved_nanos": reserved,
                "duration_ms": round(seconds * 1000),
                "status": status,
                "error": error,
                "day": today_in(context.tz, now=context.now),
                "created_at": context.now,
            },
        )


def _checked_json(answer: Answer, schema: dict[str, Any] | None) -> Any:
    """The answer as JSON valid against ``schema``; a clear 502 when the model did not comply
    (the call is still charged: the provider billed it)."""
    if schema is None:
        return None
    try:
        value = json.loads(answer.text)
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
