"""Abbreviations: the package file, an operator's file extending it, bad lines named."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from paperwork.search.abbreviations import (
    AbbreviationsFileError,
    load_abbreviations,
    parse_lines,
)
from paperwork.search.normalize import fold
from paperwork.search.tokens import query_term, query_terms

ISSUE_PAIRS = [
    ("중기부", "중소벤처기업부"),
    ("과기정통부", "과학기술정보통신부"),
    ("산업부", "산업통상자원부"),
    ("고용부", "고용노동부"),
    ("문체부", "문화체육관광부"),
    ("농식품부", "농림축산식품부"),
    ("창진원", "창업진흥원"),
    ("소진공", "소상공인시장진흥공단"),
    ("중진공", "중소벤처기업진흥공단"),
    ("기정원", "중소기업기술정보진흥원"),
    ("코트라", "대한무역투자진흥공사"),
    ("KOTRA", "대한무역투자진흥공사"),
    ("코트라", "KOTRA"),
    ("알앤디", "R&D"),
]


@pytest.mark.parametrize(("short", "full"), ISSUE_PAIRS)
def test_the_package_file_pairs_every_name_the_issue_lists(short: str, full: str) -> None:
    groups = load_abbreviations().groups
    assert fold(full) in groups[fold(short)]
    assert fold(short) in groups[fold(full)]


def test_the_package_file_has_more_than_the_issue_lists() -> None:
    groups = load_abbreviations().groups
    assert len({group for group in groups.values()}) >= len(ISSUE_PAIRS) + 12


def test_the_data_file_ships_with_the_package() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    assert "search/*.tsv" in pyproject["tool"]["setuptools"]["package-data"]["paperwork"]


def test_either_form_expands_to_the_other() -> None:
    abbreviations = load_abbreviations()
    [group] = abbreviations.expand(query_terms("중기부"))
    assert [term.text for term in group] == ["중기부", "중소벤처기업부"]
    [group] = abbreviations.expand(query_terms("중소벤처기업부"))
    assert [term.text for term in group] == ["중소벤처기업부", "중기부"]


def test_punctuation_around_a_query_word_does_not_hide_the_name() -> None:
    abbreviations = load_abbreviations()
    for query in ["(중기부)", "중기부,", "「코트라」"]:
        [group] = abbreviations.expand(query_terms(query))
        assert len(group) > 1, query


def test_an_unknown_word_is_its_only_alternative() -> None:
    term = query_term("창업")
    assert term is not None
    assert load_abbreviations().alternatives(term) == (term,)


def test_an_operator_file_extends_groups_and_adds_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.tsv"
    path.write_text(
        "\ufeff# ours\n\n중기부\tMSS\n테스트청\t테스트관리청  # trailing comment\n", "utf-8"
    )
    groups = load_abbreviations(path).groups
    assert groups["mss"] == groups["중소벤처기업부"] == ("중기부", "중소벤처기업부", "mss")
    assert groups["테스트청"] == ("테스트청", "테스트관리청")
    assert fold("대한무역투자진흥공사") in groups["코트라"]  # the package's groups remain


def test_groups_that_share_a_name_are_merged(tmp_path: Path) -> None:
    path = tmp_path / "abbreviations.tsv"
    path.write_text("가나\t다라\n마바\t사아\n다라\t마바\n", "utf-8")
    groups = load_abbreviations(path).groups
    assert groups["가나"] == groups["사아"] == ("가나", "다라", "마바", "사아")


def test_parse_lines_folds_names_and_skips_comments_and_empty_columns() -> None:
    text = "# header\n\nＫＯＴＲＡ\t\t코트라 # note\n"
    assert parse_lines(text, source="x") == [("kotra", "코트라")]


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("중기부 중소벤처기업부", "whitespace"),  # spaces instead of a TAB
        ("중기부", "at least two"),
        ("중기부\t중기부", "at least two"),
        ("중기부\t··", "no letter or digit"),
    ],
)
def test_a_bad_operator_line_is_an_error_naming_its_number(
    tmp_path: Path, bad_line: str, reason: str
) -> None:
    path = tmp_path / "ops.tsv"
    path.write_text(f"# comment\n중기부\tMSS\n{bad_line}\n창진원\tKISED\n", "utf-8")
    with pytest.raises(AbbreviationsFileError) as caught:
        load_abbreviations(path)
    assert caught.value.line == 3
    assert f"{path}, line 3" in str(caught.value)
    assert reason in str(caught.value)


def test_an_operator_file_that_is_not_utf8_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ops.tsv"
    path.write_bytes("중기부\tMSS\n".encode() + "창진원\t창업진흥원\n".encode("euc-kr"))
    with pytest.raises(AbbreviationsFileError, match="line 2: not UTF-8"):
        load_abbreviations(path)
