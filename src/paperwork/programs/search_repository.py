"""The SQL of text search over programs, with its dialect branch: which programs match a query,
their relevance score, and (re)filling the index columns. The meaning is the search package's
(``paperwork.search``): every query word, or one of its abbreviation alternatives, is found in
the title, agency, target or description (``SearchQuery.found_in``), or all its units in the
program's attachments (``support_programs.attachment_vector``, issue 15).

- **PostgreSQL**: ``search_vector @@ <tsquery>`` served by the GIN index of migration 0006; a
  word of several units is a phrase (``<->``) over the units' positions, so the index answers
  exactly without reading the text. The score tests each word against ``search_head`` with
  weights (``:A`` title, ``:B`` agency/target).
- **SQLite**: the FTS5 table of migration 0006 finds the programs holding every unit; when a
  word has several units, the exact rule runs on those candidates (a Python SQL function), and
  the score is a Python SQL function too (``paperwork.search.scoring``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Text,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.models import SupportProgram
from paperwork.search.index import (
    fts_query,
    korean_pattern,
    needs_exact_check,
    search_document,
    ts_all_units,
    ts_query,
    ts_term,
)
from paperwork.search.query import SearchQuery
from paperwork.search.scoring import (
    ATTACHMENT,
    BODY,
    FOUND_FUNCTION,
    HEAD,
    SCORE_FUNCTION,
    TITLE,
)
from paperwork.search.tokens import QueryTerm

SP = SupportProgram

# The schema objects of migration 0006 that the models cannot describe.
FTS_TABLE = "support_programs_search"
PG_INDEX = "ix_support_programs_search_vector"
# Migration 0010's: the attachments' units (FTS5 table FTS_TABLE + "_attachments" on SQLite).
PG_ATTACHMENT_INDEX = "ix_support_programs_attachment_vector"
ATTACHMENT_FTS_TABLE = FTS_TABLE + "_attachments"

FILL_BATCH = 1_000


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic ``include_name`` hook: keep the search objects out of model comparisons."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False  # the FTS5 table and its shadow tables (_data, _idx, _docsize, _config)
    return not (type_ == "index" and name in (PG_INDEX, PG_ATTACHMENT_INDEX))


def _tsquery(value: str) -> ColumnElement[object]:
    # Text cast in SQL: asyncpg sends it as text, and EXPLAIN can render it literally.
    return sql_cast(bindparam(None, value, type_=Text, unique=True), TSQUERY)


async def plan_for_search(session: AsyncSession) -> None:
    """PostgreSQL: no sequential scan for the rest of this transaction's search statements.

    The planner prices ``search_vector @@ query`` like any operator, not knowing that each row's
    vector is read from TOAST; for a common word it would filter every row that way (a second
    for "창업" at 100,000 programs). The GIN index answers a word without reading the vectors."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL enable_seqscan = off"))


def search_condition(dialect: str, query: SearchQuery) -> ColumnElement[bool]:
    """Programs where every word of ``query`` is found: in the program's own fields, or (all
    its units) in its attachments' text (issue 15)."""
    if dialect == "postgresql":
        return and_(*(_postgresql_group(group) for group in query.groups))
    return _sqlite_condition(query)


def _sqlite_condition(query: SearchQuery) -> ColumnElement[bool]:
    own = table(FTS_TABLE, column("rowid"))
    attached = table(ATTACHMENT_FTS_TABLE, column("rowid"))

    def candidates(group: tuple[QueryTerm, ...]) -> ColumnElement[bool]:
        text_query = fts_query([group])
        return SP.id.in_(
            select(own.c.rowid)
            .where(literal_column(FTS_TABLE).match(text_query))
            .union(
                select(attached.c.rowid).where(
                    literal_column(ATTACHMENT_FTS_TABLE).match(text_query)
                )
            )
        )

    conditions = [candidates(group) for group in query.groups]
    if needs_exact_check(query.groups):
        found = getattr(func, FOUND_FUNCTION)(
            SP.title,
            SP.implementing_agency,
            SP.target_audience,
            SP.description,
            SP.attachment_vector,
            query.text,
        )
        conditions.append(found == 1)
    return and_(*conditions)


SEARCHED = (SP.title, SP.implementing_agency, SP.target_audience, SP.description)


