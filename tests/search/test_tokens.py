"""The tokenizer: the positioned units a document is indexed under, the chain of units each query
word requires, and the index text (``tsvector``/``tsquery`` literals, FTS5 units and queries)
built from them."""

from __future__ import annotations

import re

import pytest

from paperwork.search.index import fts_query, needs_exact_check, search_document, ts_query, ts_term
from paperwork.search.normalize import fold
from paperwork.search.query import parse_query, use_abbreviations
from paperwork.search.tokens import (
    MAX_WORD,
    QueryTerm,
    Unit,
    document_units,
    phrase_term,
    query_term,
    query_terms,
)


@pytest.fixture(autouse=True, scope="module")
def package_abbreviations() -> None:
    """``parse_query`` expands with the process's abbreviations: the package's, here."""
    use_abbreviations(None)


def units(text: str, start: int = 1) -> list[tuple[str, int]]:
    """The (unit, position) pairs of one field's text, as the index stores them."""
    return document_units(fold(text), start)[0]


def unit_set(text: str) -> set[str]:
    return {unit for unit, _position in units(text)}


def positions(text: str, unit: str) -> list[int]:
    return [position for found, position in units(text) if found == unit]


def chain(word: str) -> tuple[Unit, ...]:
    term = query_term(word)
    assert term is not None
    return term.chain


def lexemes(query: str) -> list[tuple[str, ...]]:
    return [tuple(unit.lexeme for unit in term.chain) for term in query_terms(query)]


# --- document units and their positions ------------------------------------------------------


def test_a_korean_run_is_one_unit_per_syllable_its_bigrams_then_its_last_syllable() -> None:
    assert units("창업지원") == [
        # Each bigram at its first syllable's position...
        ("창업", 1),
        ("업지", 2),
        ("지원", 3),
        # ...and the last syllable, which starts no bigram, alone at its own.
        ("원", 4),
    ]


def test_positions_start_where_asked_and_the_next_free_one_is_returned() -> None:
    assert document_units("창업지원", 10) == (
        [("창업", 10), ("업지", 11), ("지원", 12), ("원", 13)],
        14,
    )
    assert document_units("", 7) == ([], 7)
    assert document_units("·!? --", 7) == ([], 7)  # punctuation is never a unit


def test_a_run_of_one_syllable_is_its_unigram() -> None:
    assert document_units("앱", 1) == ([("앱", 1)], 2)
    assert units("모바일 · 앱 · 차") == [("모바", 1), ("바일", 2), ("일", 3), ("앱", 4), ("차", 5)]


def test_a_run_crosses_a_single_whitespace_character_so_spacing_does_not_matter() -> None:
    joined = document_units("스마트공장", 1)
    assert document_units("스마트 공장", 1) == joined
    assert document_units("스마트\n공장", 1) == joined  # one line break is one space too
    assert document_units("스마트\t공장", 1) == joined
    assert positions("스마트 공장", "트공") == [3]


@pytest.mark.parametrize(
    "text",
    [
        "스마트·공장",
        "스마트, 공장",
        "스마트  공장",  # two spaces: a gap, not word spacing
        "스마트 \n공장",
    ],
)
def test_a_run_stops_at_punctuation_or_a_wider_gap(text: str) -> None:
    # No bigram across the gap (no 트공), yet syllables are numbered on whatever separates them:
    # the next run's first bigram is two positions after this run's last.
    assert units(text) == [("스마", 1), ("마트", 2), ("트", 3), ("공장", 4), ("장", 5)]


def test_a_latin_word_between_korean_runs_takes_one_position() -> None:
    assert units("스마트 AI 공장") == [
        ("스마", 1),
        ("마트", 2),
        ("트", 3),
        ("ai", 4),
        ("공장", 5),
        ("장", 6),
    ]


def test_latin_and_digit_words_are_one_unit_each() -> None:
    assert units("mail") == [("mail", 1)]
    assert units("AI기반") == [("ai", 1), ("기반", 2), ("반", 3)]
    assert units("2026년 K-Startup") == [("2026", 1), ("년", 2), ("k", 3), ("startup", 4)]
    assert units("ＡＩ_Ｘ") == [("ai", 1), ("x", 2)]  # "_" separates, as any punctuation


def test_a_joined_word_and_its_parts_share_one_position() -> None:
    assert units("R&D 과제") == [("r&d", 1), ("r", 1), ("d", 1), ("과제", 2), ("제", 3)]
    assert units("M&A&D") == [("m&a&d", 1), ("m", 1), ("a", 1), ("d", 1)]
    # "&" not between two letters or digits is punctuation.
    assert units("R & D") == [("r", 1), ("d", 2)]
    assert units("&r&&d&") == [("r", 1), ("d", 2)]


