"""Online backup and restore of the embedded SQLite database (``paperwork db backup|restore``).

Both go through SQLite's backup API, a step of pages at a time, so they run while the API and
the scheduler keep writing:

- a backup copies inside one read transaction held on the live database: every step copies
  the snapshot that transaction sees, so commits made meanwhile neither restart the copy nor mix
  into it, and in WAL mode they are never blocked by it. The copy is written next to FILE and
  renamed only once it passed ``PRAGMA integrity_check``.
- a restore writes into the live file through SQLite itself, in the one write transaction the
  backup API holds on its destination: a reader sees the old database or the restored one,
  never a mix, and the ``-wal``/``-shm`` files stay coherent (a file swapped under open
  connections would corrupt them). The database as it was is kept first, by the same API.

PostgreSQL has its own tools; ``NotSQLite`` carries the commands to use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass, replace
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from paperwork import migrate

# (done, total) pages, and a factory of such callbacks by label: the CLI's progress bars.
OnProgress = Callable[[int, int], None]
ProgressFactory = Callable[[str], AbstractContextManager[OnProgress]]

# Pages copied between two progress updates: 4 MB of 4 KB pages.
PAGES_PER_STEP = 1024
# How long a restore waits for the writers' lock (the app's own busy_timeout is 15 s).
LOCK_WAIT_SECONDS = 60.0
# The restored data version is put this far past the live one. API processes cache answers by
# that number (cache.py): a restored database must never show a version they already answered
# for, including versions that writes between reading it and the restore taking the lock make.
DATA_VERSION_JUMP = 1_000_000

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupRefused(Exception):
    """Nothing was written: the reason, in one line an operator can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotSQLite(BackupRefused):
    """The configured database is PostgreSQL: its own tools back it up."""


@dataclass(frozen=True)
class DatabaseFacts:
    path: Path
    size: int  # bytes
    pages: int
    page_size: int
    revision: str | None  # the Alembic revision it holds; None: never migrated


@dataclass(frozen=True)
class RestorePlan:
    source: DatabaseFacts
    head: str
    # An older revision: brought to head before it replaces the database, so the running code
    # never sees a schema it does not know.
    needs_upgrade: bool


@dataclass(frozen=True)
class RestoreResult:
    restored: DatabaseFacts
    kept: Path | None  # the database as it was; None when there was none


@contextlib.contextmanager
def no_progress(_label: str) -> Iterator[OnProgress]:
    yield lambda _done, _total: None


def sqlite_path(database_url: str) -> Path:
    """The database file of ``PAPERWORK_DATABASE_URL``; ``NotSQLite`` for PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise NotSQLite(postgres_instructions(url))
    if not url.database or url.database == ":memory:":
        raise BackupRefused("PAPERWORK_DATABASE_URL is an in-memory database: nothing to back up")
    return Path(url.database)


def postgres_instructions(url: URL) -> str:
    # libpq reads the password from PGPASSWORD or ~/.pgpass: it is never printed.
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    ).render_as_string(hide_password=False)
    target = shlex.quote(plain)
    return (
        "PAPERWORK_DATABASE_URL is a PostgreSQL database: `paperwork db backup|restore` are for "
        "the embedded SQLite database. Use PostgreSQL's own tools (the password from "
        "PGPASSWORD or ~/.pgpass):\n"
        f"  pg_dump --format=custom --file=FILE --dbname={target}\n"
        f"  pg_restore --clean --if-exists --no-owner --single-transaction --dbname={target} FILE\n"
        "then `paperwork db upgrade` when FILE comes from an older version."
    )


def known_revisions() -> list[str]:
    """The package's migrations, oldest first: the last is head."""
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    return [script.revision for script in reversed(list(script.walk_revisions()))]


def backup_database(
    database: Path,
    target: Path,
    *,
    force: bool = False,
    progress: ProgressFactory = no_progress,
    pages_per_step: int = PAGES_PER_STEP,
) -> DatabaseFacts:
    """Copy ``database`` to ``target`` while it serves; the copy is checked before it takes
    ``target``'s name (an existing ``target`` only with ``force``)."""
    if not database.is_file():
        raise BackupRefused(f"no database at {database}")
    if _same_files(database, target):
        raise BackupRefused(f"{target} is the database itself: choose another file")
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder: name the backup file")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists: pass --force to replace it")
    if not target.parent.is_dir():
        raise BackupRefused(f"no folder {target.parent} to write {target.name} in")
    # mkstemp: a name no one else uses, readable only by us (a backup holds token hashes).
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        with progress("backup") as on_progress:
            _copy(database, partial, on_progress, pages_per_step=pages_per_step)
        facts = _checked(partial)
        _fsync(partial)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return replace(facts, path=target)


def inspect_backup(file: Path) -> RestorePlan:
    """What restoring ``file`` would bring; ``BackupRefused`` for anything that is not a
    sound paperwork database this code can serve. Reads ``file`` only."""
    if not file.is_file():
        raise BackupRefused(f"no file {file}")
    with file.open("rb") as stream:
        if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupRefused(f"{file} is not an SQLite database")
    facts = _checked(file, read_only=True)
    revisions = known_revisions()
    head = revisions[-1]
    if facts.revision is None:
        raise BackupRefused(
            f"{file} holds no alembic_version: not a paperwork database (or one never migrated)"
        )
    if facts.revision not in revisions:
        raise BackupRefused(
            f"{file} is at revision {facts.revision}, which this paperwork does not know (its "
            f"newest is {head}): the backup comes from a newer version. Upgrade paperwork, "
            "then restore."
        )
    return RestorePlan(facts, head=head, needs_upgrade=facts.revision != head)


