"""The search tokenizer: the positioned units a document is indexed under and the chain of units
a query word requires, so that an inverted index (a PostgreSQL ``tsvector`` with GIN, an SQLite
FTS5 table) answers one- and two-syllable Korean words, which trigram indexes cannot.

The rules (issue 12), applied to text folded by :func:`paperwork.search.normalize.fold`:

- **Korean** (Hangul, and CJK ideographs and kana alike): a run of syllables, which may hold a
  *single* whitespace character between syllables ("스마트 공장" and "스마트공장" are the same run),
  takes one position per syllable, holding the bigram that starts there (스마 마트 트공 공장 at
  consecutive positions) or, on the run's last syllable, that syllable alone. So one unit per
  syllable, and every syllable is the first character of the unit at its position: a query word
  of one syllable requires a unit *starting* with it (a prefix match); a longer one requires its
  bigrams, in order.
- **Latin letters and digits** (any other letter or digit): a word is a run of them, ``&``
  inside a word joining ("r&d"), indexed as one unit (its first :data:`MAX_WORD` characters),
  with the parts of a joined word at the same position. A query word matches words *starting*
  with it ("ai" finds "AI", "AIoT", "AI기반", not "mail"); inside a longer query word a Latin
  run that another run follows must be the whole word ("ai기반" does not find "AIoT기반").
- Everything else (punctuation, symbols) separates units and is never indexed; a query word of
  punctuation only is dropped (no term, not an error). The syllables and words of one field are
  numbered consecutively, whatever separates them, so a query word's chain of units is a phrase.

A query word's **chain** is what an index can check: PostgreSQL as a phrase over positions,
SQLite's FTS5 as a bag of units. Each unit of a chain is ``distance`` positions after the one
before it: 1, except after a run's last bigram, where it is 2 (the run's last syllable lies
between). So "지원·사업" finds "지원사업" (원사 between the two) as well as "지원·사업",
and "지원사업" does not find "지원, 원사업" (지원 and 원사 are 2 apart there, not 1).
:meth:`QueryTerm.found_in` is the exact rule (the word's runs in order, one whitespace allowed
between Korean syllables, any punctuation between runs, a Latin word at a word start), which
SQLite checks on the candidates and highlights use.

**Unit alphabet**: a unit is letters and digits (``str.isalnum``), with ``&`` only between two
of them. Units never hold whitespace, quotes, backslashes, ``:``, ``*``, ``(``, ``)``, ``|``,
``!``, ``<`` or ``-``, so they go into a ``tsvector``/``tsquery`` literal in single quotes and an
FTS5 query in double quotes verbatim (``paperwork.search.index`` writes both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from paperwork.search.normalize import fold

# Longest Latin/digit unit indexed: bounds what a long word (a URL, a serial number) adds to the
# index; a longer query word matches on its first MAX_WORD characters plus the exact check.
MAX_WORD = 20

# Hangul syllables and jamo, CJK ideographs, kana: the scripts written without spaces between
# words (the kana middle dot U+30FB is punctuation, so the kana range stops before it).
_CJK_RANGES = (
    "\u1100-\u11ff\u3040-\u30fa\u30fc-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff\uf900-\ufaff"
)
_CJK = f"[{_CJK_RANGES}]"
# A letter or digit of any other script: \w without "_" and without the CJK ranges.
_WORD = rf"[^\W_{_CJK_RANGES}]"
_RUN = re.compile(rf"(?P<cjk>{_CJK}+(?:\s{_CJK}+)*)|(?P<word>{_WORD}+(?:&{_WORD}+)*)")
_SPACE = re.compile(r"\s")
_ALL_CJK = re.compile(f"{_CJK}+")


def is_cjk(text: str) -> bool:
    """Whether ``text`` is Korean (or other CJK) syllables only."""
    return _ALL_CJK.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of a query word's chain; ``prefix``: any indexed unit starting with it;
    ``distance``: how many positions after the chain's previous unit (unused on the first)."""

    lexeme: str
    prefix: bool = False
    distance: int = 1


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One word of a query: a matching document holds ``chain`` at its distances, and
    ``text`` (the word folded) is what the exact check looks for."""

    text: str
    chain: tuple[Unit, ...]

    @property
    def pattern(self) -> re.Pattern[str]:
        """The word's exact form as a regular expression over text folded by ``fold``."""
        return _pattern(self.text)

    def found_in(self, folded_text: str) -> bool:
        """Whether text folded by ``fold`` holds this word exactly (not just its units)."""
        return self.pattern.search(folded_text) is not None


def runs(folded: str) -> Iterator[tuple[bool, str]]:
    """(is it Korean?, the run) for each run of folded text; a Korean run comes without the
    single whitespace characters it may hold."""
    for match in _RUN.finditer(folded):
        if match.lastgroup == "cjk":
            yield True, "".join(match.group().split())
        else:
            yield False, match.group()


