"""The tokenizer: what a document is indexed under and what each query word requires."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import pytest

from paperwork.search.tokens import MAX_WORD_PREFIX, QueryTerm, document_tokens, query_terms


def required(query: str) -> list[set[str]]:
    return [set(term.tokens) for term in query_terms(query)]


def test_hangul_runs_give_unigrams_and_bigrams() -> None:
    assert document_tokens("창업지원") == {"창", "업", "지", "원", "창업", "업지", "지원"}


def test_bigrams_cross_a_single_space_so_spacing_does_not_matter() -> None:
    spaced = document_tokens("스마트 공장")
    joined = document_tokens("스마트공장")
    assert spaced == joined
    assert "트공" in spaced
    assert document_tokens("스마트\n공장") == joined  # one line break is one space too


def test_bigrams_do_not_cross_punctuation_latin_or_a_wider_gap() -> None:
    assert "트공" not in document_tokens("스마트·공장")
    assert "트공" not in document_tokens("스마트, 공장")
    assert "트공" not in document_tokens("스마트  공장")  # two spaces: a gap, not word spacing
    assert "트공" not in document_tokens("스마트 AI 공장")


def test_a_hangul_query_word_requires_its_bigrams_or_its_one_syllable() -> None:
    assert required("스마트공장") == [{"스마", "마트", "트공", "공장"}]
    assert required("창업") == [{"창업"}]
    assert required("앱 차") == [{"앱"}, {"차"}]


def test_latin_and_digit_words_are_indexed_with_every_prefix() -> None:
    assert document_tokens("AI기반") == {"a", "ai", "기", "반", "기반"}
    assert document_tokens("mail") == {"m", "ma", "mai", "mail"}
    assert {"2", "20", "202", "2026", "년"} == document_tokens("2026년")


def test_r_and_d_is_one_word_and_its_parts_are_words_too() -> None:
    assert document_tokens("R&D") == {"r", "r&d", "d"}
    assert required("r&d") == required("R&D") == [{"r&d"}]
    assert required("R & D") == [{"r"}, {"d"}]  # "&" alone is punctuation


def test_a_latin_query_word_requires_the_whole_word() -> None:
    assert required("AI") == [{"ai"}]
    assert required("ＡＩ") == [{"ai"}]
    assert required("２０２６") == [{"2026"}]
    assert required("K-Startup") == [{"k", "startup"}]


def test_a_query_word_mixing_scripts_requires_each_run() -> None:
    assert required("AI·빅데이터") == [{"ai", "빅데", "데이", "이터"}]
    assert required("2026년") == [{"2026", "년"}]


def test_long_words_are_capped_at_the_prefix_limit() -> None:
    word = "x" * (MAX_WORD_PREFIX + 10)
    assert max(len(token) for token in document_tokens(word)) == MAX_WORD_PREFIX
    assert required(word) == [{"x" * MAX_WORD_PREFIX}]


@pytest.mark.parametrize("query", ["", "   ", "·", "!!! ---", "& · ( ) * \" '"])
def test_a_query_of_punctuation_only_has_no_terms(query: str) -> None:
    assert query_terms(query) == []


def test_punctuation_only_words_are_dropped_and_repeated_words_kept_once() -> None:
    assert [term.text for term in query_terms("창업 ... 창업 ＡＩ ai !")] == ["창업", "ai"]


def test_a_term_carries_its_folded_text_for_the_exact_check() -> None:
    assert query_terms("ＡＩ·빅데이터") == [
        QueryTerm(text="ai·빅데이터", tokens=frozenset({"ai", "빅데", "데이", "이터"}))
    ]


@pytest.mark.parametrize(
    ("word", "folded_text", "found"),
    [
        ("스마트공장", "스마트 공장", True),
        ("스마트공장", "스마트  공장", False),  # two spaces: not word spacing
        ("ai", "ai기반", True),
        ("ai", "기반ai", True),  # a Latin word starts after Hangul too
        ("ai", "mail", False),
        ("ai·빅데이터", "ai 빅데이터", True),  # any punctuation, or none, between runs
        ("ai빅데이터", "ai·빅데이터", True),
        ("r&d", "r&d", True),
        ("d", "r&d", True),
        ("2026", "2026년", True),
    ],
)
def test_found_in_is_the_exact_rule(word: str, folded_text: str, found: bool) -> None:
    [term] = query_terms(word)
    assert term.found_in(folded_text) is found


# Letters and digits, "&" only between them: nothing tsquery or FTS5 syntax reads specially once
# a token is wrapped in quotes (see the tokens module docstring).
_SAFE_TOKEN = re.compile(r"[^\W_]+(?:&[^\W_]+)*")


def test_tokens_are_plain_letters_and_digits() -> None:
    text = (
        "「2026년 AI·빅데이터」 R&D (M&A) 'K-Startup' \"수출 바우처\" a:b* x|y !z <-> "
        "C++ c# e-mail@host.kr 50% ㈜앱 中小企業 ＡＩ_Ｘ"
    )
    tokens = document_tokens(text) | {t for term in query_terms(text) for t in term.tokens}
    assert tokens
    unsafe = [token for token in tokens if not _SAFE_TOKEN.fullmatch(token)]
    assert unsafe == []


def test_tokens_survive_an_fts5_table_declared_as_the_module_says() -> None:
    # The storage contract of the tokens module docstring, on SQLite itself: every token comes
    # back from FTS5's vocabulary unchanged ("r&d" one token, Hangul bigrams whole).
    text = "스마트 공장 R&D ＡＩ·빅데이터 2026년 ㈜앱 Straße"
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(tokens, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '&'\")"
        )
        db.execute("CREATE VIRTUAL TABLE vocabulary USING fts5vocab(docs, 'row')")
        db.execute(
            "INSERT INTO docs (rowid, tokens) VALUES (1, ?)", (" ".join(document_tokens(text)),)
        )
        assert {row[0] for row in db.execute("SELECT term FROM vocabulary")} == document_tokens(
            text
        )
        for query in ["스마트공장", "r&d", "ai·빅데이터", "2026", "앱", "strasse"]:
            match = " ".join(f'"{token}"' for term in query_terms(query) for token in term.tokens)
            assert db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (match,)).fetchall() == [
                (1,)
            ], query
