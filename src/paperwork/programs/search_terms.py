"""A search query as its terms: the one pure step of search, shared by the conditions
(``search_repository``) and the check that ``sort=relevance`` has something to rank by."""

from __future__ import annotations

import unicodedata


def search_terms(query: str | None) -> list[str]:
    """The distinct terms of a query, NFC (the stored text is NFC); empty for a blank query."""
    if not query:
        return []
    terms: list[str] = []
    for term in unicodedata.normalize("NFC", query).split():
        if term not in terms:
            terms.append(term)
    return terms
