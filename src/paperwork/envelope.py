"""The seed's response envelope, rendered with orjson (fast, and datetimes keep their offset).

Services answer with response models; ``ok`` renders them by their aliases (the seed's keys,
``_meta`` included), so what is sent is what the OpenAPI schema documents."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Any, Generic, Literal, TypeVar

import orjson
from fastapi.responses import JSONResponse
from pydantic import BaseModel

T = TypeVar("T")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def model_data(model: BaseModel) -> Any:
    """A response model as the data orjson renders: by alias (the seed's keys), in Python mode so
    that orjson writes datetimes with their "+00:00" offset (pydantic's JSON mode writes "Z")."""
    return model.model_dump(by_alias=True)


def _model_as_json(value: Any) -> Any:
    # orjson asks only for what it cannot render itself: plain dicts stay on its fast path.
    if isinstance(value, BaseModel):
        return model_data(value)
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


class OrjsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_model_as_json, option=orjson.OPT_NON_STR_KEYS)


def ok(data: Any, *, status_code: int = 200, headers: dict[str, str] | None = None) -> Any:
    """A success envelope. Typed ``Any`` so routes can declare their documented model."""
    return OrjsonResponse(
        {"success": True, "timestamp": now_iso(), "data": data},
        status_code=status_code,
        headers=headers,
    )


def failure(
    message: str,
    status_code: int,
    headers: dict[str, str] | None = None,
    *,
    code: str | None = None,
) -> Any:
    """The failure envelope; ``code`` (a stable name a client may branch on) only when given."""
    body: dict[str, Any] = {"success": False, "timestamp": now_iso(), "error": message}
    if code is not None:
        body["code"] = code
    return OrjsonResponse(body, status_code=status_code, headers=headers)


class Envelope(BaseModel, Generic[T]):
    success: Literal[True] = True
    timestamp: str
    data: T


class ErrorEnvelope(BaseModel):
    success: Literal[False] = False
    timestamp: str
    error: str
    code: str | None = None  # a stable name for failures a client may act on


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the failure envelope, so clients (and schemathesis) know its shape."""
    return {code: {"model": ErrorEnvelope} for code in codes}


def file_error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Failure entries for a route whose success is a file: FastAPI would document a model's
    errors under the file's media type, but failures are JSON envelopes."""
    schema = {"$ref": "#/components/schemas/ErrorEnvelope"}
    return {
        code: {
            "description": HTTPStatus(code).phrase,
            "content": {"application/json": {"schema": schema}},
        }
        for code in codes
    }
