"""stats_repository: the per-day counts read their range through an indexable predicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event

from apptest import NOON_KST
from paperwork.db import Database
from paperwork.programs import stats_repository
from paperwork.timeutil import SEOUL

TODAY = dt.date(2026, 12, 15)


async def test_the_range_is_read_through_the_first_seen_index(db: Database) -> None:
    """The day expression stays out of the WHERE clause, so the database can walk the index
    on first_seen_at instead of computing a date for every row."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.session_scope() as session:
            await stats_repository.first_seen_counts(
                session, start_day=TODAY, tz=SEOUL, now=NOON_KST
            )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    statement, parameters = statements[-1]
    where = statement.split("WHERE", 1)[1].split("GROUP BY", 1)[0].strip()
    assert where.startswith("support_programs.first_seen_at >=")

    async with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            # A handful of rows would be scanned whole anyway: ask whether the index can serve.
            await conn.exec_driver_sql("SET enable_seqscan = off")
            plan_sql = "EXPLAIN " + statement
        else:
            plan_sql = "EXPLAIN QUERY PLAN " + statement
        rows = (await conn.exec_driver_sql(plan_sql, parameters)).all()
    plan = " ".join(str(part) for row in rows for part in row)
    assert "ix_support_programs_first_seen_at" in plan, plan
