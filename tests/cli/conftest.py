"""The ``paperwork`` command's tests run it in-process (typer's CliRunner) against a SQLite file
of their own, without keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperwork.cli import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The command's settings: a fresh SQLite file, no key file, no portal keys."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PAPERWORK_DATABASE_URL", url)
    monkeypatch.setenv("PAPERWORK_ENV_AI_FILE", str(tmp_path / "absent.env.ai"))
    monkeypatch.delenv("PAPERWORK_BIZINFO_API_KEY", raising=False)
    monkeypatch.delenv("PAPERWORK_DATA_GO_KR_KEY", raising=False)
    return url


@pytest.fixture
def cli_db(cli_env: str, tmp_path: Path, runner: CliRunner) -> Path:
    """The same, migrated."""
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return tmp_path / "cli.db"
