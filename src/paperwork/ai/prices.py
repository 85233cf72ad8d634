"""The price table: the packaged ``prices.toml``, replaced or extended model by model by the TOML
file named in ``PAPERWORK_AI_PRICES_FILE`` (the same format). Costs are counted in whole
nano-dollars (1e-9 USD), rounded up, so a budget adds integers and never undercounts."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

NANOS_PER_USD = 1_000_000_000
_PER_MILLION = Decimal(1_000_000)


class UnknownPrice(LookupError):
    """A provider and model the table has no price for: such a call cannot be budgeted."""


class BadPriceFile(ValueError):
    """A price file that does not parse or holds something other than prices."""


@dataclass(frozen=True)
class Price:
    input_per_million: Decimal = Decimal(0)  # USD per million prompt tokens
    output_per_million: Decimal = Decimal(0)  # USD per million output tokens
    per_call: Decimal = Decimal(0)  # USD per call (OCR)
    date: str = ""
    source: str = ""

    def cost_nanos(self, *, tokens_in: int = 0, tokens_out: int = 0, calls: int = 0) -> int:
        usd = (
            self.input_per_million * tokens_in / _PER_MILLION
            + self.output_per_million * tokens_out / _PER_MILLION
            + self.per_call * calls
        )
        return math.ceil(usd * NANOS_PER_USD)


@dataclass(frozen=True)
class PriceTable:
    prices: dict[tuple[str, str], Price]

    def of(self, provider: str, model: str) -> Price:
        try:
            return self.prices[(provider, model)]
        except KeyError:
            raise UnknownPrice(
                f"no price for {provider} model {model!r}: it cannot be budgeted "
                "(add it to the file named in PAPERWORK_AI_PRICES_FILE)"
            ) from None

    def models(self, provider: str) -> list[str]:
        return sorted(model for owner, model in self.prices if owner == provider)


def load_prices(override: Path | None = None) -> PriceTable:
    """The packaged table, with ``override``'s entries in place of (or beside) its own."""
    packaged = resources.files("paperwork.ai").joinpath("prices.toml").read_text("utf-8")
    prices = _parse(tomllib.loads(packaged), "prices.toml")
    if override is not None:
        try:
            document = tomllib.loads(override.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise BadPriceFile(f"{override}: {exc}") from exc
        prices |= _parse(document, str(override))
    return PriceTable(prices)


_FIELDS = {"input_per_million", "output_per_million", "per_call"}


def _parse(document: dict[str, Any], name: str) -> dict[tuple[str, str], Price]:
    prices: dict[tuple[str, str], Price] = {}
    for provider, models in document.items():
        if not isinstance(models, dict):
            raise BadPriceFile(f"{name}: [{provider}] is not a table of models")
        for model, entry in models.items():
            if not isinstance(entry, dict) or not _FIELDS & entry.keys():
                raise BadPriceFile(f"{name}: [{provider}.{model}] has no price")
            try:
                amounts = {key: Decimal(str(entry[key])) for key in _FIELDS & entry.keys()}
            except ArithmeticError as exc:
                raise BadPriceFile(f"{name}: [{provider}.{model}]: {exc}") from exc
            if any(amount < 0 for amount in amounts.values()):
                raise BadPriceFile(f"{name}: [{provider}.{model}] has a negative price")
            prices[(provider, model)] = Price(
                **amounts, date=str(entry.get("date", "")), source=str(entry.get("source", ""))
            )
    return prices
