"""Highlights: the title with its matches marked and the description snippet, as a user sees them
(escaped HTML with ``<mark>`` tags)."""

from __future__ import annotations

import html
import unicodedata

import pytest

from paperwork.search.abbreviations import load_abbreviations
from paperwork.search.highlight import description_snippet, highlight_title
from paperwork.search.tokens import QueryTerm, query_terms

ABBREVIATIONS = load_abbreviations()


def groups(query: str) -> list[tuple[QueryTerm, ...]]:
    return ABBREVIATIONS.expand(query_terms(query))


def visible(marked: str) -> str:
    """The text a browser shows for a highlight."""
    return html.unescape(marked.replace("<mark>", "").replace("</mark>", ""))


def test_the_title_is_escaped_and_only_the_marks_are_html() -> None:
    title = "<script>alert(1)</script> \"창업\" & 'AI' 지원"
    assert highlight_title(title, groups("창업")) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; "
        "&quot;<mark>창업</mark>&quot; &amp; &#x27;AI&#x27; 지원"
    )


def test_a_match_inside_markup_is_marked_between_whole_escapes() -> None:
    assert highlight_title("<script>", groups("script")) == "&lt;<mark>script</mark>&gt;"
    # Matching runs on the text, not on its escaped form.
    assert highlight_title("a < b & c", groups("lt amp")) == "a &lt; b &amp; c"


@pytest.mark.parametrize(
    ("title", "query", "marked"),
    [
        # Korean: one space allowed between syllables, marked with the space.
        ("스마트 공장 구축 지원", "스마트공장", "<mark>스마트 공장</mark> 구축 지원"),
        ("스마트공장 보급", "스마트 공장", "<mark>스마트공장</mark> 보급"),
        # Latin: case-insensitive, at word starts only.
        ("AI기반 제조혁신", "ai", "<mark>AI</mark>기반 제조혁신"),
        ("mail 접수", "ai", "mail 접수"),
        ("Ai 바우처, aI 교육", "AI", "<mark>Ai</mark> 바우처, <mark>aI</mark> 교육"),
        ("중소기업 R&D 역량강화", "r&d", "중소기업 <mark>R&amp;D</mark> 역량강화"),
        ("2026년 창업지원", "2026", "<mark>2026</mark>년 창업지원"),
        # An abbreviation's full name is marked for the short one, and the other way round.
        ("중소벤처기업부 공고", "중기부", "<mark>중소벤처기업부</mark> 공고"),
        ("중기부 공고", "중소벤처기업부", "<mark>중기부</mark> 공고"),
        # Overlapping or touching matches of different terms make one mark.
        ("스마트공장 지원", "스마트공장 공장", "<mark>스마트공장</mark> 지원"),
        ("창업 지원", "창 업", "<mark>창업</mark> 지원"),
        ("하하하", "하하", "<mark>하하하</mark>"),
        # Every match, not just the first.
        ("창업 후 재창업", "창업", "<mark>창업</mark> 후 재<mark>창업</mark>"),
    ],
)
def test_title_marks(title: str, query: str, marked: str) -> None:
    assert highlight_title(title, groups(query)) == marked


@pytest.mark.parametrize(
    ("title", "query", "marked"),
    [
        ("ＡＩ 교육 과정", "ai", "<mark>ＡＩ</mark> 교육 과정"),
        ("ai 솔루션", "ＡＩ", "<mark>ai</mark> 솔루션"),
        ("２０２６년 계획", "2026", "<mark>２０２６</mark>년 계획"),
        # "㈜" folds to three characters: the mark covers the one it came from, and everything
        # after it is still found at its right place.
        ("㈜테스트 모집", "주", "<mark>㈜</mark>테스트 모집"),
        ("㈜한국 ＡＩ 지원 AI", "ai", "㈜한국 <mark>ＡＩ</mark> 지원 <mark>AI</mark>"),
        ("Straße AI", "strasse ai", "<mark>Straße</mark> <mark>AI</mark>"),
    ],
)
def test_marks_land_on_the_original_characters_when_folding_changes_lengths(
    title: str, query: str, marked: str
) -> None:
    assert highlight_title(title, groups(query)) == marked


