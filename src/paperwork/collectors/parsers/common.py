"""The small readers every portal parser uses: JSON (and data.go.kr's gateway error envelope),
HTML soup, numbers, and the ``Page`` a parser returns. Pure: no I/O, no HTTP client."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Tag

from paperwork.collectors.base import RawItem, StructuralError


@dataclass
class Page:
    """One page of a portal's answer: the items on it and the total the portal reports."""

    items: list[RawItem] = field(default_factory=list)
    total: int | None = None


def as_text(body: bytes | str) -> str:
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def to_int(value: object) -> int | None:
    """``1234``, ``"1,234"``, ``"조회 1,234"`` → 1234; anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    digits = re.sub(r"[^\d]", "", str(value or ""))
    return int(digits) if digits else None


# data.go.kr's gateway answers a bad key, a quota overrun or a wrong URL with this XML envelope,
# whatever returnType was asked for.
_GATEWAY_FIELDS = ("returnAuthMsg", "errMsg", "returnReasonCode")


def data_go_kr_error(text: str) -> str | None:
    """The message of a data.go.kr gateway error envelope, or None if ``text`` is not one."""
    if "OpenAPI_ServiceResponse" not in text and "cmmMsgHeader" not in text:
        return None
    parts = []
    for name in _GATEWAY_FIELDS:
        match = re.search(rf"<{name}>\s*([^<]*?)\s*</{name}>", text)
        if match and match.group(1):
            parts.append(f"{name}={match.group(1)}")
    return ", ".join(parts) or "data.go.kr gateway error"


def load_json(body: bytes | str, *, portal: str) -> Any:
    text = as_text(body)
    gateway = data_go_kr_error(text)
    if gateway:
        raise StructuralError(f"{portal}: the API refused the request ({gateway})")
    try:
        return json.loads(text)
    except ValueError as exc:
        snippet = " ".join(text[:120].split())
        raise StructuralError(
            f"{portal}: the API answered something that is not JSON: {snippet!r}"
        ) from exc


def soup_of(body: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(as_text(body), "lxml")


def tag_text(tag: Tag | None) -> str:
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""


def href_of(tag: Tag) -> str:
    value = tag.get("href")
    return value if isinstance(value, str) else ""
