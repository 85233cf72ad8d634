"""``paperwork db backup`` / ``paperwork db restore`` as an operator runs them on the embedded
SQLite database: a backup taken while writes go on is a consistent snapshot, a restore brings the
data back (and keeps what it replaced), files that must not be restored are refused without
touching anything, and a round trip under a serving API leaves it answering the restored data."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from apptest import empty_database
from local_servers import free_port
from paperwork.cli import app
from paperwork.migrate import upgrade
from paperwork.ops import backup

SAMPLE = Path(__file__).parents[2] / "src" / "paperwork" / "samples" / "bizinfo.json"


def query(path: Path, statement: str) -> list[Any]:
    with contextlib.closing(sqlite3.connect(path, timeout=15)) as connection:
        return connection.execute(statement).fetchall()


def execute(path: Path, statement: str) -> None:
    with contextlib.closing(sqlite3.connect(path, timeout=15)) as connection:
        connection.execute(statement)
        connection.commit()


def titles(path: Path) -> list[str]:
    return [row[0] for row in query(path, "SELECT title FROM support_programs ORDER BY id")]


def revision(path: Path) -> str:
    return str(query(path, "SELECT version_num FROM alembic_version")[0][0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """What a refused or finished command must not leave: kept copies, staging and partial
    files."""
    return sorted(
        name
        for name in os.listdir(folder)
        if "before-restore" in name or "restoring" in name or name.endswith(".partial")
    )


@pytest.fixture
def programs_db(cli_db: Path, runner: CliRunner) -> Path:
    """The migrated CLI database with the sample bizinfo announcements."""
    result = runner.invoke(app, ["import", "bizinfo", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert len(titles(cli_db)) >= 10
    return cli_db


class TokenWriter:
    """Another writer on the database: transactions of ``BATCH`` admin_tokens rows, one after
    another, until stopped."""

    BATCH = 5

    def __init__(self, path: Path) -> None:
        self.path = path
        self.committed = 0
        self.stopped = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with contextlib.closing(sqlite3.connect(self.path, timeout=15)) as connection:
            while not self.stopped and self.committed < 5_000:
                number = self.committed
                connection.executemany(
                    "INSERT INTO admin_tokens (name, token_hash, role, created_at) "
                    "VALUES (?, ?, 'admin', '2026-12-15 03:00:00')",
                    [
                        (f"writer-{number:05d}-{row}", f"{number:05d}{row}".ljust(64, "0"))
                        for row in range(self.BATCH)
                    ],
                )
                connection.commit()
                self.committed = number + 1

    def wait_for(self, transactions: int) -> None:
        deadline = time.monotonic() + 30
        while self.committed < transactions:
            assert time.monotonic() < deadline, "the writer made no progress"
            time.sleep(0.005)


def token_batches(path: Path) -> list[int]:
    names = [row[0] for row in query(path, "SELECT name FROM admin_tokens")]
    return sorted(int(name.split("-")[1]) for name in names if name.startswith("writer-"))


def test_a_backup_taken_while_rows_are_written_is_a_consistent_snapshot(
    cli_db: Path, tmp_path: Path
) -> None:
    writer = TokenWriter(cli_db)
    writer.thread.start()
    writer.wait_for(20)
    committed_before = writer.committed
    written_during: list[int] = []
    committed_at_first_page: list[int] = []

    @contextlib.contextmanager
    def watch(_label: str) -> Iterator[backup.OnProgress]:
        def on_progress(done: int, total: int) -> None:
            if not written_during:
                # Between the first page and the rest, the writer commits more: the copy must
                # neither take them in part nor start over.
                start = writer.committed
                committed_at_first_page.append(start)
                writer.wait_for(start + 3)
                written_during.append(writer.committed - start)

        yield on_progress

    try:
        facts = backup.backup_database(
            cli_db, tmp_path / "snapshot.db", progress=watch, pages_per_step=1
        )
    finally:
        writer.stopped = True
        writer.thread.join(timeout=30)

    assert written_during and written_during[0] >= 3
    assert facts.pages > 1 and facts.revision == revision(cli_db)
    snapshot = tmp_path / "snapshot.db"
    assert query(snapshot, "PRAGMA integrity_check") == [("ok",)]
    batches = token_batches(snapshot)
    # Whole transactions only: every one committed before the backup began, none committed
    # while it copied (it neither took them in part nor started over to take them).
    assert len(batches) % TokenWriter.BATCH == 0
    numbers = sorted(set(batches))
    assert numbers == list(range(len(numbers)))
    assert committed_before <= len(numbers) <= committed_at_first_page[0]
    # A self-contained file: no -wal to carry along.
    assert query(snapshot, "PRAGMA journal_mode") == [("delete",)]


def test_backup_reports_what_it_wrote_and_never_overwrites_without_force(
    programs_db: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "backups" / "paperwork.db"
    target.parent.mkdir()
    made = runner.invoke(app, ["db", "backup", str(target)])
    assert made.exit_code == 0, made.output
    head = revision(programs_db)
    assert f"revision {head}" in made.output and "pages of 4096 bytes" in made.output
    assert titles(target) == titles(programs_db)

    before = digest(target)
    execute(programs_db, "UPDATE support_programs SET title = title || ' (수정)'")
    refused = runner.invoke(app, ["db", "backup", str(target)])
    assert refused.exit_code == 1 and "exists: pass --force" in refused.output
    assert digest(target) == before and leftovers(target.parent) == []

    forced = runner.invoke(app, ["db", "backup", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert all(title.endswith(" (수정)") for title in titles(target))
    assert leftovers(target.parent) == []


def test_restore_brings_the_rows_back_and_keeps_the_database_it_replaced(
    programs_db: Path, runner: CliRunner, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.db"
    assert runner.invoke(app, ["db", "backup", str(saved)]).exit_code == 0
    original = titles(programs_db)
    execute(programs_db, "DELETE FROM program_changes")
    execute(programs_db, "UPDATE support_programs SET title = 'overwritten'")
    saved_digest = digest(saved)

    declined = runner.invoke(app, ["db", "restore", str(saved)], input="n\n")
    assert declined.exit_code == 1 and "nothing restored" in declined.output
    assert set(titles(programs_db)) == {"overwritten"} and leftovers(tmp_path) == []

    restored = runner.invoke(app, ["db", "restore", str(saved)], input="y\n")
    assert restored.exit_code == 0, restored.output
    assert titles(programs_db) == original
    assert query(programs_db, "PRAGMA integrity_check") == [("ok",)]
    # Still the app's WAL database, and the operator's file untouched.
    assert query(programs_db, "PRAGMA journal_mode") == [("wal",)]
    assert digest(saved) == saved_digest
    (kept,) = leftovers(tmp_path)
    assert kept.startswith("cli.db.before-restore-") and kept.endswith("Z")
    assert f"kept at {tmp_path / kept}" in restored.output
    assert set(titles(tmp_path / kept)) == {"overwritten"}


def test_restoring_an_older_backup_upgrades_it_to_this_version(
    cli_db: Path, runner: CliRunner, tmp_path: Path
) -> None:
    revisions = backup.known_revisions()
    older = tmp_path / "older" / "paperwork.db"
    older.parent.mkdir()
    upgrade(f"sqlite+aiosqlite:///{older}", revisions[-2])
    saved = tmp_path / "older-backup.db"
    backup.backup_database(older, saved)

    result = runner.invoke(app, ["db", "restore", str(saved), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"upgraded to {revisions[-1]}" in result.output
    assert revision(cli_db) == revisions[-1]
    assert revision(saved) == revisions[-2]  # the operator's file is never changed


def _not_a_database(saved: Path) -> str:
    saved.write_text("id,title\n1,공고\n", encoding="utf-8")
    return "is not an SQLite database"


def _corrupt(saved: Path) -> str:
    # A damaged sector: the programs table's first page overwritten.
    root = query(saved, "SELECT rootpage FROM sqlite_schema WHERE name = 'support_programs'")
    with saved.open("r+b") as stream:
        stream.seek(4096 * (root[0][0] - 1))
        stream.write(b"\xa5" * 512)
    return "fails SQLite's integrity check"


def _newer(saved: Path) -> str:
    execute(saved, "UPDATE alembic_version SET version_num = '9999'")
    return "revision 9999, which this paperwork does not know"


def _foreign(saved: Path) -> str:
    saved.unlink()
    execute(saved, "CREATE TABLE notes (body TEXT)")
    return "holds no alembic_version"


@pytest.mark.parametrize(
    "spoil",
    [_not_a_database, _corrupt, _newer, _foreign],
    ids=["not-a-database", "corrupt", "newer-revision", "not-paperwork"],
)
def test_restore_refuses_files_it_must_not_restore_and_changes_nothing(
    programs_db: Path, runner: CliRunner, tmp_path: Path, spoil: Callable[[Path], str]
) -> None:
    saved = tmp_path / "saved.db"
    assert runner.invoke(app, ["db", "backup", str(saved)]).exit_code == 0
    execute(programs_db, "UPDATE support_programs SET title = 'current'")
    expected = spoil(saved)

    result = runner.invoke(app, ["db", "restore", str(saved), "--yes"])
    assert result.exit_code == 1
    assert "error:" in result.output
    assert expected in result.output
    assert set(titles(programs_db)) == {"current"}
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_gets_its_own_tools_and_never_the_password(
    command: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PAPERWORK_DATABASE_URL", "postgresql://paperwork:pw-s3cret@db.internal:5432/paperwork"
    )
    monkeypatch.setenv("PAPERWORK_ENV_AI_FILE", str(tmp_path / "absent.env.ai"))
    target = tmp_path / "dump.db"
    result = runner.invoke(
        app, ["db", command, str(target), "--yes" if command == "restore" else "--force"]
    )
    assert result.exit_code == 2
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    assert "postgresql://paperwork@db.internal:5432/paperwork" in result.output
    assert "pw-s3cret" not in result.output
    assert not target.exists()


def test_the_postgresql_commands_shown_back_up_and_restore_it(
    postgres_server_url: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERWORK_ENV_AI_FILE", str(tmp_path / "absent.env.ai"))
    with empty_database(postgres_server_url, tmp_path, "backup") as url:
        monkeypatch.setenv("PAPERWORK_DATABASE_URL", url)
        upgrade(url)
        assert runner.invoke(app, ["token", "create", "before-dump"]).exit_code == 0
        shown = runner.invoke(app, ["db", "backup", "unused.db"])
        assert shown.exit_code == 2
        commands = {
            line.split()[0]: shlex.split(line.replace("FILE", str(tmp_path / "paperwork.dump")))
            for line in shown.output.splitlines()
            if line.startswith(("  pg_dump ", "  pg_restore "))
        }
        subprocess.run(commands["pg_dump"], check=True, capture_output=True)
        assert runner.invoke(app, ["token", "create", "after-dump"]).exit_code == 0
        subprocess.run(commands["pg_restore"], check=True, capture_output=True)
        listed = runner.invoke(app, ["token", "list"])
    assert "before-dump" in listed.output and "after-dump" not in listed.output


class Server:
    """``paperwork serve`` on a free port against the CLI database (no scheduler: the test
    is the only writer besides the restore)."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.port = free_port()
        self.log = (tmp_path / "serve.log").open("wb")
        env = {
            **os.environ,
            "PAPERWORK_DATABASE_URL": database_url,
            "PAPERWORK_ENV_AI_FILE": str(tmp_path / "absent.env.ai"),
            "PAPERWORK_PORT": str(self.port),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paperwork", "serve", "--no-scheduler", "--no-migrate"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, "paperwork serve exited"
            with contextlib.suppress(httpx.TransportError):
                if self.client.get("/health").status_code in (200, 503):
                    return
            assert time.monotonic() < deadline, "paperwork serve did not answer"
            time.sleep(0.1)

    def titles(self, limit: int = 100) -> list[str]:
        response = self.client.get("/api/v1/programs", params={"limit": limit})
        assert response.status_code == 200, response.text
        return sorted(item["title"] for item in response.json()["data"]["items"])

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def server(programs_db: Path, cli_env: str, tmp_path: Path) -> Iterator[Server]:
    running = Server(cli_env, tmp_path)
    try:
        running.wait_until_serving()
        yield running
    finally:
        running.stop()


def test_a_round_trip_under_a_serving_api_leaves_it_answering_the_restored_data(
    server: Server, programs_db: Path, runner: CliRunner, tmp_path: Path
) -> None:
    original = server.titles()
    assert original
    saved = tmp_path / "serving.db"
    made = runner.invoke(app, ["db", "backup", str(saved)])
    assert made.exit_code == 0, made.output

    execute(programs_db, "UPDATE support_programs SET title = title || ' (수정)'")
    assert server.titles() == sorted(f"{title} (수정)" for title in original)

    restored = runner.invoke(app, ["db", "restore", str(saved), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert server.titles(limit=99) == original

    # As many writes as were made before the restore: the API must not take the restored
    # database for the one it answered the same question from then (it caches answers per
    # data version).
    execute(programs_db, "UPDATE support_programs SET title = title || ' (복원 후)'")
    assert server.titles() == sorted(f"{title} (복원 후)" for title in original)
