"""``paperwork attachments`` as an operator runs it: ``extract FILE`` prints a file's text (or its
status and reason, exiting 1), ``fetch`` runs one pass against the portals (here a real local
file server) and prints what came of it."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from attachment_files import hwpx_file, zip_bomb_hwpx
from file_server import FileServer
from paperwork.cli import app
from paperwork.db import Database
from paperwork.models import ProgramAttachment, ScrapingConfig, SupportProgram


def test_extract_prints_the_text_of_a_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "공고문.hwpx"
    notice = hwpx_file(["창업기업 지원사업 공고", "신청자격: 예비창업자"], [["구분", "금액"]])
    path.write_bytes(notice)
    result = runner.invoke(app, ["attachments", "extract", str(path)])
    assert result.exit_code == 0, result.output
    assert "신청자격: 예비창업자" in result.stdout and "금액" in result.stdout


def test_extract_says_why_a_file_gives_no_text(runner: CliRunner, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.hwpx"
    bomb.write_bytes(zip_bomb_hwpx())
    result = runner.invoke(app, ["attachments", "extract", str(bomb)])
    assert result.exit_code == 1
    assert "failed" in result.output

    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as out:  # 40 MB, sparse: never read whole
        out.truncate(40 * 1024 * 1024)
    result = runner.invoke(app, ["attachments", "extract", str(huge)])
    assert result.exit_code == 1
    assert "20 MB" in result.output


def _with_database(url: str, job: object) -> object:
    async def run() -> object:
        database = Database(url, pool_size=1)
        try:
            return await job(database)  # type: ignore[operator]
        finally:
            await database.dispose()

    return asyncio.run(run())


def test_fetch_downloads_stores_and_reads_what_is_due(
    runner: CliRunner,
    cli_env: str,
    cli_db: Path,
    tmp_path: Path,
    file_server: FileServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files_dir = tmp_path / "files"
    monkeypatch.setenv("PAPERWORK_FILES_DIR", str(files_dir))
    monkeypatch.setenv("PAPERWORK_BIZINFO_URL", file_server.url(""))
    url = file_server.put("/cmm/fms/getImageFile.do?atchFileId=F1", hwpx_file(["공고 본문"]))
    now = dt.datetime.now(dt.UTC)

    async def seed(database: Database) -> None:
        async with database.session_scope() as session:
            await session.execute(
                update(ScrapingConfig).values(random_delay_min=0, random_delay_max=0)
            )
            session.add(
                SupportProgram(
                    portal_id="bizinfo",
                    external_id="PBLN_1",
                    title="시험 공고",
                    attachments=[{"name": "공고문.hwpx", "url": url}],
                    scraped_at=now,
                    first_seen_at=now,
                    last_seen_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )

    _with_database(cli_env, seed)

    result = runner.invoke(app, ["attachments", "fetch", "--portal", "bizinfo", "--limit", "5"])

    assert result.exit_code == 0, result.output
    assert "fetched" in result.output and "text extracted" in result.output

    async def links(database: Database) -> list[tuple[str, str | None]]:
        async with database.session_scope() as session:
            rows = await session.execute(select(ProgramAttachment.status, ProgramAttachment.sha256))
            return [(status, sha) for status, sha in rows]

    [(status, sha)] = _with_database(cli_env, links)  # type: ignore[misc]
    assert status == "fetched"
    assert (files_dir / sha[:2] / sha[2:4] / sha).exists()


def test_fetch_refuses_an_unknown_portal(runner: CliRunner, cli_db: Path) -> None:
    result = runner.invoke(app, ["attachments", "fetch", "--portal", "naver"])
    assert result.exit_code == 2
    assert "unknown portal" in result.output
