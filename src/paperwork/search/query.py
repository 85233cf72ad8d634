"""A search query parsed once: its words as terms, each with its abbreviation alternatives, and
the whole query as a phrase (for ranking). The same object drives the index conditions, the
ranking, the SQLite exact check and the highlights.

The abbreviations are the process's: the package's file, extended by the operator's
(``PAPERWORK_SEARCH_ABBREVIATIONS_FILE``), installed by the app at start-up with
:func:`use_abbreviations` (a bad file stops the start with the file and line named).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from paperwork.search.abbreviations import Abbreviations, load_abbreviations
from paperwork.search.normalize import fold
from paperwork.search.tokens import QueryTerm, phrase_term, query_terms

_active: Abbreviations | None = None


def use_abbreviations(operator_file: Path | None) -> Abbreviations:
    """Load the abbreviations (raising AbbreviationsFileError on a bad file) and make them the
    ones every query of this process expands with."""
    global _active
    _active = load_abbreviations(operator_file)
    parse_query.cache_clear()
    return _active


def active_abbreviations() -> Abbreviations:
    global _active
    if _active is None:
        _active = load_abbreviations()
    return _active


@dataclass(frozen=True)
class SearchQuery:
    """``groups``: one per query word, the word first, then its alternatives; a document
    matches when it matches one term of every group."""

    text: str
    groups: tuple[tuple[QueryTerm, ...], ...]
    phrase: QueryTerm | None

    def found_in(self, *folded_fields: str) -> bool:
        """The exact rule: every group has a term found in one of the fields."""
        return all(
            any(term.found_in(field) for term in group for field in folded_fields)
            for group in self.groups
        )


@lru_cache(maxsize=1024)
def parse_query(q: str | None) -> SearchQuery | None:
    """None when ``q`` has no term (blank, or punctuation only: no search, not an error)."""
    terms = query_terms(q or "")
    if not terms:
        return None
    groups = tuple(tuple(group) for group in active_abbreviations().expand(terms))
    return SearchQuery(text=fold(q or ""), groups=groups, phrase=phrase_term(terms))
