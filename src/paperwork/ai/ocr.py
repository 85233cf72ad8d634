"""NAVER CLOVA OCR (General, V2) for ``POST /api/v1/ai/ocr``: one image or PDF per call, its
secret in ``X-OCR-SECRET``, at the domain's invoke URL (``PAPERWORK_CLOVA_OCR_URL``). CLOVA has
no official Python SDK: this is its documented HTTP API through httpx, with the same failure
kinds as the chat providers."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from paperwork.ai.providers import Failure, ProviderFailure, kind_of_status, retry_after

MAX_BYTES = 20 * 1024 * 1024
# What CLOVA General reads, by the file's first bytes (the name and the declared type may lie).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"%PDF-", "pdf"),
)


def file_format(data: bytes) -> str | None:
    """``png``, ``jpg``, ``tiff`` or ``pdf`` by the content; None for anything else."""
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float  # the lowest of its words'
    box: list[list[float]]  # the four corners [x, y] around the line's words


@dataclass(frozen=True)
class Reading:
    text: str
    lines: list[Line]


class ClovaOcr:
    name = "clova"
    model = "ocr"  # its entry in the price table

    def __init__(self, *, secret: str, url: str, timeout: float) -> None:
        self._secret = secret
        self._url = url
        self._client = httpx.AsyncClient(
            timeout=timeout, transport=httpx.AsyncHTTPTransport(retries=2)
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def read(self, data: bytes, kind: str) -> Reading:
        message = {
            "version": "V2",
            "requestId": uuid.uuid4().hex,
            "timestamp": int(time.time() * 1000),
            "images": [{"format": kind, "name": "document"}],
        }
        try:
            answer = await self._client.post(
                self._url,
                headers={"X-OCR-SECRET": self._secret},
                files={
                    "message": (None, json.dumps(message), "application/json"),
                    "file": (f"document.{kind}", data, "application/octet-stream"),
                },
            )
        except httpx.TimeoutException:
            raise ProviderFailure(Failure.timeout) from None
        except httpx.HTTPError:
            raise ProviderFailure(Failure.unavailable) from None
        if answer.status_code != 200:
            status = answer.status_code
            raise ProviderFailure(
                kind_of_status(status), status=status, retry_after=retry_after(answer.headers)
            )
        return _reading(answer.json())


def _reading(document: dict[str, Any]) -> Reading:
    images = document.get("images") or []
    if not images or images[0].get("inferResult") != "SUCCESS":
        raise ProviderFailure(Failure.rejected)  # CLOVA could not read the file
    lines: list[Line] = []
    words: list[dict[str, Any]] = []
    for field in images[0].get("fields") or []:
        words.append(field)
        if field.get("lineBreak"):
            lines.append(_line(words))
            words = []
    if words:
        lines.append(_line(words))
    return Reading("\n".join(line.text for line in lines), lines)


def _line(words: list[dict[str, Any]]) -> Line:
    corners = [
        (float(vertex.get("x", 0)), float(vertex.get("y", 0)))
        for word in words
        for vertex in (word.get("boundingPoly") or {}).get("vertices", [])
    ]
    xs, ys = [x for x, _y in corners] or [0.0], [y for _x, y in corners] or [0.0]
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    return Line(
        text=" ".join(str(word.get("inferText", "")) for word in words),
        confidence=min(float(word.get("inferConfidence", 0)) for word in words),
        box=[[left, top], [right, top], [right, bottom], [left, bottom]],
    )
