"""Pure steps of the facet counts (``facets_repository`` reads the rows): the values in the
comma-separated region and category texts, and the copies ``dedupe`` hides under each value.

Each count must equal the list's total with that facet's filter set to that value alone, and
the region and category filters are case-insensitive substring tests: ``category=기술`` also
finds "기술개발(R&D)". So a value is counted over every text that contains it, not only over
those that list it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

SEPARATOR = ","

# (what a row holds, a facet value) → whether that value's filter takes the row.
Takes = Callable[[str | None, str], bool]


def split_listed(stored: Mapping[str, int], fold: Callable[[str], str]) -> dict[str, int]:
    """The values in comma-separated texts (``stored``: text → number of rows), each with the
    rows of the texts that contain it once case is folded by ``fold``, as the filter counts.
    Spellings that fold alike are one value (the filter cannot tell them apart), shown as the
    spelling in most rows, then the first in order."""
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text, rows in stored.items():
        for part in text.split(SEPARATOR):
            value = part.strip()
            if value:
                spellings[fold(value)][value] += rows
    folded = [(fold(text), rows) for text, rows in stored.items()]
    counts: dict[str, int] = {}
    for key, seen in spellings.items():
        shown = min(seen, key=lambda spelling: (-seen[spelling], spelling))
        counts[shown] = sum(rows for text, rows in folded if key in text)
    return counts


def contains_folded(fold: Callable[[str], str]) -> Takes:
    """The region and category filters' test: the stored text contains the value."""
    return lambda stored, value: stored is not None and fold(value) in fold(stored)


def equals(stored: str | None, value: str) -> bool:
    """The portal and status filters' test."""
    return stored == value


@dataclass(frozen=True)
class Copy:
    """A matching row that has a twin on another portal: what dedupe compares, and its facet
    values by facet name."""

    id: int
    portal_id: str
    key: str
    values: Mapping[str, str | None]


def with_earlier_twins(copies: Sequence[Copy]) -> list[tuple[Copy, list[Copy]]]:
    """Each copy with the copies dedupe may show instead: same key, another portal, lower id
    (``v1_repository``'s dedupe rule, restated for rows already read)."""
    by_key: defaultdict[str, list[Copy]] = defaultdict(list)
    for copy in copies:
        by_key[copy.key].append(copy)
    paired = []
    for copy in copies:
        earlier = [
            twin
            for twin in by_key[copy.key]
            if twin.portal_id != copy.portal_id and twin.id < copy.id
        ]
        if earlier:
            paired.append((copy, earlier))
    return paired


def without_shadowed(
    counts: Mapping[str, int],
    name: str,
    paired: Sequence[tuple[Copy, list[Copy]]],
    takes: Takes,
) -> dict[str, int]:
    """``counts`` (facet ``name``'s, without dedupe) less the copies that the list with that
    value's filter and dedupe hides: those whose earlier twin that filter takes too. (A twin
    the filter leaves out cannot stand for them: with ``status=open`` an open copy shows even
    when its upcoming twin came first.)"""
    result = dict(counts)
    for copy, earlier in paired:
        for value in counts:
            if takes(copy.values[name], value) and any(
                takes(twin.values[name], value) for twin in earlier
            ):
                result[value] -= 1
    return result
