"""ETags and conditional GETs: a client that sends back the ETag it holds gets ``304 Not
Modified`` and no body when the answer has not changed.

JSON answers are tagged with a hash of their data (strong: the same bytes, bar the envelope's
timestamp). Exports are tagged before they are built, from a fingerprint of what they depend
on (weak: the same content, not promised byte for byte), so a 304 skips building them.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response

from paperwork.cache import etag_matches

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not Modified: the `If-None-Match` ETag still matches. No body."}
}


def matches(if_none_match: str | None, etag: str) -> bool:
    return etag_matches(if_none_match, etag)


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})
