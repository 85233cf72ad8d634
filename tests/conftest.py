"""Test fixtures: a real, migrated database per backend (SQLite always; PostgreSQL when
PAPERWORK_TEST_DATABASE_URL is set), each test starting from the freshly migrated state, and the
app served in-process through httpx."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import make_url

from apptest import TEST_RATE_LIMIT, Clock, admin_execute, serve
from file_server import FileServer
from local_redis import RedisServer, running_redis
from local_s3 import s3_url  # a fixture: an empty bucket in moto's S3 server
from local_servers import SmtpServer, WebhookReceiver, free_port
from paperwork.auth.tokens import create_token
from paperwork.config import Settings, normalize_database_url
from paperwork.db import Base, Database
from paperwork.migrate import upgrade

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL_VARIABLE = "PAPERWORK_TEST_DATABASE_URL"


def _postgres_server_url() -> str | None:
    url = os.environ.get(PG_URL_VARIABLE)
    if url:
        return normalize_database_url(url)
    if IN_CI:
        pytest.fail(f"CI=true but {PG_URL_VARIABLE} is not set: PostgreSQL tests must run")
    return None


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL server of PAPERWORK_TEST_DATABASE_URL, for a test that needs a connection
    but no database of its own (a SELECT); skipped when unset, a failure in CI."""
    server_url = _postgres_server_url()
    if server_url is None:
        pytest.skip(f"PostgreSQL tests need {PG_URL_VARIABLE}")
    return server_url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for the whole session, one per backend."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "paperwork.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    server_url = _postgres_server_url()
    if server_url is None:
        pytest.skip(f"PostgreSQL tests need {PG_URL_VARIABLE}")
    name = f"paperwork_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(admin_execute(server_url, f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_rows(database_url: str) -> dict[str, list[dict[str, Any]]]:
    """The rows the migrations wrote (portal configs, state), restored before each test."""

    async def read() -> dict[str, list[dict[str, Any]]]:
        database = Database(database_url, pool_size=1)
        try:
            async with database.session_scope() as session:
                snapshot = {}
                for table in Base.metadata.sorted_tables:
                    rows = [dict(row) for row in (await session.execute(select(table))).mappings()]
                    if rows:
                        snapshot[table.name] = rows
                return snapshot
        finally:
            await database.dispose()

    return asyncio.run(read())


async def _reset(database: Database, snapshot: dict[str, list[dict[str, Any]]]) -> None:
    async with database.session_scope() as session:
        if database.dialect == "postgresql":
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            await session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                await session.execute(delete(table))
        for table in Base.metadata.sorted_tables:
            if table.name in snapshot:
                await session.execute(insert(table), snapshot[table.name])


@pytest.fixture
async def db(
    database_url: str, migrated_rows: dict[str, list[dict[str, Any]]]
) -> AsyncIterator[Database]:
    """The session's database, reset to its just-migrated state before the test."""
    database = Database(database_url, pool_size=5)
    await _reset(database, migrated_rows)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / ".env.ai"
    path.write_text(f"API_RATE_LIMIT={TEST_RATE_LIMIT}\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def settings(db: Database, key_file: Path, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=db.url,
        env_ai_file=key_file,
        scheduler=False,
        # Tests that want the worker's attachments pass turn it on; the others' portal servers
        # serve no files.
        attachments=False,
        files_dir=tmp_path / "files",
        alerts_private_hosts=True,  # the alert tests' channels are servers on 127.0.0.1
    )


@pytest.fixture
def clock() -> Clock:
    """The test's "now": the app's clock and the default time of every row a test makes."""
    return Clock()


@pytest.fixture
async def client(settings: Settings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    async for api in serve(settings, clock):
        yield api


@pytest.fixture
async def admin_token(db: Database) -> str:
    async with db.session_scope() as session:
        return await create_token(session, name="test-admin")


@pytest.fixture
def admin_headers(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


@pytest.fixture
def make_program(db: Database, clock: Clock) -> Any:
    """Insert a support program (fields override realistic defaults); returns its id. Its times
    are the test clock's, never the real date's."""
    import datetime as dt

    from paperwork.models import SupportProgram
    from paperwork.programs.dedupe import dedupe_key
    from paperwork.search.index import search_document

    counter = iter(range(1, 1_000_000))

    async def make(**fields: Any) -> int:
        number = next(counter)
        now = clock.now
        values: dict[str, Any] = {
            "portal_id": "bizinfo",
            "external_id": f"PBLN_{number:012d}",
            "title": f"2026년 중소기업 지원사업 {number}차 공고",
            "implementing_agency": "중소벤처기업부",
            "application_period": "2026-11-01 ~ 2026-12-31",
            "application_status": "접수중",
            "support_field": "금융",
            "support_amount": "최대 1억원",
            "description": "사업 개요",
            "target_audience": "중소기업",
            "detail_url": f"https://www.bizinfo.go.kr/sii/siia/selectSIIA200Detail.do?pblancId={number}",
            "data_quality_score": 8.5,
            "apply_start": dt.date(2026, 11, 1),
            "apply_end": dt.date(2026, 12, 31),
            "period_kind": "dated",
            "scraped_at": now,
            "first_seen_at": now,
            "last_seen_at": now,
            "created_at": now,
            "updated_at": now,
        }
        values.update(fields)
        # As the pipeline writes it: the key that pairs copies on other portals.
        values.setdefault(
            "dedupe_key",
            dedupe_key(values["title"], values["implementing_agency"], values["apply_end"]),
        )
        # And its search index columns.
        document = search_document(
            values["title"],
            values["implementing_agency"],
            values["target_audience"],
            values["description"],
        )
        values = document.columns(db.dialect) | values
        async with db.session_scope() as session:
            program = SupportProgram(**values)
            session.add(program)
            await session.flush()
            return program.id

    return make


_skipped_in_ci: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if IN_CI and report.skipped:
        _skipped_in_ci.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # In CI a skip hides a test that did not run (no PostgreSQL, no browser): that is a failure.
    if _skipped_in_ci:
        print(f"\nCI=true: {len(_skipped_in_ci)} test(s) skipped, failing the run:")
        for nodeid in _skipped_in_ci[:20]:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- local servers for the alerts' channels (tests/local_servers.py) ---


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    return free_port()


__all__ = ["s3_url"]


# --- the attachments' servers: a portal's file host, an S3 emulator (tests/local_s3.py) ---


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    server = FileServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis of the test's own on a free port (never the machine's shared one)."""
    yield from running_redis(IN_CI)