@lru_cache(maxsize=4096)
def _pattern(term_text: str) -> re.Pattern[str]:
    """Korean syllables with at most one whitespace character between them, a Latin/digit word
    not preceded by a letter or digit of its kind, any punctuation (or none) between runs."""
    parts: list[str] = []
    for is_cjk, run in runs(term_text):
        if is_cjk:
            parts.append(r"\s?".join(re.escape(char) for char in run))
        else:
            parts.append(f"(?<!{_WORD}){re.escape(run)}")
    return re.compile(r"[\W_]*".join(parts))


def document_units(folded: str, start: int) -> tuple[list[tuple[str, int]], int]:
    """The (unit, position) pairs of one field's folded text, positions from ``start``, and
    the first position after them. A unit may come more than once (once per occurrence)."""
    units: list[tuple[str, int]] = []
    position = start
    for is_cjk, run in runs(folded):
        if not is_cjk:
            word = run[:MAX_WORD]
            units.append((word, position))
            if "&" in word:
                units.extend((part, position) for part in word.split("&") if part)
            position += 1
        else:
            # One unit per syllable (not a unigram besides each bigram): half the units to
            # tokenise, send and index, which is what ingest pays for.
            bigrams = map(str.__add__, run, run[1:])
            units.extend(zip(bigrams, range(position, position + len(run)), strict=False))
            position += len(run)
            units.append((run[-1], position - 1))
    return units, position


def document_literal(folded_fields: list[tuple[str, str]], start: int = 1) -> str:
    """``document_units`` of several fields (folded text, weight letter), a gap of one position
    between fields, written as a ``tsvector`` literal (``'스마':1A``) in one pass.

    The same rule as ``document_units`` (the tests hold them equal), without its list of pairs:
    ingest runs this on every program, and building a tuple per unit was half its cost."""
    parts: list[str] = []
    add, extend = parts.append, parts.extend
    position = start
    for folded, weight in folded_fields:
        unit = f"'{{}}':{{}}{weight}".format
        for match in _RUN.finditer(folded):
            run = match.group()
            if match.group("cjk") is None:
                word = run[:MAX_WORD]
                add(unit(word, position))
                if "&" in word:
                    extend(unit(part, position) for part in word.split("&") if part)
                position += 1
                continue
            if len(run) > 1 and not run.isalnum():  # single spaces inside the run
                run = "".join(run.split())
            end = position + len(run) - 1
            extend(map(unit, map(str.__add__, run, run[1:]), range(position, end)))
            add(unit(run[-1], end))
            position = end + 1
        position += 1
    return " ".join(parts)


def _chain(folded: str) -> tuple[Unit, ...]:
    found = list(runs(folded))
    chain: list[Unit] = []
    distance = 1  # from the chain's last unit to the next run's first
    for index, (is_cjk, run) in enumerate(found):
        if not is_cjk:
            word = run[:MAX_WORD].rstrip("&")
            # The last run may be the start of a longer word; so may a word cut at MAX_WORD.
            prefix = index == len(found) - 1 or len(run) > MAX_WORD
            chain.append(Unit(word, prefix=prefix, distance=distance))
            distance = 1
        elif len(run) == 1:
            # The syllable starts the unit at its position: a bigram, or itself at a run's end.
            chain.append(Unit(run, prefix=True, distance=distance))
            distance = 1
        else:
            first, *rest = (a + b for a, b in pairwise(run))
            chain.append(Unit(first, distance=distance))
            chain.extend(Unit(bigram) for bigram in rest)
            distance = 2  # the run's last syllable lies between its last bigram and what follows
    return tuple(chain)


def query_term(word: str) -> QueryTerm | None:
    """The term one query word makes (folded here), or None when it has no letter or digit.

    Whitespace inside ``word`` is dropped, so a caller can also pass a name like an
    abbreviation's full form."""
    folded = _SPACE.sub("", fold(word))
    chain = _chain(folded)
    return QueryTerm(text=folded, chain=chain) if chain else None


def query_terms(query: str) -> list[QueryTerm]:
    """The distinct terms of a search query, in order; words of punctuation only are dropped,
    so a blank or punctuation-only query has no terms."""
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for word in fold(query).split():
        term = query_term(word)
        if term is not None and term.text not in seen:
            seen.add(term.text)
            terms.append(term)
    return terms


def phrase_term(terms: list[QueryTerm]) -> QueryTerm | None:
    """The whole query as one phrase (for ranking), None for fewer than two terms. Korean
    words join across the space between them ("스마트 공장" is the phrase "스마트공장", spacing
    being no matter); Latin words stay separate words."""
    if len(terms) < 2:
        return None
    text = " ".join(term.text for term in terms)
    return QueryTerm(text=text, chain=_chain(text))
