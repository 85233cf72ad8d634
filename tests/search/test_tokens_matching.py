"""The issue's search semantics through an in-memory stand-in for the index: a document is a
candidate for a query when, for every word of the query, it holds every required token of the
word or of one of the word's abbreviation alternatives; it matches when a candidate alternative
is also found exactly in the text (``QueryTerm.found_in``). The tokens must never lose a match
the exact rule finds."""

from __future__ import annotations

import pytest

from paperwork.search.abbreviations import Abbreviations, load_abbreviations
from paperwork.search.normalize import fold
from paperwork.search.tokens import document_tokens, query_terms

ABBREVIATIONS = load_abbreviations()


def candidate(query: str, document: str, abbreviations: Abbreviations = ABBREVIATIONS) -> bool:
    """What the index finds: every term group has an alternative whose tokens the document
    holds."""
    held = document_tokens(document)
    groups = abbreviations.expand(query_terms(query))
    return all(any(term.tokens <= held for term in group) for group in groups)


def exact(query: str, document: str, abbreviations: Abbreviations = ABBREVIATIONS) -> bool:
    """What the final check keeps: every term group has an alternative found in the text."""
    folded = fold(document)
    groups = abbreviations.expand(query_terms(query))
    return all(any(term.found_in(folded) for term in group) for group in groups)


def matches(query: str, document: str, abbreviations: Abbreviations = ABBREVIATIONS) -> bool:
    return candidate(query, document, abbreviations) and exact(query, document, abbreviations)


FOUND = [
    ("창업", "2026년 예비창업패키지 모집 공고"),
    ("스마트공장", "스마트 공장 구축 지원사업"),
    ("스마트 공장", "스마트공장 보급·확산 사업"),
    ("수출바우처", "수출 바우처 사업 참여기업 모집"),
    ("수출 바우처", "바우처로 수출을 지원합니다"),
    ("앱", "모바일 앱 개발 지원"),
    ("차", "전기차 충전 인프라"),
    ("차", "미래자동차 부품 기업"),
    ("ai", "AI 바우처 지원사업"),
    ("ai", "AI기반 제조혁신"),
    ("ai", "AI·빅데이터 융합 인재 양성"),
    ("AI", "ＡＩ 교육 과정"),
    ("ＡＩ", "ai 솔루션 도입"),
    ("r&d", "중소기업 R&D 역량강화"),
    ("R&D", "r&d 과제 공고"),
    ("2026", "2026년 창업지원사업 통합공고"),
    ("２０２６", "2026년 지원 계획"),
    ("k-startup", "K-Startup 창업지원포털 공고"),
    ("startup", "K-Startup 창업지원포털 공고"),
    ("ict", "ICT융합 스마트공장"),
    ("AI·빅데이터", "AI 빅데이터 분석 지원"),
    ("창업 !!", "창업 지원"),
    ("중기부", "중소벤처기업부 공고 제2026-1호"),
    ("중소벤처기업부", "중기부 소관 사업"),
    ("과기정통부", "과학기술정보통신부 정보통신산업진흥원"),
    ("코트라", "KOTRA 해외전시회 참가 지원"),
    ("kotra", "대한무역투자진흥공사 수출 지원"),
    ("알앤디", "R&D 기획 지원"),
    ("r&d", "알앤디 사업화"),
    ("중진공 정책자금", "중소벤처기업진흥공단 정책자금 융자"),
    ("소진공", "소상공인시장진흥공단 경영개선"),
    ("창진원", "창업진흥원 예비창업패키지"),
]

NOT_FOUND = [
    ("ai", "mail 발송 안내"),
    ("ai", "email 접수"),
    ("tup", "K-Startup 창업지원포털 공고"),
    ("앱", "애플리케이션 개발"),
    ("스마트공장", "스마트 제조 공장"),  # no 트공: the words are not neighbours
    ("수출바우처", "바우처로 수출을 지원합니다"),  # no 출바
    ("청년 창업", "청년 일자리 지원"),  # every word must match
    ("smart", "스마트공장"),  # no transliteration
    ("2026", "2025년 지원 계획"),
    ("r&d", "R 및 D"),
    ("중기부", "중소기업중앙회 회원사"),
    ("창업", "창의 업무"),  # 창 and 업 alone, no 창업 bigram across 의
]


# Documents holding every token of the query that only the exact check turns away.
CANDIDATES_ONLY = [
    ("지원사업", "사업 지원, 원사업"),  # 지원 원사 사업, but never in a row
    ("스마트공장", "스마트폰 트공 공장"),
    ("AI·빅데이터", "mail·빅데이터 그리고 AI"),  # "ai" starts a word elsewhere, not here
    ("2026년", "2026 계획, 2025년"),
]


@pytest.mark.parametrize(("query", "document"), FOUND)
def test_query_finds_document(query: str, document: str) -> None:
    assert matches(query, document)


@pytest.mark.parametrize(("query", "document"), NOT_FOUND)
def test_query_does_not_find_document(query: str, document: str) -> None:
    assert not candidate(query, document)
    assert not exact(query, document)


@pytest.mark.parametrize(("query", "document"), CANDIDATES_ONLY)
def test_the_exact_check_turns_away_a_scattered_candidate(query: str, document: str) -> None:
    assert candidate(query, document)
    assert not exact(query, document)


@pytest.mark.parametrize(
    ("query", "document"), [*FOUND, *NOT_FOUND, *CANDIDATES_ONLY, ("수출바우처", "수출  바우처")]
)
def test_the_tokens_never_lose_an_exact_match(query: str, document: str) -> None:
    if exact(query, document):
        assert candidate(query, document)


def test_without_abbreviations_the_short_name_finds_only_itself() -> None:
    none = Abbreviations(groups={})
    assert not matches("중기부", "중소벤처기업부 공고", none)
    assert matches("중기부", "중기부 공고", none)