def test_decomposed_hangul_is_marked_whole() -> None:
    title = unicodedata.normalize("NFD", "창업 지원")
    word = unicodedata.normalize("NFD", "창업")
    assert highlight_title(title, groups("창업")) == f"<mark>{word}</mark>" + title[len(word) :]


@pytest.mark.parametrize(
    "title",
    [
        "㈜ＡＩ랩 <AI> & Straße \"ai\" 'AI'",
        unicodedata.normalize("NFD", "ＡＩ 창업ㆍ지원 e\u0301cole"),
        "AIㆍ빅데이터 ①단계 ２０２６년 스마트\u3000공장",
    ],
)
def test_marks_and_escapes_never_change_the_text_shown(title: str) -> None:
    marked = highlight_title(title, groups("ai 창업 지원 2026 스마트공장 école 빅데이터 1"))
    assert "<mark>" in marked
    assert visible(marked) == title


def test_no_query_terms_means_no_marks() -> None:
    assert highlight_title("<b>창업</b>", []) == "&lt;b&gt;창업&lt;/b&gt;"


LONG_BEFORE = " ".join(f"앞문장{i}번" for i in range(60))
LONG_AFTER = " ".join(f"뒷문장{i}번" for i in range(60))


def test_the_snippet_shows_the_first_match_deep_in_a_long_description() -> None:
    text = f"{LONG_BEFORE} 스마트 공장 구축을 지원합니다 {LONG_AFTER}"
    snippet = description_snippet(text, groups("스마트공장"))
    assert snippet is not None
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>스마트 공장</mark>" in snippet
    shown = visible(snippet)
    assert len(shown) <= 122
    assert shown[1:-1] in text
    # Some context before the match, but the match is near the start.
    assert 10 <= shown.index("스마트 공장") <= 40
    # Cut between words, not inside one.
    assert shown[1] == "앞" and shown[-2] == "번"


def test_the_snippet_is_escaped_with_marks_inside() -> None:
    text = f"{LONG_BEFORE} <b>창업</b> & 지원 {LONG_AFTER}"
    snippet = description_snippet(text, groups("창업"))
    assert snippet is not None
    assert "&lt;b&gt;<mark>창업</mark>&lt;/b&gt; &amp; 지원" in snippet
    assert "<b>" not in snippet


def test_a_match_near_the_end_gets_a_full_snippet_cut_only_at_the_start() -> None:
    text = f"{LONG_BEFORE} 마지막에 창업"
    snippet = description_snippet(text, groups("창업"))
    assert snippet is not None
    assert snippet.startswith("…") and snippet.endswith("<mark>창업</mark>")
    assert 100 <= len(visible(snippet)) <= 121


def test_without_a_match_the_snippet_is_the_start_of_the_text() -> None:
    snippet = description_snippet(LONG_AFTER, groups("창업"))
    assert snippet is not None
    assert not snippet.startswith("…") and snippet.endswith("…")
    shown = visible(snippet)
    assert LONG_AFTER.startswith(shown[:-1])
    assert 100 <= len(shown) <= 121


def test_a_short_description_is_whole_with_its_whitespace_collapsed() -> None:
    text = "  첫 줄\n\n  둘째 줄에서\t창업 지원  \n"
    assert description_snippet(text, groups("창업")) == "첫 줄 둘째 줄에서 <mark>창업</mark> 지원"


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t \n"])
def test_no_description_has_no_snippet(text: str | None) -> None:
    assert description_snippet(text, groups("창업")) is None


def test_the_snippet_width_is_a_parameter() -> None:
    text = f"{LONG_BEFORE} ＡＩ 교육 {LONG_AFTER}"
    snippet = description_snippet(text, groups("ai"), width=40)
    assert snippet is not None
    assert "<mark>ＡＩ</mark>" in snippet
    assert len(visible(snippet)) <= 42
