"""ETags and conditional GETs: a client that sends back the ETag it holds gets ``304 Not
Modified`` and no body when the answer has not changed.

JSON answers are tagged with a hash of their data (strong: the same bytes, bar the envelope's
timestamp). Exports are tagged before they are built, from a fingerprint of what they depend
on (weak: the same content, not promised byte for byte), so a 304 skips building them.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from fastapi import Response

from paperwork.envelope import ok

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not Modified: the `If-None-Match` ETag still matches. No body."}
}


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    # If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" are the same tag.
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether the client's ``If-None-Match`` names ``etag`` (or is ``*``)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in if_none_match.split(","))


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})


def cached_ok(data: Any, if_none_match: str | None) -> Any:
    """The envelope with an ETag of ``data``, or a bodyless 304 when the client has it."""
    etag = body_etag(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))
    if matches(if_none_match, etag):
        return not_modified(etag)
    return ok(data, headers={"ETag": etag})
