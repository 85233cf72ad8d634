"""A safe ``Content-Disposition`` for a file named by a portal (RFC 6266 with RFC 8187's
``filename*``): Korean names reach the browser intact, and nothing in a name can break the
header or point outside the download folder. Pure."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')
MAX_NAME = 150


def clean_name(name: str, extension: str) -> str:
    """The name without path parts, control characters or characters Windows refuses, cut to a
    sane length, with ``extension`` when it has none of its own."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" ._") or "attachment"
    stem, dot, own = cleaned.rpartition(".")
    if not dot or not own or len(own) > 5:
        stem, own = cleaned, extension.lstrip(".")
    stem = stem[: MAX_NAME - len(own) - 1]
    return f"{stem}.{own}" if own else stem


def content_disposition(name: str, extension: str = "") -> str:
    full = clean_name(name, extension)
    fallback = full.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"
