"""The search tokenizer: the tokens a document is indexed under and the tokens a query requires,
so that an inverted index (a PostgreSQL ``tsvector`` with GIN, an SQLite FTS5 table) can answer
one- and two-syllable Korean words, which trigram indexes cannot.

The rules (issue 12), applied to text folded by :func:`paperwork.search.normalize.fold`:

- **Korean** (Hangul, and CJK ideographs and kana alike): every syllable is a unigram token and
  every two neighbouring syllables a bigram token, also across a *single* whitespace character
  between two runs, so "스마트 공장" and "스마트공장" share the bigrams 스마 마트 트공 공장.
  A query word of one syllable requires its unigram; a longer one requires its bigrams.
- **Latin letters and digits** (any other letter or digit): a word is a run of them, ``&`` inside
  a word joining ("r&d", "m&a"). A document holds every prefix of each word (and, for a joined
  word, of each part): "AI기반" gives "a" and "ai"; "mail" gives "m" … "mail" but not "ai". A
  query word requires the whole word as a token: "ai" finds "AI", "AI기반", "AI·빅데이터" and
  not "mail"; "2026" finds "2026년". Prefixes are capped at :data:`MAX_WORD_PREFIX` characters.
- Everything else (punctuation, symbols) separates words and is never a token; a query word of
  punctuation only is dropped (no term, not an error).

The tokens of a query are necessary, not sufficient: "지원사업" requires 지원 원사 사업, which
"사업 지원, 원사업" also holds. :meth:`QueryTerm.found_in` is the exact rule the tokens stand for
(the word's runs in order, one whitespace allowed between Korean syllables, punctuation between
runs, a Latin word at a word start), the reference for the check a later step runs on the
candidates. Its text is the word folded (``QueryTerm.text``).

**Token alphabet** (what an index must store verbatim): a token is letters and digits
(``str.isalnum``), with ``&`` only between two of them ("r&d"). Tokens never hold whitespace,
quotes, backslashes, ``:``, ``*``, ``(``, ``)``, ``|``, ``!``, ``<`` or ``-``. So:

- PostgreSQL (``simple`` configuration or none: the text search parser must never see them): write
  the vector as a ``tsvector`` literal with every token in single quotes and a position carrying
  the field's weight, ``'스마':1A 'r&d':1A``, cast with ``::tsvector`` (fields joined with ``||``);
  not ``array_to_tsvector``, whose lexemes have no positions, so ``setweight`` keeps no weight
  and ``ts_rank`` cannot rank title above description; not ``to_tsvector``, whose parser would
  split "r&d". Write the query the same way, ``'스마' & 'r&d'`` cast with ``::tsquery``, not
  ``to_tsquery``/``plainto_tsquery``. (Checked on PostgreSQL 15.)
- SQLite FTS5: store the tokens joined by single spaces in a table declared with
  ``tokenize = "unicode61 remove_diacritics 0 tokenchars '&'"`` (so "r&d" stays one token), and
  match with every token in double quotes, ``"스마" "r&d"`` (implicit AND). (Checked on SQLite
  3.40.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from paperwork.search.normalize import fold

# Longest Latin/digit prefix indexed; a longer query word requires its first MAX_WORD_PREFIX
# characters (the exact check does the rest). Bounds the tokens a long word (a URL, a serial
# number) adds to the index.
MAX_WORD_PREFIX = 20

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


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One word of a query: every token in ``tokens`` must be in a matching document, and
    ``text`` (the word folded) is what the final exact check looks for."""

    text: str
    tokens: frozenset[str]

    @property
    def pattern(self) -> re.Pattern[str]:
        """The word's exact form as a regular expression over text folded by ``fold``."""
        return _pattern(self.text)

    def found_in(self, folded_text: str) -> bool:
        """Whether text folded by ``fold`` holds this word exactly (not just its tokens)."""
        return self.pattern.search(folded_text) is not None


def _runs(folded: str) -> Iterator[tuple[bool, str]]:
    """(is it Korean?, the run) for each run of folded text; a Korean run keeps the single
    whitespace characters inside it, which the callers drop."""
    for match in _RUN.finditer(folded):
        yield match.lastgroup == "cjk", match.group()


@lru_cache(maxsize=4096)
def _pattern(term_text: str) -> re.Pattern[str]:
    """The exact form of a (folded, whitespace-free) query word: Korean syllables with at most one
    whitespace character between them, a Latin/digit word not preceded by a letter or digit of
    its kind, any punctuation (or none) between runs."""
    parts: list[str] = []
    for is_cjk, run in _runs(term_text):
        if is_cjk:
            parts.append(r"\s?".join(re.escape(char) for char in run))
        else:
            parts.append(f"(?<!{_WORD}){re.escape(run)}")
    return re.compile(r"[\W_]*".join(parts))


def _word_prefixes(word: str) -> Iterator[str]:
    for end in range(1, min(len(word), MAX_WORD_PREFIX) + 1):
        if word[end - 1] != "&":
            yield word[:end]


def document_tokens(text: str) -> set[str]:
    """Every token ``text`` is indexed under (see the module docstring for the rules)."""
    korean: set[str] = set()
    words: set[str] = set()
    for is_cjk, run in _runs(fold(text)):
        if is_cjk:
            korean.add("".join(run.split()))
        else:
            words.add(run)
    # All Korean runs at once, NUL between them: the uni- and bigrams come from one pass in C
    # instead of a Python loop per run (this runs on every field at ingest), and repeated words
    # are tokenised once.
    joined = "\0".join(korean)
    grams = set(joined)
    grams.update(map(str.__add__, joined, joined[1:]))
    tokens = {gram for gram in grams if "\0" not in gram}
    for word in words:
        tokens.update(_word_prefixes(word))
        if "&" in word:
            for part in word.split("&"):
                tokens.update(_word_prefixes(part))
    return tokens


def _word_token(word: str) -> str:
    return word[:MAX_WORD_PREFIX].rstrip("&")


def query_term(word: str) -> QueryTerm | None:
    """The term one query word makes (folded here), or None when it has no letter or digit.

    A "word" is what the query splits on whitespace; whitespace inside ``word`` is dropped, so a
    caller can also pass a name like an abbreviation's full form."""
    folded = _SPACE.sub("", fold(word))
    tokens: set[str] = set()
    for is_cjk, run in _runs(folded):
        if not is_cjk:
            tokens.add(_word_token(run))
        elif len(run) == 1:
            tokens.add(run)
        else:
            tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    if not tokens:
        return None
    return QueryTerm(text=folded, tokens=frozenset(tokens))


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