def test_a_long_word_is_cut_at_max_word_characters() -> None:
    word = "x" * (MAX_WORD + 10)
    assert units(f"{word} 창업") == [("x" * MAX_WORD, 1), ("창업", 2), ("업", 3)]
    # A joined word is cut first, then split into parts.
    joined = "a" * (MAX_WORD - 2) + "&bcdef"
    assert units(joined) == [(joined[:MAX_WORD], 1), ("a" * (MAX_WORD - 2), 1), ("b", 1)]


def test_a_unit_is_listed_once_per_occurrence() -> None:
    assert positions("창업 · 창업", "창업") == [1, 3]
    assert positions("ai·ai", "ai") == [1, 2]


# --- query chains ------------------------------------------------------------------------------


def test_a_korean_query_word_requires_its_bigrams_or_its_one_syllable() -> None:
    assert chain("스마트공장") == (Unit("스마"), Unit("마트"), Unit("트공"), Unit("공장"))
    assert chain("창업") == (Unit("창업"),)
    # One syllable: any unit starting with it (a bigram, or the syllable ending its run).
    assert chain("앱") == (Unit("앱", prefix=True),)
    assert lexemes("앱 차") == [("앱",), ("차",)]


def test_only_the_last_latin_run_of_a_query_word_is_a_prefix() -> None:
    assert chain("ai") == (Unit("ai", prefix=True),)
    assert chain("AI기반") == (Unit("ai"), Unit("기반"))
    assert chain("k-startup") == (Unit("k"), Unit("startup", prefix=True))
    assert chain("2026년") == (Unit("2026"), Unit("년", prefix=True))
    assert chain("AI·빅데이터") == (Unit("ai"), Unit("빅데"), Unit("데이"), Unit("이터"))


def test_what_follows_a_run_of_several_syllables_is_two_positions_after_its_last_bigram() -> None:
    # The run's last syllable lies between; a unigram or a word is one position wide.
    assert chain("스마트ai") == (Unit("스마"), Unit("마트"), Unit("ai", prefix=True, distance=2))
    assert chain("지원·사업") == (Unit("지원"), Unit("사업", distance=2))
    assert chain("개발·앱") == (Unit("개발"), Unit("앱", prefix=True, distance=2))
    assert chain("앱·개발") == (Unit("앱", prefix=True), Unit("개발"))
    assert chain("앱·차") == (Unit("앱", prefix=True), Unit("차", prefix=True))
    assert chain("ai·빅데이터·2026") == (
        Unit("ai"),
        Unit("빅데"),
        Unit("데이"),
        Unit("이터"),
        Unit("2026", prefix=True, distance=2),
    )


def test_a_query_word_longer_than_max_word_is_a_prefix_wherever_it_is() -> None:
    long = "x" * (MAX_WORD + 5)
    assert chain(long) == (Unit("x" * MAX_WORD, prefix=True),)
    assert chain(f"{long}기반") == (Unit("x" * MAX_WORD, prefix=True), Unit("기반"))
    exactly = "y" * MAX_WORD
    assert chain(f"{exactly}기반") == (Unit(exactly), Unit("기반"))


def test_r_and_d_is_one_unit_in_a_query_too() -> None:
    assert chain("r&d") == chain("R&D") == (Unit("r&d", prefix=True),)
    assert lexemes("R & D") == [("r",), ("d",)]  # "&" alone is punctuation
    assert chain("r&") == (Unit("r", prefix=True),)  # a trailing "&" joins nothing


def test_full_width_forms_fold_before_the_chain() -> None:
    assert chain("ＡＩ") == chain("AI") == (Unit("ai", prefix=True),)
    assert chain("２０２６") == (Unit("2026", prefix=True),)


def test_whitespace_inside_a_name_is_dropped() -> None:
    # An abbreviation's full form may be passed with spaces; it is one word.
    assert query_term("중소 벤처 기업부") == query_term("중소벤처기업부")


@pytest.mark.parametrize("query", ["", "   ", "·", "!!! ---", "& · ( ) * \" '", "_ __"])
def test_a_query_of_punctuation_only_has_no_terms(query: str) -> None:
    assert query_terms(query) == []
    assert parse_query(query) is None


def test_punctuation_only_words_are_dropped_and_repeated_words_kept_once() -> None:
    assert [term.text for term in query_terms("창업 ... 창업 ＡＩ ai !")] == ["창업", "ai"]
    assert query_term("!!") is None


