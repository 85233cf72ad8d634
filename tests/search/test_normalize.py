"""Search folding: full-width and compatibility forms, case, Korean middle dots."""

from __future__ import annotations

import pytest

from paperwork.search.normalize import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＡＩ", "ai"),  # full-width Latin
        ("２０２６년", "2026년"),  # full-width digits
        ("R&D", "r&d"),
        ("㈜한국", "(주)한국"),  # parenthesised Hangul compatibility character
        ("①단계", "1단계"),  # circled digit
        ("Straße", "strasse"),  # case folding, not just lower()
        ("\u1100\u1161\u11a8", "각"),  # conjoining jamo composed
        ("스마트\u3000공장", "스마트 공장"),  # ideographic space
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_the_hangul_letter_used_as_a_middle_dot_becomes_punctuation() -> None:
    # "AIㆍ빅데이터" is typed with U+318D, a letter; the tokenizer must see a separator there.
    assert fold("AIㆍ빅데이터") == "ai·빅데이터"
    assert fold("AI\u119e빅데이터") == "ai·빅데이터"


def test_fold_is_idempotent() -> None:
    text = "ＡＩ·빅데이터 ㈜스마트 공장 R&D ２０２６년 Straße ㆍ"
    assert fold(fold(text)) == fold(text)
