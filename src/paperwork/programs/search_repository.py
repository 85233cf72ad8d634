"""The SQL of text search over programs, with its dialect branch, and the search objects the
migrations create. One meaning on both databases: every whitespace-separated term of the query
(``search_terms``) must occur, as a substring (inside words: Korean attaches particles without
spaces), in the title, agency, description or target; case-insensitive.

PostgreSQL answers with ``ILIKE`` on each column, served by the pg_trgm GIN index of migration
0003. SQLite answers terms of three or more characters with FTS5 trigram ``MATCH`` (a quoted
phrase, so operators and quotes are text) and shorter terms, which no trigram index can serve,
with ``LIKE``. Both are exact substring tests, so the same rows match. (One difference is
accepted: SQLite folds case of ASCII letters only for terms under three characters.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, column, literal_column, or_, select, table
from sqlalchemy import and_ as sql_and
from sqlalchemy.orm import QueryableAttribute

from paperwork.models import SupportProgram

# A mapped column (SupportProgram.title) or any SQL text expression.
TextColumn = ColumnElement[Any] | QueryableAttribute[Any]

SP = SupportProgram

# The schema objects of migration 0003 that the models cannot describe.
FTS_TABLE = "support_programs_fts"
PG_TRIGRAM_INDEX = "ix_support_programs_search_trgm"

# FTS5's trigram tokenizer indexes 3-character sequences; a shorter phrase matches nothing.
TRIGRAM = 3
LIKE_ESCAPE = "\\"

# Where a term was found, for sort=relevance: a hit in the title says more than one in the text.
WEIGHTS = (
    (SP.title, 8),
    (SP.implementing_agency, 4),
    (SP.target_audience, 2),
    (SP.description, 1),
)
SEARCHED = tuple(column for column, _weight in WEIGHTS)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic ``include_name`` hook: keep the search objects out of model comparisons."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False  # the FTS5 table and its shadow tables (_data, _idx, _docsize, _config)
    return not (type_ == "index" and name == PG_TRIGRAM_INDEX)


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards escaped, so ``%`` and ``_`` are searched as text."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def contains(column: TextColumn, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring test (``ILIKE`` on PostgreSQL, ``lower() LIKE`` on SQLite).

    A term without cased letters (Hangul, digits) is the same test with plain ``LIKE``, which
    PostgreSQL runs about three times faster than ``ILIKE`` over Korean text."""
    if text.lower() == text.upper():
        return column.like(like_pattern(text), escape=LIKE_ESCAPE)
    return column.ilike(like_pattern(text), escape=LIKE_ESCAPE)


def fts_phrase(term: str) -> str:
    """A term as one FTS5 string: inside double quotes every character is literal text."""
    return '"' + term.replace('"', '""') + '"'


def _in_any_column(term: str) -> ColumnElement[bool]:
    return or_(*(contains(column, term) for column in SEARCHED))


def search_condition(dialect: str, terms: Sequence[str]) -> ColumnElement[bool]:
    """Rows where every term occurs in some searched column."""
    if dialect != "sqlite":
        return sql_and(*(_in_any_column(term) for term in terms))
    long_terms = [term for term in terms if len(term) >= TRIGRAM]
    conditions = [_in_any_column(term) for term in terms if len(term) < TRIGRAM]
    if long_terms:
        fts = table(FTS_TABLE, column("rowid"))
        expression = " AND ".join(fts_phrase(term) for term in long_terms)
        matches = select(fts.c.rowid).where(literal_column(FTS_TABLE).match(expression))
        conditions.append(SP.id.in_(matches))
    return sql_and(*conditions)


def relevance(terms: Sequence[str]) -> ColumnElement[int]:
    """A score that ranks the same on both databases (unlike ``bm25`` or ``similarity``):
    for each term, the weights of the columns it occurs in."""
    score: ColumnElement[int] | None = None
    for term in terms:
        for searched, weight in WEIGHTS:
            part = case((contains(searched, term), weight), else_=0)
            score = part if score is None else score + part
    return score if score is not None else literal_column("0")