def test_a_term_carries_its_folded_text_for_the_exact_check() -> None:
    assert query_terms("ＡＩ·빅데이터") == [
        QueryTerm(text="ai·빅데이터", chain=(Unit("ai"), Unit("빅데"), Unit("데이"), Unit("이터")))
    ]


@pytest.mark.parametrize(
    ("word", "folded_text", "found"),
    [
        ("스마트공장", "스마트 공장", True),
        ("스마트공장", "스마트  공장", False),  # two spaces: not word spacing
        ("스마트 공장", "스마트공장", True),  # whitespace in a term is dropped
        ("ai", "ai기반", True),
        ("ai", "기반ai", True),  # a Latin word starts after Hangul too
        ("ai", "mail", False),
        ("ai", "x_ai", True),  # "_" is punctuation
        ("ai·빅데이터", "ai 빅데이터", True),  # any punctuation, or none, between runs
        ("ai빅데이터", "ai·빅데이터", True),
        ("ai기반", "aiot기반", False),  # a Latin run another follows is the whole word
        ("r&d", "r&d", True),
        ("d", "r&d", True),
        ("2026", "2026년", True),
        ("지원·사업", "지원사업", True),
        ("지원사업", "지원·사업", False),
        ("지원사업", "지원, 원사업", False),
    ],
)
def test_found_in_is_the_exact_rule(word: str, folded_text: str, found: bool) -> None:
    term = query_term(word)
    assert term is not None
    assert term.found_in(folded_text) is found


# --- the whole query as a phrase -------------------------------------------------------------


def test_there_is_no_phrase_for_fewer_than_two_words() -> None:
    assert phrase_term(query_terms("스마트공장")) is None
    assert phrase_term([]) is None


def test_korean_words_of_a_phrase_join_across_the_space() -> None:
    phrase = phrase_term(query_terms("스마트 공장"))
    assert phrase == QueryTerm(
        text="스마트 공장", chain=(Unit("스마"), Unit("마트"), Unit("트공"), Unit("공장"))
    )
    assert phrase.found_in("스마트공장") and phrase.found_in("스마트 공장")
    assert not phrase.found_in("스마트·공장")


def test_latin_words_of_a_phrase_stay_separate() -> None:
    phrase = phrase_term(query_terms("AI bigdata"))
    assert phrase == QueryTerm(text="ai bigdata", chain=(Unit("ai"), Unit("bigdata", prefix=True)))
    assert phrase.found_in("ai-bigdata") and not phrase.found_in("aibigdata")
    mixed = phrase_term(query_terms("ai 바우처 지원"))
    assert mixed is not None
    assert [unit.lexeme for unit in mixed.chain] == ["ai", "바우", "우처", "처지", "지원"]


def test_parse_query_keeps_the_words_their_alternatives_and_the_phrase() -> None:
    query = parse_query("ＡＩ 중기부")
    assert query is not None
    assert query.text == "ai 중기부"
    assert [[term.text for term in group] for group in query.groups] == [
        ["ai"],
        ["중기부", "중소벤처기업부"],
    ]
    assert query.phrase is not None and query.phrase.text == "ai 중기부"
    assert query.found_in("ai 솔루션", "중소벤처기업부")  # each word in any field
    assert not query.found_in("ai 솔루션")


# --- the index text --------------------------------------------------------------------------


def test_a_document_vector_weighs_its_fields_and_leaves_a_gap_between_them() -> None:
    document = search_document("스마트공장", "중기부", "AI", "앱 r&d")
    head = "'스마':1A '마트':2A '트공':3A '공장':4A '장':5A '중기':7B '기부':8B '부':9B 'ai':11B"
    assert document.vector == head + " '앱':13C 'r&d':14C 'r':14C 'd':14C"
    assert document.units == "ai d r r&d 공장 기부 마트 부 스마 앱 장 중기 트공"
    assert document.columns("postgresql") == {"search_vector": document.vector}
    assert document.columns("sqlite") == {"search_vector": document.units}


def test_missing_fields_leave_nothing_but_their_gap() -> None:
    document = search_document(None, None, None, "창업")
    assert document.vector == "'창업':4C '업':5C"  # one gap per field before it
    empty, punctuation = search_document(None, None, None, None), search_document("", "", "·", "")
    assert (empty.vector, empty.units) == (punctuation.vector, punctuation.units) == ("", "")


