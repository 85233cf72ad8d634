"""``POST /api/v1/ai/ocr`` against CLOVA OCR General's wire format (tests/ai_fakes.py): the file
goes out as CLOVA takes it (multipart, one image, its secret in a header), its words come back
as lines with their confidence and box, the call is charged the price per call; a file that is
no image or PDF, or too large, is refused before any call."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select

from ai_fakes import FakeProviders
from paperwork.ai.prices import load_prices
from paperwork.db import Database
from paperwork.models import AIUsage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.mark.parametrize(
    ("name", "data", "kind"), [("scan.png", PNG, "png"), ("a.pdf", PDF, "pdf")]
)
async def test_a_document_comes_back_as_lines_and_is_charged_one_call(
    api: httpx.AsyncClient,
    client_token: dict[str, str],
    fake: FakeProviders,
    db: Database,
    name: str,
    data: bytes,
    kind: str,
) -> None:
    fake.ocr_words = ["2026년", "창업지원사업", "공고\n", "신청기간:", "3월", "31일"]
    answer = await api.post(
        "/api/v1/ai/ocr", headers=client_token, files={"file": (name, data, "image/png")}
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()["data"]
    assert result["text"] == "2026년 창업지원사업 공고\n신청기간: 3월 31일"
    assert [line["text"] for line in result["lines"]] == [
        "2026년 창업지원사업 공고",
        "신청기간: 3월 31일",
    ]
    for line in result["lines"]:
        assert 0 < line["confidence"] <= 1 and len(line["box"]) == 4
    per_call = float(load_prices().of("clova", "ocr").per_call)
    assert result["cost_usd"] == pytest.approx(per_call)
    [sent] = fake.requests_for("clova")
    assert sent.headers["x-ocr-secret"] == fake.keys["clova"]
    assert sent.json is not None and sent.json["images"][0]["format"] == kind
    async with db.session_scope() as session:
        [row] = list(await session.scalars(select(AIUsage)))
    assert (row.kind, row.provider, row.status) == ("ocr", "clova", "ok")
    assert fake.keys["clova"] not in answer.text


async def test_what_is_no_image_or_too_large_is_refused_before_any_call(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders
) -> None:
    text = await api.post(
        "/api/v1/ai/ocr", headers=client_token, files={"file": ("a.png", b"hello", "image/png")}
    )
    assert text.status_code == 422 and text.json()["code"] == "unsupported_file"
    big = PNG + b"\x00" * (20 * 1024 * 1024)
    large = await api.post(
        "/api/v1/ai/ocr", headers=client_token, files={"file": ("big.png", big, "image/png")}
    )
    assert large.status_code == 413 and large.json()["code"] == "file_too_large"
    assert fake.requests == []


async def test_a_refused_secret_is_a_502_and_charged_nothing(
    api: httpx.AsyncClient, client_token: dict[str, str], fake: FakeProviders, db: Database
) -> None:
    sent_secret = fake.keys["clova"]
    fake.keys = {**fake.keys, "clova": "another-secret-000000000"}
    answer = await api.post(
        "/api/v1/ai/ocr", headers=client_token, files={"file": ("scan.png", PNG, "image/png")}
    )
    assert answer.status_code == 502 and answer.json()["code"] == "provider_auth_failed"
    assert sent_secret not in answer.text
    async with db.session_scope() as session:
        [row] = list(await session.scalars(select(AIUsage)))
    assert (row.status, row.cost_nanos) == ("failed", 0)
    assert sent_secret not in json.dumps({k: str(v) for k, v in vars(row).items()})
