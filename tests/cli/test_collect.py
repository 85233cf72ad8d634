"""``paperwork import`` and ``paperwork scrape`` as an operator runs them: a table per portal,
exit status 1 when a portal failed. The portal here is a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apptest import SavedPortal
from paperwork.cli import app


def sample(name: str) -> Path:
    return Path(str(resources.files("paperwork") / "samples" / name))


def test_import_loads_a_saved_answer_and_reports_it(cli_db: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "bizinfo", str(sample("bizinfo.json"))])
    assert result.exit_code == 0, result.output
    assert "bizinfo" in result.output and "succeeded" in result.output
    again = runner.invoke(app, ["import", "bizinfo", str(sample("bizinfo.json"))])
    assert again.exit_code == 0
    # The second import finds everything unchanged: the "new" column is 0 now.
    row = next(line for line in again.output.splitlines() if line.startswith("│ bizinfo"))
    cells = [cell.strip() for cell in row.split("│") if cell.strip()]
    assert cells[3] == "0" and cells[4] == "0"


def test_import_of_a_file_that_is_not_an_answer_fails_clearly(
    cli_db: Path, tmp_path: Path, runner: CliRunner
) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text("<html>not an api answer</html>", encoding="utf-8")
    result = runner.invoke(app, ["import", "bizinfo", str(bogus)])
    assert result.exit_code == 1
    assert "error" in result.output.lower()


def test_import_of_an_unknown_portal_fails(cli_db: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "naver", str(sample("bizinfo.json"))])
    assert result.exit_code == 1
    assert "error" in result.output.lower() and "naver" in result.output  # a clean message
    assert "Traceback" not in result.output


@pytest.fixture
def broken_portal() -> Iterator[str]:
    portal = SavedPortal(pages={"*": "bizinfo_api_reqerr_invalid.json"})
    yield portal.url
    portal.close()


def test_scrape_reports_a_failed_portal_and_exits_1(
    cli_db: Path, broken_portal: str, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    monkeypatch.setenv("PAPERWORK_BIZINFO_URL", broken_portal)
    monkeypatch.setenv("PAPERWORK_BIZINFO_API_KEY", "TEST-KEY-cli-0001")
    result = runner.invoke(app, ["scrape", "bizinfo", "mss"])
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "인증키" in result.output
    assert "skipped" in result.output  # mss without a data.go.kr key
    assert "TEST-KEY-cli-0001" not in result.output


def test_scrape_of_an_unknown_portal_is_an_error_not_a_traceback(
    cli_env: str, runner: CliRunner
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["scrape", "naver"])
    assert result.exit_code == 1, result.output
    assert "알 수 없는 포털입니다: naver" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an escaped error