@pytest.mark.parametrize(
    ("query", "tsquery", "fts"),
    [
        ("창업", "(('창업'))", '(("창업"))'),
        ("앱", "(('앱':*))", '(("앱"*))'),
        ("ai", "(('ai':*))", '(("ai"*))'),
        (
            "스마트 공장",
            "(('스마' <-> '마트')) & (('공장'))",
            '(("스마" AND "마트")) AND (("공장"))',
        ),
        (
            "수출·바우처",
            "(('수출' <2> '바우' <-> '우처'))",
            '(("수출" AND "바우" AND "우처"))',
        ),
        (
            "k-startup 2026년",
            "(('k' <-> 'startup':*)) & (('2026' <-> '년':*))",
            '(("k" AND "startup"*)) AND (("2026" AND "년"*))',
        ),
        (
            "중기부",
            "(('중기' <-> '기부') | "
            "('중소' <-> '소벤' <-> '벤처' <-> '처기' <-> '기업' <-> '업부'))",
            '(("중기" AND "기부") OR '
            '("중소" AND "소벤" AND "벤처" AND "처기" AND "기업" AND "업부"))',
        ),
    ],
)
def test_the_query_text_each_database_is_asked(query: str, tsquery: str, fts: str) -> None:
    search = parse_query(query)
    assert search is not None
    assert ts_query(search.groups) == tsquery
    assert fts_query(search.groups) == fts


def test_weights_restrict_every_unit_of_a_tsquery() -> None:
    search = parse_query("k-startup 창업")
    assert search is not None
    assert ts_query(search.groups, "A") == "(('k':A <-> 'startup':*A)) & (('창업':A))"
    smart = parse_query("스마트ai")
    assert smart is not None
    assert ts_query(smart.groups, "B") == "(('스마':B <-> '마트':B <2> 'ai':*B))"
    assert search.phrase is not None
    assert ts_term(search.phrase, "AB") == "'k':AB <-> 'startup':AB <-> '창업':AB"


@pytest.mark.parametrize(
    ("query", "needed"),
    [
        ("창업", False),  # one unit present is the match
        ("ai 앱", False),
        ("r&d", True),  # an alternative (알앤디) has two units
        ("스마트공장", True),
        ("창업 2026년", True),
        ("x" * (MAX_WORD + 1), True),  # a word cut at MAX_WORD: its unit is only its start
    ],
)
def test_the_exact_check_is_needed_only_for_a_chain_of_several_units(
    query: str, needed: bool
) -> None:
    search = parse_query(query)
    assert search is not None
    assert needs_exact_check(search.groups) is needed


# --- the unit alphabet -----------------------------------------------------------------------

# Letters and digits, "&" only between two of them: nothing that tsquery or FTS5 syntax reads
# specially once a unit is wrapped in quotes (see the tokens module docstring).
SAFE_UNIT = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
SPECIAL = set(" \t\n\r\f\v\u00a0\u3000'\"\\:*()|!<>-&_^+.,;[]{}")

NASTY = (
    "「2026년 AI·빅데이터」 R&D (M&A) 'K-Startup' \"수출 바우처\" a:b* x|y !z <-> <2> "
    "C++ c# e-mail@host.kr 50% ㈜앱 中小企業 ＡＩ_Ｘ a\\'b \\\\ O'Reilly it's 'a':*A "
    "&& &x& r&&d &amp; &#39; NEAR(a b) ^start col:val \"\" '' \t탭\u00a0공백\u3000전각 "
    "ｒ＆ｄ Ⅻ ① ² ½ Straße ǅ ﬁ x\u0301 e\u0301 \u200b zero\u200bwidth 🚀이모지 ㆍ가ᆞ나"
)


def test_units_are_plain_letters_and_digits_whatever_the_text() -> None:
    every = [unit for unit, _position in units(NASTY)]
    every += [unit.lexeme for term in query_terms(NASTY) for unit in term.chain]
    assert every
    assert [unit for unit in every if not SAFE_UNIT.fullmatch(unit)] == []
    assert [unit for unit in every if SPECIAL & set(unit.replace("&", ""))] == []
    assert all(part.isalnum() for unit in every for part in unit.split("&"))


@pytest.mark.parametrize(
    "fields",
    [
        ("스마트 공장 AI기반", "중소벤처기업부", "예비창업자·청년", "R&D 2026년 M&A&D 앱 · 차"),
        ("", "", "", ""),
        ("ＡＩ_Ｘ 中小企業 ㈜앱", "x" * 40, "스마트\n공장  지원", "&r&&d& r-d 1,000만원"),
    ],
)
def test_the_one_pass_literal_is_the_units_written_out(fields: tuple[str, ...]) -> None:
    # document_literal is document_units (the reference) without its pairs: the same units
    # at the same positions, field after field with one position between them.
    expected, position = [], 1
    for text, weight in zip(fields, "ABBC", strict=True):
        units, position = document_units(fold(text), position)
        position += 1
        expected += [f"'{unit}':{at}{weight}" for unit, at in units]
    assert search_document(*fields).vector == " ".join(expected)
