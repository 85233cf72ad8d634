"""What the AI gateway tests share: the fake providers (``tests/ai_fakes.py``), a key file that
holds their keys (sentinels: no test may find them in an answer, a log line or a usage row), the
app configured to reach them, and a client token."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from ai_fakes import FakeProviders
from apptest import Clock, serve
from paperwork.auth.tokens import create_token
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.vocabulary import TokenRole

DAILY_LIMIT_USD = 1.0


@pytest.fixture
def fake(caplog: pytest.LogCaptureFixture) -> Iterator[FakeProviders]:
    """The fake providers; and after the test, no log line of it holds any of their keys."""
    caplog.set_level(logging.DEBUG)
    with FakeProviders() as providers:
        keys = dict(providers.keys)
        yield providers
    logged = caplog.text
    assert not [name for name, key in keys.items() if key in logged]


def _write_key_file(path: Path, fake: FakeProviders, **extra: object) -> Path:
    lines = {
        "OPENAI_API_KEY": fake.keys["openai"],
        "ANTHROPIC_API_KEY": fake.keys["anthropic"],
        "GEMINI_API_KEY": fake.keys["gemini"],
        "NAVER_OCR_API_KEY": fake.keys["clova"],
        "DAILY_COST_LIMIT_USD": DAILY_LIMIT_USD,
        "API_TIMEOUT": 5,
        **extra,
    }
    path.write_text("".join(f"{k}={v}\n" for k, v in lines.items()), encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def write_keys(tmp_path: Path, fake: FakeProviders) -> Callable[..., Path]:
    """Write the key file with the fake providers' keys; keyword arguments are more lines."""
    return lambda **extra: _write_key_file(tmp_path / ".env.ai", fake, **extra)


@pytest.fixture
def ai_settings(
    db: Database, write_keys: Callable[..., Path], fake: FakeProviders
) -> Callable[..., Settings]:
    """Settings reaching the fake providers; keyword arguments go into the key file, except
    ``settings``: a dict of Settings fields."""

    def make(settings: dict[str, object] | None = None, **extra: object) -> Settings:
        key_file = write_keys(**extra)
        return Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=db.url,
            env_ai_file=key_file,
            scheduler=False,
            openai_base_url=fake.openai_base_url,
            anthropic_base_url=fake.anthropic_base_url,
            gemini_base_url=fake.gemini_base_url,
            clova_ocr_url=fake.clova_url,
            **(settings or {}),
        )

    return make


@pytest.fixture
async def api(
    ai_settings: Callable[..., Settings], clock: Clock
) -> AsyncIterator[httpx.AsyncClient]:
    async for client in serve(ai_settings(), clock):
        yield client


@pytest.fixture
async def client_token(db: Database) -> dict[str, str]:
    async with db.session_scope() as session:
        token = await create_token(session, name="founder", role=TokenRole.client)
    return {"Authorization": f"Bearer {token}"}
