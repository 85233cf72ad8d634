"""What the databases store and are asked: a program's fields as index text, and a query's terms
as PostgreSQL ``tsquery`` and SQLite FTS5 ``MATCH`` text. Pure (no database), so the ingest's
worker processes compute it ahead of the writes.

PostgreSQL (``tsvector``, ``simple`` parsing bypassed: the literal is cast, never parsed):

- ``search_vector``: every field's units with positions and a weight — title ``A``, agency and
  target ``B``, description ``C`` — behind a GIN index. A field starts two positions after the
  previous one ends, so no phrase spans two fields. PostgreSQL merges repeated units, keeps at
  most 256 positions of one unit and counts positions up to 16,383 (text past that is still
  found word by word, not as a phrase).
- ``search_head``: the same for title, agency and target only (derived by the database, a
  trigger's ``ts_filter``). Small enough to stay in the row, so ranking reads it for every
  candidate without fetching a description's vector.

SQLite (FTS5, ``tokenize="unicode61 remove_diacritics 0 tokenchars '&'"``): ``search_vector``
holds the distinct units separated by spaces; the FTS5 table finds candidates by unit and the
exact rule (``QueryTerm.found_in``) is checked on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from paperwork.search.normalize import fold
from paperwork.search.tokens import (
    MAX_WORD,
    QueryTerm,
    Unit,
    document_literal,
    document_units,
    is_cjk,
)

# Alternatives of one query word: a document matches the word when it matches any of them.
TermGroup = Sequence[QueryTerm]


FIELD_WEIGHTS = ("A", "B", "B", "C")  # title, agency, target, description


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One program's searched fields, folded (title, agency, target, description), rendered
    for the database that stores them: each database's form is computed only when asked."""

    fields: tuple[str, str, str, str]

    @property
    def vector(self) -> str:
        """PostgreSQL: tsvector literal of every field (the database derives ``search_head``
        from it: ``ts_filter`` of weights A and B, a trigger of migration 0006)."""
        return document_literal(list(zip(self.fields, FIELD_WEIGHTS, strict=True)))

    @property
    def units(self) -> str:
        """SQLite: the distinct units, space-separated (positions go by field, as in the
        vector, though FTS5 keeps none of them)."""
        distinct: set[str] = set()
        position = 1
        for folded in self.fields:
            units, position = document_units(folded, position)
            position += 1
            distinct.update(map(itemgetter(0), units))
        return " ".join(sorted(distinct))

    def columns(self, dialect: str) -> dict[str, str]:
        """The ``support_programs`` search columns for a database of ``dialect``."""
        return {"search_vector": self.vector if dialect == "postgresql" else self.units}


def search_document(
    title: str | None, agency: str | None, target: str | None, description: str | None
) -> SearchDocument:
    folded = tuple(fold(text or "") for text in (title, agency, target, description))
    return SearchDocument((folded[0], folded[1], folded[2], folded[3]))


def search_columns(
    dialect: str,
    title: str | None,
    agency: str | None,
    target: str | None,
    description: str | None,
) -> dict[str, str]:
    """The search columns of one program for a database of ``dialect``."""
    return search_document(title, agency, target, description).columns(dialect)


def attachment_units(texts: Iterable[str]) -> set[str]:
    """The distinct units of a program's attachments' text (issue 15). No positions: an
    attachment is tens of pages, past the 16,383 positions a tsvector counts, so a word is
    found there when all its units are (``attachment_found``), not as a phrase."""
    units: set[str] = set()
    for text in texts:
        units.update(map(itemgetter(0), document_units(fold(text), 1)[0]))
    return units


def attachment_vector(dialect: str, units: set[str]) -> str | None:
    """``support_programs.attachment_vector`` for ``units``: a positionless tsvector literal on
    PostgreSQL, the units for the FTS5 table on SQLite; None without any."""
    if not units:
        return None
    ordered = sorted(units)
    if dialect == "postgresql":
        return " ".join(f"'{unit}'" for unit in ordered)  # (units hold no quote: tokens.py)
    return " ".join(ordered)


def attachment_found(group: TermGroup, units: set[str]) -> bool:
    """Whether the attachments' ``units`` hold every unit of one term of ``group``."""
    return any(all(_has_unit(unit, units) for unit in term.chain) for term in group)


def _has_unit(unit: Unit, units: set[str]) -> bool:
    if unit.lexeme in units:
        return True
    return unit.prefix and any(candidate.startswith(unit.lexeme) for candidate in units)


# --- PostgreSQL tsquery ------------------------------------------------------------------


def _ts_unit(unit: Unit, weights: str) -> str:
    marks = ("*" if unit.prefix else "") + weights
    return f"'{unit.lexeme}'" + (f":{marks}" if marks else "")


def korean_pattern(term: QueryTerm) -> str | None:
    """For a word of several Korean syllables and nothing else, its exact rule as a POSIX
    regular expression over the stored (unfolded) text — the syllables in order, one
    whitespace character allowed between them — else None. Hangul has no case, and portal text
    is NFC, so the raw text needs no folding for it."""
    chain = term.chain
    if len(chain) < 2 or any(not _is_korean_bigram(unit) for unit in chain):
        return None
    syllables = chain[0].lexeme + "".join(unit.lexeme[1] for unit in chain[1:])
    return r"\s?".join(syllables)  # (the word's text may hold punctuation around it)


def _is_korean_bigram(unit: Unit) -> bool:
    return len(unit.lexeme) == 2 and unit.distance == 1 and is_cjk(unit.lexeme)


def ts_term(term: QueryTerm, weights: str = "", *, bag: bool = False) -> str:
    """A term as a phrase of its units, each at its distance from the one before (``<->`` is
    ``<1>``); ``weights`` (e.g. "A") restricts where they count. ``bag``: a Korean word's
    bigrams with ``&`` instead (no positions to check: its exactness is ``korean_pattern``'s)."""
    first, *rest = term.chain
    if bag and korean_pattern(term) is not None:
        return " & ".join(_ts_unit(unit, weights) for unit in term.chain)
    phrase = [_ts_unit(first, weights)]
    for unit in rest:
        phrase.append("<->" if unit.distance == 1 else f"<{unit.distance}>")
        phrase.append(_ts_unit(unit, weights))
    return " ".join(phrase)


def ts_group(group: TermGroup, weights: str = "", *, bag: bool = False) -> str:
    return "(" + " | ".join(f"({ts_term(term, weights, bag=bag)})" for term in group) + ")"


def ts_query(groups: Sequence[TermGroup], weights: str = "", *, bag: bool = False) -> str:
    """Every group must match (one of its alternatives)."""
    return " & ".join(ts_group(group, weights, bag=bag) for group in groups)


def ts_all_units(group: TermGroup) -> str:
    """A group as "all units of one of its terms", for the positionless attachment vector."""
    return (
        "("
        + " | ".join(
            "(" + " & ".join(_ts_unit(unit, "") for unit in term.chain) + ")" for term in group
        )
        + ")"
    )


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
