"""The JSON list columns of a program (documents, criteria, attachments), read defensively into
what the response schemas promise: strings, and attachments of a name and a URL. Both APIs show
them; the collectors write exactly these shapes, so well-formed rows pass unchanged."""

from __future__ import annotations

from typing import Any


def strings(value: Any) -> list[str]:
    return [str(entry) for entry in value if entry is not None] if isinstance(value, list) else []


def attachments(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [
        {"name": str(entry.get("name") or ""), "url": str(entry.get("url") or "")}
        for entry in value
        if isinstance(entry, dict)
    ]