def restore_database(
    database: Path,
    plan: RestorePlan,
    *,
    now: dt.datetime,
    progress: ProgressFactory = no_progress,
) -> RestoreResult:
    """Replace ``database``'s content with the backup of ``plan`` while it serves: first a
    staging copy next to it (upgraded to head when older; its data version moved past the live
    one), then the database as it was kept as ``<db>.before-restore-<UTC time>``, then the
    staging copy written into the live file."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    staging = database.with_name(f".{database.name}.restoring-{stamp}")
    kept = database.with_name(f"{database.name}.before-restore-{stamp}")
    if kept.exists():
        raise BackupRefused(f"{kept} exists: restore again in a second")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The operator's FILE is never written: every change happens on the staging copy.
        _copy(plan.source.path, staging, None)
        if plan.needs_upgrade:
            migrate.upgrade(f"sqlite+aiosqlite:///{staging}")
        kept_copy: Path | None = None
        if database.is_file():
            kept_copy = backup_database(
                database, kept, progress=_labelled(progress, "keep current")
            ).path
            _fit_to(staging, database)
        with progress("restore") as on_progress:
            _copy(staging, database, on_progress, into_live=True)
        restored = _facts_of(database)
    finally:
        for leftover in (staging, *_companions(staging)):
            leftover.unlink(missing_ok=True)
    return RestoreResult(restored, kept=kept_copy)


def _copy(
    source_path: Path,
    destination_path: Path,
    on_progress: OnProgress | None,
    *,
    pages_per_step: int = PAGES_PER_STEP,
    into_live: bool = False,
) -> None:
    with (
        closing(_connect(source_path, read_only=True)) as source,
        closing(_connect(destination_path)) as destination,
    ):
        # One read transaction around every step: each copies the snapshot it sees, so writes
        # other connections commit meanwhile do not restart the copy (WAL lets them go on).
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        try:
            source.backup(
                destination,
                pages=pages_per_step,
                progress=None if on_progress is None else _pages(on_progress),
            )
        finally:
            source.execute("COMMIT")
        if not into_live:
            # A backup is one self-contained file (the copy takes the source's WAL mode).
            destination.execute("PRAGMA journal_mode=DELETE")


def _fit_to(staging: Path, database: Path) -> None:
    """Make the staging copy fit the live database: the same page size (the backup API cannot
    change a WAL database's) and a data version past the live one."""
    with closing(_connect(database)) as live:
        page_size = live.execute("PRAGMA page_size").fetchone()[0]
        live_version = _data_version(live)
    with closing(_connect(staging)) as copy:
        if copy.execute("PRAGMA page_size").fetchone()[0] != page_size:
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.execute(f"PRAGMA page_size={int(page_size)}")
            copy.execute("VACUUM")
        if _has_table(copy, "data_version"):
            copy.execute(
                "UPDATE data_version SET version = max(version, ?) + ? WHERE id = 1",
                (live_version, DATA_VERSION_JUMP),
            )


def _checked(path: Path, *, read_only: bool = False) -> DatabaseFacts:
    try:
        with closing(_connect(path, read_only=read_only)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check(3)")]
    except sqlite3.DatabaseError as exc:
        # A damaged page can fail the check's own reading before it reports.
        raise BackupRefused(f"{path} fails SQLite's integrity check: {exc}") from None
    if problems != ["ok"]:
        raise BackupRefused(f"{path} fails SQLite's integrity check: {'; '.join(problems)}")
    return _facts_of(path, read_only=read_only)


def _facts_of(path: Path, *, read_only: bool = False) -> DatabaseFacts:
    with closing(_connect(path, read_only=read_only)) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        revision = None
        if _has_table(connection, "alembic_version"):
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            revision = rows[0][0] if len(rows) == 1 else None
    return DatabaseFacts(path, path.stat().st_size, pages, page_size, revision)


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    # Autocommit: the transactions here are begun and ended explicitly.
    if read_only:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            timeout=LOCK_WAIT_SECONDS,
        )
    return sqlite3.connect(path, isolation_level=None, timeout=LOCK_WAIT_SECONDS)


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def _data_version(connection: sqlite3.Connection) -> int:
    if not _has_table(connection, "data_version"):
        return 0
    row = connection.execute("SELECT version FROM data_version WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def _pages(on_progress: OnProgress) -> Callable[[int, int, int], None]:
    def report(_status: int, remaining: int, total: int) -> None:
        on_progress(total - remaining, total)

    return report


def _labelled(progress: ProgressFactory, label: str) -> ProgressFactory:
    return lambda _label: progress(label)


def _same_files(database: Path, target: Path) -> bool:
    resolved = target.resolve()
    return any(resolved == path.resolve() for path in (database, *_companions(database)))


def _companions(database: Path) -> list[Path]:
    return [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _fsync(path: Path) -> None:
    # The rename must not reach the disk before the data it names.
    with path.open("rb") as stream:
        os.fsync(stream.fileno())