def _postgresql_group(group: tuple[QueryTerm, ...]) -> ColumnElement[bool]:
    """One word: the index finds the programs holding its units; a Korean word of several
    syllables is then checked on the text with a regular expression, which costs far less
    than the index's own phrase check (reading each candidate's vector back from TOAST).
    Other words of several units (a Latin word joined to Korean, "2026년") stay phrases. Or
    the attachments' positionless vector holds all its units."""
    own: ColumnElement[bool] = SP.search_vector.bool_op("@@")(_tsquery(ts_query([group], bag=True)))
    exact = _exact(group)
    if exact is not None:
        own = and_(own, exact)
    attached = SP.attachment_vector.bool_op("@@")(_tsquery(ts_all_units(group)))
    return or_(own, attached)


def _exact(group: tuple[QueryTerm, ...]) -> ColumnElement[bool] | None:
    """A group's exact test on the text, None when the index's answer is already exact."""
    if all(korean_pattern(term) is None for term in group):
        return None
    tests: list[ColumnElement[bool]] = []
    for term in group:
        pattern = korean_pattern(term)
        if pattern is None:
            tests.append(SP.search_vector.bool_op("@@")(_tsquery(f"({ts_term(term)})")))
        else:
            tests += [column.regexp_match(pattern) for column in SEARCHED]
    return or_(*tests)


def score(dialect: str, query: SearchQuery) -> ColumnElement[int]:
    """``paperwork.search.scoring.score`` in SQL: higher ranks first."""
    if dialect != "postgresql":
        function: ColumnElement[int] = getattr(func, SCORE_FUNCTION)(
            SP.title,
            SP.implementing_agency,
            SP.target_audience,
            SP.description,
            query.text,
            type_=Integer,
        )
        return function

    def in_head(tsquery: str) -> ColumnElement[bool]:
        # (A NULL head is no match: CASE goes on to its ELSE.)
        return SP.search_head.bool_op("@@")(_tsquery(tsquery))

    total: ColumnElement[int] = literal(0)
    for group in query.groups:
        total = total + case(
            (in_head(ts_query([group], "A")), TITLE),
            (in_head(ts_query([group], "B")), HEAD),
            (SP.search_vector.bool_op("@@")(_tsquery(ts_query([group], "C", bag=True))), BODY),
            else_=ATTACHMENT,
        )
    doubled = total * 2
    if query.phrase is None:
        return doubled
    return doubled + case((in_head(f"({ts_term(query.phrase, 'AB')})"), 1), else_=0)


# --- filling the index columns (migration 0006, ``paperwork search reindex``) --------------


def fill_search_columns(
    connection: Connection,
    *,
    only_missing: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute ``search_vector``/``search_head`` for every program (or those without them), in
    batches by id, committing nothing itself; returns how many were written. ``on_progress``
    gets (done, total) after each batch."""
    dialect = connection.dialect.name
    missing = " AND search_vector IS NULL" if only_missing else ""
    total = connection.scalar(text(f"SELECT count(*) FROM support_programs WHERE true{missing}"))
    done, last_id = 0, 0
    while True:
        rows = connection.execute(
            text(
                "SELECT id, title, implementing_agency, target_audience, description "
                f"FROM support_programs WHERE id > :last{missing} ORDER BY id LIMIT :n"
            ),
            {"last": last_id, "n": FILL_BATCH},
        ).all()
        if not rows:
            return done
        values = [{"id": row.id, **search_document(*row[1:]).columns(dialect)} for row in rows]
        _write_search_columns(connection, dialect, values)
        done += len(rows)
        last_id = rows[-1].id
        if on_progress is not None:
            on_progress(done, int(total or 0))


def _write_search_columns(
    connection: Connection, dialect: str, values: list[dict[str, object]]
) -> None:
    if dialect == "postgresql":
        # (search_head follows through the trigger of migration 0006.)
        connection.execute(
            text(
                "UPDATE support_programs AS p SET search_vector = v.vector::tsvector "
                "FROM unnest(CAST(:ids AS INTEGER[]), CAST(:vectors AS TEXT[])) AS v(id, vector) "
                "WHERE p.id = v.id"
            ),
            {
                "ids": [value["id"] for value in values],
                "vectors": [value["search_vector"] for value in values],
            },
        )
        return
    connection.execute(
        text("UPDATE support_programs SET search_vector = :search_vector WHERE id = :id"), values
    )
