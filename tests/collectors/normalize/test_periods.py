"""Application periods: every format the portals write, never an invented date."""

from __future__ import annotations

import datetime as dt

import pytest

from paperwork.collectors.normalize.periods import (
    application_status,
    parse_period,
    period_from_fields,
    period_label,
)

D = dt.date
TODAY = D(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-06-17 ~ 2026-07-10", D(2026, 6, 17), D(2026, 7, 10)),
        ("20220727 ~ 20220930", D(2022, 7, 27), D(2022, 9, 30)),
        ("26.07.10 ~ 26.08.01", D(2026, 7, 10), D(2026, 8, 1)),
        ("2026.07.10 ~ 2026.08.10", D(2026, 7, 10), D(2026, 8, 10)),
        ("2026.07.10 ∼ 2026.08.10", D(2026, 7, 10), D(2026, 8, 10)),  # U+223C
        ("2026-07-10 ～ 2026-08-10", D(2026, 7, 10), D(2026, 8, 10)),  # fullwidth U+FF5E
        ("2026-07-10 - 2026-08-10", D(2026, 7, 10), D(2026, 8, 10)),
        ("2026-07-01 10:00 ~ 2026-07-31 18:00", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026-07-01(수) 09:00 ~ 2026-07-31(금) 18:00:00", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026년 7월 1일 ~ 2026년 7월 31일", D(2026, 7, 1), D(2026, 7, 31)),
        ("2026. 7. 1. ~ 2026. 7. 31.", D(2026, 7, 1), D(2026, 7, 31)),
        ("~ 2026-07-31", None, D(2026, 7, 31)),
        ("~2026.07.31 18:00", None, D(2026, 7, 31)),
        ("2026-07-31 18:00까지", None, D(2026, 7, 31)),
        ("2026-07-01 ~", D(2026, 7, 1), None),
        ("2026-07-01 09:00 ~", D(2026, 7, 1), None),
        ("2026-07-01부터", D(2026, 7, 1), None),
        ("2026-07-01 ～", D(2026, 7, 1), None),  # one-sided with a fullwidth tilde
        ("∼ 2026-07-31", None, D(2026, 7, 31)),
    ],
)
def test_parse_period_dates(text: str, start: dt.date | None, end: dt.date | None) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, "dated")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("예산 소진시까지", "until_budget"),
        ("예산소진 시 까지", "until_budget"),
        ("상시 접수", "rolling"),
        ("상시", "rolling"),
        ("추후 공지", "tba"),
        ("추후공지 예정", "tba"),
        ("공고문 참조", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_parse_period_words_never_invent_dates(text: str | None, kind: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (None, None, kind)
    assert period.text == (text or "")


def test_impossible_date_is_dropped_not_guessed() -> None:
    period = parse_period("2026-02-30 ~ 2026-03-10")
    assert (period.start, period.end) == (None, D(2026, 3, 10))


def test_start_date_with_budget_words_keeps_both() -> None:
    period = parse_period("2026-03-02 ~ 예산 소진시까지")
    assert (period.start, period.end, period.kind) == (D(2026, 3, 2), None, "until_budget")
    assert period_label(period) == "2026-03-02 ~ 예산 소진시까지"
    assert application_status(period, TODAY) == "상시"
    assert application_status(period, D(2026, 3, 1)) == "접수예정"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("20261201 ~ 20261231", "2026-12-01 ~ 2026-12-31"),
        ("26.12.01 ∼ 26.12.31", "2026-12-01 ~ 2026-12-31"),
        ("2026-12-01 ~", "2026-12-01 ~"),
        ("~ 2026-12-31", "~ 2026-12-31"),
        ("예산 소진시까지", "예산 소진시까지"),
        ("공고문  참조", "공고문 참조"),
        ("", None),
    ],
)
def test_period_label(text: str, label: str | None) -> None:
    assert period_label(parse_period(text)) == label


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("2026-12-01 ~ 2026-12-31", "접수예정"),
        ("2026-11-26 ~ 2026-12-31", "접수중"),  # first day counts as open
        ("2026-11-01 ~ 2026-11-26", "접수중"),  # so does the last (Asia/Seoul date)
        ("2026-11-01 ~ 2026-11-25", "마감"),
        ("~ 2026-11-30", "접수중"),
        ("~ 2026-11-20", "마감"),
        ("2026-11-01 ~", "접수중"),
        ("상시 접수", "상시"),
        ("예산 소진시까지", "상시"),
        ("추후 공지", None),
        ("공고문 참조", None),
    ],
)
def test_application_status(text: str, status: str | None) -> None:
    assert application_status(parse_period(text), TODAY) == status


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("20261201", "20261215", (D(2026, 12, 1), D(2026, 12, 15), "2026-12-01 ~ 2026-12-15")),
        ("", "20261215", (None, D(2026, 12, 15), "~ 2026-12-15")),
        ("20261201", "", (D(2026, 12, 1), None, "2026-12-01 ~")),
        ("", "", (None, None, None)),
        (None, None, (None, None, None)),
        ("2026-12-01", "2026-12-15", (D(2026, 12, 1), D(2026, 12, 15), "2026-12-01 ~ 2026-12-15")),
    ],
)
def test_period_from_two_fields(
    start: str | None, end: str | None, expected: tuple[object, object, object]
) -> None:
    period = period_from_fields(start, end)
    assert (period.start, period.end, period_label(period)) == expected
    assert period.kind == ("dated" if expected[0] or expected[1] else "unknown")
