"""The database: engine and sessions built from Settings (never at import time), the declarative
Base with a naming convention, and the two transaction boundaries (request and job)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import DateTime, TypeDecorator

from paperwork.search.scoring import register_sqlite_functions

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes stored as UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware values only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, dt.datetime)
        if moment.tzinfo is None:  # SQLite keeps no offset: the stored value is UTC
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while a run writes; busy_timeout makes writers queue, not fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
    # Search's exact check and score run in Python on SQLite (paperwork.search.scoring).
    register_sqlite_functions(dbapi_connection)


def json_dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# orjson for the JSON columns (payloads, attachments): several times faster than json, and
# every ingested item goes through it.
JSON_CODEC: dict[str, Any] = {"json_serializer": json_dumps, "json_deserializer": orjson.loads}


def insert_or_skip(dialect: str, entity: Any, values: dict[str, Any]) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` in the dialect's own syntax (both databases have it):
    a row made once however many requests race to make it."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(entity).values(values).on_conflict_do_nothing()


# Ids bound in one statement's IN list: well under both databases' limits on parameters.
IDS_PER_STATEMENT = 5_000

# Compiled statements kept per process, and prepared ones per PostgreSQL connection: enough for
# the fixed statements every request runs; the SQL of a search changes with its words.
STATEMENT_CACHE_SIZE = 100
PREPARED_STATEMENTS_PER_CONNECTION = 25


def build_engine(database_url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        _prepare_sqlite_file(database_url)
        engine = create_async_engine(
            database_url, echo=echo, connect_args={"timeout": 15}, **JSON_CODEC
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        database_url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size // 2,
        pool_timeout=10,
        query_cache_size=STATEMENT_CACHE_SIZE,
        **JSON_CODEC,
        connect_args={
            # A request must not hang for minutes when the server is gone: fail fast into a 503.
            "timeout": 5,
            "command_timeout": 30,
            "server_settings": {"jit": "off"},
            "prepared_statement_cache_size": PREPARED_STATEMENTS_PER_CONNECTION,
        },
    )


# What a dead or unreachable database raises, wrapped by SQLAlchemy or straight from the driver
# and the OS (connection refused, host gone).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError, OSError)
# The SQLSTATEs of a server that is going away or not back yet, which asyncpg reports as plain
# errors (SQLAlchemy's DBAPIError, not OperationalError): the connection classes (08…), an
# administrator's or a crash's shutdown (57P01, 57P02) and "starting up" (57P03).
UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now (a restart, an outage), as
    opposed to a statement that failed: the API answers 503, a run waits to record itself."""
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    return False


class Database:
    """An engine and its session factory; one per app (or CLI command), built from Settings."""

    def __init__(self, database_url: str, *, pool_size: int = 10) -> None:
        self.url = database_url
        self.engine = build_engine(database_url, pool_size=pool_size)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def pool_status(self) -> dict[str, int]:
        """Connections open, the most the pool keeps, and how many sit idle."""
        pool: Any = self.engine.pool
        idle = int(pool.checkedin()) if hasattr(pool, "checkedin") else 0
        busy = int(pool.checkedout()) if hasattr(pool, "checkedout") else 0
        size = int(pool.size()) if hasattr(pool, "size") else 1
        return {"current_size": idle + busy, "max_size": size, "idle_connections": idle}

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def session_scope(self) -> AsyncIterator[AsyncSession]:
        """The job/CLI boundary: commit when the block ends, roll back when it raises."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request boundary: commit after the endpoint returns (before the response is sent)."""
    database: Database = request.app.state.db
    async with database.session_scope() as session:
        yield session


# scope="function": commit before the response goes out, so a failed commit is the client's 503,
# not a silent loss after a 200.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
