"""The ``paperwork`` command: migrations and admin tokens, as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperwork.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PAPERWORK_DATABASE_URL", url)
    monkeypatch.setenv("PAPERWORK_ENV_AI_FILE", str(tmp_path / "absent.env.ai"))
    return url


def test_token_lifecycle(cli_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(app, ["token", "create", "ops-team"])
    assert created.exit_code == 0
    token = created.output.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token

    listed = runner.invoke(app, ["token", "list"])
    assert listed.exit_code == 0 and "ops-team" in listed.output
    assert token not in listed.output

    duplicate = runner.invoke(app, ["token", "create", "ops-team"])
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output

    assert runner.invoke(app, ["token", "revoke", "ops-team"]).exit_code == 0
    missing = runner.invoke(app, ["token", "revoke", "nobody"])
    assert missing.exit_code == 1 and "no token named" in missing.output


def test_python_dash_m_works_the_same() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paperwork", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("serve", "db", "token"):
        assert command in result.stdout


def test_scrape_of_an_unknown_portal_is_an_error_not_a_traceback(cli_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["scrape", "naver"])
    assert result.exit_code == 1, result.output
    assert "알 수 없는 포털입니다: naver" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an escaped error
