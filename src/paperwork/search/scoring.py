"""The relevance score of one program for a query, in Python: what SQLite computes per candidate
(a registered SQL function) and the reference PostgreSQL's SQL (``search_repository``) mirrors
with weighted ``tsquery`` tests on ``search_head``.

``score = 2 × Σ(per query word: 3 found in the title, 2 else in agency or target, 1 else in the
description, 0 else — only in an attachment) + (1 when the whole query is a phrase in title,
agency or target)``: a title match ranks above one in agency/target, which ranks above one
only in the description, which ranks above one only in an attachment; then the phrase.
"""

from __future__ import annotations

import sqlite3

from paperwork.search.index import attachment_found
from paperwork.search.normalize import fold
from paperwork.search.query import SearchQuery, parse_query

TITLE, HEAD, BODY, ATTACHMENT = 3, 2, 1, 0


def score(query: SearchQuery, title: str, agency: str, target: str, description: str) -> int:
    folded_title, head = fold(title), (fold(agency), fold(target))
    folded_description: str | None = None  # folded only when a word is not in the head
    total = 0
    for group in query.groups:
        if any(term.found_in(folded_title) for term in group):
            total += TITLE
        elif any(term.found_in(field) for term in group for field in head):
            total += HEAD
        else:
            if folded_description is None:
                folded_description = fold(description)
            found = any(term.found_in(folded_description) for term in group)
            total += BODY if found else ATTACHMENT
    phrase = query.phrase is not None and any(
        query.phrase.found_in(field) for field in (folded_title, *head)
    )
    return 2 * total + int(phrase)


def _sqlite_found(
    title: str, agency: str, target: str, description: str, attachments: str | None, q: str
) -> int:
    """The exact rule: every word in one of the fields, or all its units in the attachments'
    (``attachments``: the program's ``attachment_vector``, its units space-separated)."""
    query = parse_query(q)
    if query is None:
        return 1
    fields = (fold(title or ""), fold(agency or ""), fold(target or ""), fold(description or ""))
    units: set[str] | None = None
    for group in query.groups:
        if any(term.found_in(field) for term in group for field in fields):
            continue
        if units is None:
            units = set((attachments or "").split())
        if not attachment_found(group, units):
            return 0
    return 1


def _sqlite_score(title: str, agency: str, target: str, description: str, q: str) -> int:
    query = parse_query(q)
    if query is None:
        return 0
    return score(query, title or "", agency or "", target or "", description or "")


FOUND_FUNCTION = "paperwork_search_found"
SCORE_FUNCTION = "paperwork_search_score"


def register_sqlite_functions(connection: sqlite3.Connection) -> None:
    """On every SQLite connection: the exact check and the score, as SQL functions
    (deterministic, so SQLite may use them in indexes and skip repeated calls)."""
    connection.create_function(FOUND_FUNCTION, 6, _sqlite_found, deterministic=True)
    connection.create_function(SCORE_FUNCTION, 5, _sqlite_score, deterministic=True)
