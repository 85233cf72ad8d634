"""The search index as an operator meets it: ``paperwork db upgrade`` indexes the programs an
older database already holds, with a progress bar, and ``paperwork search reindex`` rebuilds the
index and can be run again; searches find the programs afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperwork.cli import app

TITLES = (
    "2026년 예비창업패키지 모집 공고",
    "스마트 공장 구축 지원사업",
    "수출바우처 참여기업 모집",
)


def _insert_programs(path: Path) -> None:
    # Plain SQL at revision 0005: the columns of that schema, no search index columns yet.
    with sqlite3.connect(path) as connection:
        for number, title in enumerate(TITLES, start=1):
            connection.execute(
                "INSERT INTO support_programs (portal_id, external_id, title, required_documents, "
                "evaluation_criteria, attachments, view_count, period_kind, scraped_at, "
                "first_seen_at, last_seen_at, created_at, updated_at) VALUES ('bizinfo', ?, ?, "
                "'[]', '[]', '[]', 0, 'unknown', '2026-12-01 00:00:00', '2026-12-01 00:00:00', "
                "'2026-12-01 00:00:00', '2026-12-01 00:00:00', '2026-12-01 00:00:00')",
                (f"PBLN_{number}", title),
            )


def _found(path: Path, units: str) -> list[int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT rowid FROM support_programs_search WHERE support_programs_search MATCH ? "
            "ORDER BY rowid",
            (units,),
        )
        return [row[0] for row in rows]


@pytest.fixture
def database(cli_env: str, tmp_path: Path, runner: CliRunner) -> Path:
    """A database at revision 0005 (before the search index) that already holds programs."""
    assert runner.invoke(app, ["db", "upgrade", "0005"]).exit_code == 0
    _insert_programs(tmp_path / "cli.db")
    return tmp_path / "cli.db"


def test_upgrade_indexes_existing_programs_with_a_progress_bar(
    database: Path, runner: CliRunner
) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert "search index" in upgraded.output and "3/3" in upgraded.output
    assert _found(database, '"창업"') == [1]
    assert _found(database, '"공장"') == [2]  # "스마트 공장": two syllables, no trigram needed

    again = runner.invoke(app, ["db", "upgrade"])  # nothing left to do: no bar, no change
    assert again.exit_code == 0 and "search index" not in again.output
    assert _found(database, '"공장"') == [2]


def test_reindex_rebuilds_every_program_and_can_run_again(
    database: Path, runner: CliRunner
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    with sqlite3.connect(database) as connection:  # an index gone stale (an older tokenizer)
        connection.execute("UPDATE support_programs SET search_vector = 'x' WHERE id = 3")
    assert _found(database, '"수출"') == []

    for _ in range(2):
        result = runner.invoke(app, ["search", "reindex"])
        assert result.exit_code == 0, result.output
        assert "reindexed 3 programs" in result.output
        assert _found(database, '"수출"') == [3]
        assert _found(database, '"x"') == []


def test_imported_programs_are_indexed_as_they_are_written(cli_db: Path, runner: CliRunner) -> None:
    from importlib import resources

    sample = Path(str(resources.files("paperwork") / "samples" / "bizinfo.json"))
    assert runner.invoke(app, ["import", "bizinfo", str(sample)]).exit_code == 0
    with sqlite3.connect(cli_db) as connection:
        titles = dict(connection.execute("SELECT id, title FROM support_programs"))
        unindexed = connection.execute(
            "SELECT count(*) FROM support_programs WHERE search_vector IS NULL"
        ).fetchone()[0]
    assert titles and unindexed == 0
    for program_id, title in titles.items():
        first_word = next(word for word in title.split() if len(word) >= 2 and word.isalpha())
        assert program_id in _found(cli_db, f'"{first_word[:2].lower()}"'), title
