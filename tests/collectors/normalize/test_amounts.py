"""The support amount an announcement states."""

from __future__ import annotations

import pytest

from paperwork.collectors.normalize.amounts import extract_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("기업당 최대 1억원 지원", "최대 1억원"),
        ("과제당 최대 5천만원 이내", "최대 5천만원"),
        ("지원금액: 1,000만원 (정액)", "1,000만원"),
        ("총 30억원 규모, 기업당 최대 1억 5천만원", "최대 1억 5천만원"),
        ("최대 1억 지원", "최대 1억원"),
        ("1인당 300만원", "1인당 300만원"),
        ("1인당 최대 300만원", "최대 300만원"),
        ("지원금 10,000,000원", "10,000,000원"),
        ("참가 인원 100만 명 돌파", None),
        ("참가비 500원", None),
        ("공고문 참조", None),
        (None, None),
    ],
)
def test_extract_amount(text: str | None, amount: str | None) -> None:
    assert extract_amount(text) == amount
