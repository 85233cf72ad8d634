"""What the databases store and are asked: a program's fields as index text, and a query's terms
as PostgreSQL ``tsquery`` and SQLite FTS5 ``MATCH`` text. Pure (no database), so the ingest's
worker processes compute it ahead of the writes.

PostgreSQL (``tsvector``, ``simple`` parsing bypassed: the literal is cast, never parsed):

- ``search_vector``: every field's units with positions and a weight — title ``A``, agency and
  target ``B``, description ``C`` — behind a GIN index. A field starts two positions after the
  previous one ends, so no phrase spans two fields. PostgreSQL merges repeated units, keeps at
  most 256 positions of one unit and counts positions up to 16,383 (text past that is still
  found word by word, not as a phrase).
- ``search_head``: the same for title, agency and target only. Small enough to stay in the row,
  so ranking reads it for every candidate without fetching a description's vector.

SQLite (FTS5, ``tokenize="unicode61 remove_diacritics 0 tokenchars '&'"``): ``search_vector``
holds the distinct units separated by spaces; the FTS5 table finds candidates by unit and the
exact rule (``QueryTerm.found_in``) is checked on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import starmap
from operator import itemgetter

from paperwork.search.normalize import fold
from paperwork.search.tokens import MAX_WORD, QueryTerm, Unit, document_units

# Alternatives of one query word: a document matches the word when it matches any of them.
TermGroup = Sequence[QueryTerm]


FIELD_WEIGHTS = ("A", "B", "B", "C")  # title, agency, target, description


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One program's fields as positioned units (title, agency, target, description), rendered
    for the database that stores them: each database's form is computed only when asked."""

    fields: tuple[list[tuple[str, int]], ...]

    @property
    def head(self) -> str:
        """PostgreSQL: tsvector literal of title, agency and target."""
        return _literal(self.fields[:3], FIELD_WEIGHTS[:3])

    @property
    def vector(self) -> str:
        """PostgreSQL: tsvector literal of every field."""
        return _literal(self.fields, FIELD_WEIGHTS)

    @property
    def units(self) -> str:
        """SQLite: the distinct units, space-separated."""
        distinct: set[str] = set()
        for units in self.fields:
            distinct.update(map(itemgetter(0), units))
        return " ".join(sorted(distinct))

    def columns(self, dialect: str) -> dict[str, str | None]:
        """The ``support_programs`` search columns for a database of ``dialect``."""
        if dialect == "postgresql":
            return {"search_vector": self.vector, "search_head": self.head}
        return {"search_vector": self.units, "search_head": None}


def _literal(fields: Sequence[list[tuple[str, int]]], weights: Sequence[str]) -> str:
    # One format call per unit in C (starmap), not an f-string per unit in Python: this runs on
    # every unit of every program at ingest.
    parts = [
        " ".join(starmap(f"'{{}}':{{}}{weight}".format, units))
        for units, weight in zip(fields, weights, strict=True)
        if units
    ]
    return " ".join(parts)


def search_document(
    title: str | None, agency: str | None, target: str | None, description: str | None
) -> SearchDocument:
    position = 1
    fields = []
    for text in (title, agency, target, description):
        units, position = document_units(fold(text or ""), position)
        position += 1  # a gap: a phrase never joins the end of one field to the next
        fields.append(units)
    return SearchDocument(tuple(fields))


def search_columns(
    dialect: str,
    title: str | None,
    agency: str | None,
    target: str | None,
    description: str | None,
) -> dict[str, str | None]:
    """The search columns of one program for a database of ``dialect``."""
    return search_document(title, agency, target, description).columns(dialect)


# --- PostgreSQL tsquery ------------------------------------------------------------------


def _ts_unit(unit: Unit, weights: str) -> str:
    marks = ("*" if unit.prefix else "") + weights
    return f"'{unit.lexeme}'" + (f":{marks}" if marks else "")


def ts_term(term: QueryTerm, weights: str = "") -> str:
    """A term as a phrase of its units, each at its distance from the one before (``<->`` is
    ``<1>``); ``weights`` (e.g. "A") restricts where they count."""
    first, *rest = term.chain
    phrase = [_ts_unit(first, weights)]
    for unit in rest:
        phrase.append("<->" if unit.distance == 1 else f"<{unit.distance}>")
        phrase.append(_ts_unit(unit, weights))
    return " ".join(phrase)


def ts_group(group: TermGroup, weights: str = "") -> str:
    return "(" + " | ".join(f"({ts_term(term, weights)})" for term in group) + ")"


def ts_query(groups: Sequence[TermGroup], weights: str = "") -> str:
    """Every group must match (one of its alternatives)."""
    return " & ".join(ts_group(group, weights) for group in groups)


# --- SQLite FTS5 -------------------------------------------------------------------------


def _fts_unit(unit: Unit) -> str:
    return f'"{unit.lexeme}"' + ("*" if unit.prefix else "")


def fts_query(groups: Sequence[TermGroup]) -> str:
    """Candidates for every group: documents holding all units of one of its alternatives."""
    parts = []
    for group in groups:
        alternatives = [" AND ".join(_fts_unit(u) for u in term.chain) for term in group]
        parts.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
    return " AND ".join(parts)


def needs_exact_check(groups: Sequence[TermGroup]) -> bool:
    """Whether FTS5's candidates can differ from the matches: only when some alternative has
    more than one unit, or one that may be a word cut at MAX_WORD (a lone whole unit present is
    the match; a cut one holds only the word's start)."""
    return any(
        len(term.chain) > 1 or len(term.chain[0].lexeme) >= MAX_WORD
        for group in groups
        for term in group
    )
