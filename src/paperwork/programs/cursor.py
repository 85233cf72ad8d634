"""Keyset cursors of ``/api/v1/programs``: the last row's sort key values, with the sort they
belong to, as an opaque URL-safe string. A cursor that is not one of ours, or that was made for
another sort, is a 422 saying so."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson

from paperwork.errors import InvalidInput

_DECODERS = {
    "int": lambda value: int(value),
    "str": lambda value: str(value),
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
}


def encode(sort: str, values: Sequence[Any]) -> str:
    body = orjson.dumps([sort, [_plain(value) for value in values]])
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def decode(cursor: str, *, sort: str, kinds: Sequence[str]) -> list[Any]:
    """The key values ``cursor`` carries for ``sort``, typed by ``kinds``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        made_for, values = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if len(values) != len(kinds):
            raise ValueError("wrong number of keys")
        typed = [
            None if value is None else _DECODERS[kind](value)
            for kind, value in zip(kinds, values, strict=True)
        ]
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
        # (orjson.JSONDecodeError and binascii.Error are ValueErrors; named for the reader.)
        raise InvalidInput(
            "cursor: not a cursor of this list (send a page's next_cursor)"
        ) from None
    if made_for != sort:
        raise InvalidInput(f"cursor: made for sort={made_for}, not sort={sort}")
    return typed
