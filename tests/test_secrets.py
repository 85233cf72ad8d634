"""No response anywhere contains a key's value; /env-config masks every key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from apptest import serve
from paperwork.config import Settings, read_key_file
from paperwork.ops.env_config import mask

SENTINELS = {
    "NAVER_OCR_API_KEY": "SENTINEL-naver-ocr-0001-zzzz",
    "GEMINI_API_KEY": "SENTINEL-gemini-0002-yyyy",
    "OPENAI_API_KEY": "sk-SENTINEL-openai-0003-xxxx",
    "ANTHROPIC_API_KEY": "sk-ant-SENTINEL-0004-wwww",
}
PORTAL_KEYS = {"bizinfo": "SENTINEL-bizinfo-crtfc-0005", "data_go_kr": "SENTINEL-datagokr-0006"}


@pytest.fixture
async def keyed_client(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    key_file = tmp_path / "secret.env.ai"
    lines = [f'{name}="{value}"' for name, value in SENTINELS.items()]
    key_file.write_text(
        "# keys\n"
        + "\n".join(lines)
        + "\nNAVER_OCR_DOMAIN_CODE=Paperwork\nAPI_RATE_LIMIT=100000\n",
        encoding="utf-8",
    )
    key_file.chmod(0o600)
    keyed = settings.model_copy(
        update={
            "env_ai_file": key_file,
            "bizinfo_api_key": SecretStr(PORTAL_KEYS["bizinfo"]),
            "data_go_kr_key": SecretStr(PORTAL_KEYS["data_go_kr"]),
        }
    )
    async for api in serve(keyed):
        yield api


async def test_env_config_masks_every_key(keyed_client: httpx.AsyncClient) -> None:
    data = (await keyed_client.get("/env-config")).json()["data"]
    assert data["naver"]["ocrApiKey"] == "****zzzz"
    assert data["ai"] == {
        "geminiApiKey": "****yyyy",
        "openaiApiKey": "****xxxx",
        "anthropicApiKey": "****wwww",
    }
    assert data["naver"]["domainCode"] == "Paperwork"
    assert data["_meta"]["hasNaverOCR"] is True and data["_meta"]["hasAIKeys"] is True
    assert data["_meta"]["keysFound"] == 6
    assert data["system"]["rateLimit"] == 100000 and data["system"]["timeout"] == 30000


def test_short_keys_show_nothing_of_themselves() -> None:
    assert mask("") == ""
    assert mask("abc123") == "****"
    assert mask("0123456789ab") == "****89ab"


async def test_no_endpoint_body_or_header_contains_a_secret(
    keyed_client: httpx.AsyncClient, admin_headers: dict[str, str], make_program: object
) -> None:
    openapi = (await keyed_client.get("/openapi.json")).json()
    paths = [path for path in openapi["paths"] if "{" not in path]
    paths += ["/scraping-dashboard?action=scraping_status", "/scraping-config/bizinfo", "/docs"]
    secrets = [*SENTINELS.values(), *PORTAL_KEYS.values()]
    checked = 0
    for path in paths:
        for headers in ({}, admin_headers):
            response = await keyed_client.get(path, headers=headers)
            blob = response.text + str(dict(response.headers))
            for secret in secrets:
                assert secret not in blob, (path, secret)
            checked += 1
    assert checked >= 20


def test_key_file_parsing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / ".env.ai"
    path.write_text(
        "# comment\n\nexport GEMINI_API_KEY='quoted-value'\nBROKEN LINE SECRET\nAPI_TIMEOUT=12\n",
        encoding="utf-8",
    )
    path.chmod(0o644)
    keys = read_key_file(path)
    assert keys.get("GEMINI_API_KEY") == "quoted-value"
    assert keys.timeout_seconds == 12
    assert "BROKEN LINE SECRET" not in caplog.text  # a bad line is reported by number only
    assert "insecure_mode" in caplog.text


def test_missing_key_file_is_a_warning_not_a_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keys = read_key_file(tmp_path / "nope.env.ai")
    assert keys.values == {} and keys.rate_limit_per_minute == 100
    assert "env_ai.missing" in caplog.text
