"""The issue's search semantics on (query, document) pairs, through the real indexes.

The meaning is the exact rule: ``parse_query(query).found_in(fold(document))`` (every word, or one
of its abbreviation alternatives, found in the text). Each database must give the same verdict
for every pair:

- **SQLite**: an FTS5 table declared as migration 0006 declares it (without external content)
  finds the candidates holding every unit of a word (``fts_query``); when a chain has several
  units, the exact rule runs on them (``needs_exact_check``), as ``search_repository`` does.
- **PostgreSQL**: the document's ``tsvector`` literal ``@@`` the query's ``tsquery``, a word of
  several units being a phrase over their positions, with no exact check after it (needs
  ``PAPERWORK_TEST_DATABASE_URL``; skipped without it, a failure in CI).
"""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest
from sqlalchemy import NullPool, TextClause, text
from sqlalchemy.ext.asyncio import create_async_engine

from paperwork.search.abbreviations import Abbreviations
from paperwork.search.index import fts_query, needs_exact_check, search_document, ts_query
from paperwork.search.normalize import fold
from paperwork.search.query import SearchQuery, parse_query, use_abbreviations
from paperwork.search.tokens import query_terms

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
    # Any punctuation, spacing or none between the runs of a query word.
    ("수출·바우처", "수출 바우처 사업 참여기업 모집"),
    ("수출·바우처", "수출바우처 사업"),
    ("보급·확산", "스마트공장 보급 확산 사업"),
    ("지원·사업", "지원, 사업"),
    ("개발·앱", "개발앱 공모전"),
    ("앱·차", "앱차 호출 서비스"),
    ("스마트ai", "스마트 AI 공장"),
]

NOT_FOUND = [
    ("ai", "mail 발송 안내"),
    ("ai", "email 접수"),
    ("tup", "K-Startup 창업지원포털 공고"),
    ("앱", "애플리케이션 개발"),
    ("스마트공장", "스마트 제조 공장"),  # no 트공: the words are not neighbours
    ("수출바우처", "바우처로 수출을 지원합니다"),  # no 출바
    ("수출바우처", "수출  바우처"),  # two spaces: a gap, not word spacing
    ("청년 창업", "청년 일자리 지원"),  # every word must match
    ("smart", "스마트공장"),  # no transliteration
    ("2026", "2025년 지원 계획"),
    ("r&d", "R 및 D"),
    ("중기부", "중소기업중앙회 회원사"),
    ("창업", "창의 업무"),  # 창 and 업 alone, no 창업 bigram across 의
]

# Documents holding every unit of the query, never in a row: FTS5 finds them, and the exact
# check (SQLite) or the phrase (PostgreSQL) must turn them away.
SCATTERED = [
    ("지원사업", "사업 지원, 원사업"),  # 지원 원사 사업, but never in a row
    ("스마트공장", "스마트폰 트공 공장"),
    ("AI·빅데이터", "mail·빅데이터 그리고 AI"),  # "ai" starts a word elsewhere, not here
    ("2026년", "2026 계획, 2025년"),
    # The runs of a query word next to each other, not just near.
    ("차·충전", "차량·충전 인프라"),  # 차 then 량 before 충전
    ("ai·차", "AI 열차 운행"),
    ("앱·ai", "앱이 AI를 쓴다"),
    ("지원·사업", "지원 원사업"),
    ("스마트ai", "스마트폰 AI"),
]

PAIRS = [*FOUND, *NOT_FOUND, *SCATTERED]

# A word longer than MAX_WORD is indexed as its first MAX_WORD characters: the index finds both,
# and only an exact check tells them apart (SQLite makes it; PostgreSQL does not, see below).
LONG_WORD = ("internationalization2026", "internationalization2025 guide")


@pytest.fixture(autouse=True, scope="module")
def package_abbreviations() -> None:
    """``parse_query`` expands with the process's abbreviations: the package's, here."""
    use_abbreviations(None)


def search(query: str, abbreviations: Abbreviations | None = None) -> SearchQuery:
    """``parse_query(query)``, or the same query expanded with other ``abbreviations``."""
    parsed = parse_query(query)
    assert parsed is not None, query
    if abbreviations is None:
        return parsed
    groups = tuple(tuple(group) for group in abbreviations.expand(query_terms(query)))
    return SearchQuery(text=parsed.text, groups=groups, phrase=parsed.phrase)


def exact(query: SearchQuery, document: str) -> bool:
    """The meaning: what the search must find."""
    return query.found_in(fold(document))


# --- SQLite: FTS5 candidates, then the exact check ------------------------------------------

MIGRATION = importlib.import_module("paperwork.migrations.versions.0006_search_index")
EXTERNAL_CONTENT = "content='support_programs', content_rowid='id',"


def fts_table_statement() -> str:
    """Migration 0006's FTS5 table, holding its own content instead of the programs table's."""
    [create] = [sql for sql in MIGRATION.SQLITE_NEW if "CREATE VIRTUAL TABLE" in sql]
    assert EXTERNAL_CONTENT in create
    return create.replace(EXTERNAL_CONTENT, "")


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute(fts_table_statement())
        yield db


def fts_candidate(db: sqlite3.Connection, query: SearchQuery, document: str) -> bool:
    """Whether FTS5 finds ``document`` (as a program's title) for ``query``."""
    table = MIGRATION.FTS_TABLE
    db.execute(f"DELETE FROM {table}")
    units = search_document(document, None, None, None).units
    db.execute(f"INSERT INTO {table} (rowid, search_vector) VALUES (1, ?)", (units,))
    found = db.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (fts_query(query.groups),)
    ).fetchall()
    return found == [(1,)]


def sqlite_finds(db: sqlite3.Connection, query: SearchQuery, document: str) -> bool:
    """SQLite's verdict, as ``search_repository.search_condition`` reaches it."""
    if not fts_candidate(db, query, document):
        return False
    return exact(query, document) if needs_exact_check(query.groups) else True


# --- PostgreSQL: the phrase over positions ----------------------------------------------------

# A statement and its parameters, answered by PostgreSQL.
Ask = Callable[[TextClause, dict[str, str]], object]

MATCH = text("SELECT CAST(:vector AS tsvector) @@ CAST(:query AS tsquery)")
LEXEMES = text("SELECT tsvector_to_array(CAST(:vector AS tsvector))")


@pytest.fixture(scope="module")
def postgres(postgres_server_url: str) -> Iterator[Ask]:
    """One connection for the module: ``ask(statement, parameters)`` returns the scalar."""
    with asyncio.Runner() as runner:
        engine = create_async_engine(postgres_server_url, poolclass=NullPool)
        connection = engine.connect()
        runner.run(connection.start())

        def ask(statement: TextClause, parameters: dict[str, str]) -> object:
            return runner.run(connection.scalar(statement, parameters))

        try:
            yield ask
        finally:
            runner.run(connection.close())
            runner.run(engine.dispose())


def postgres_finds(ask: Ask, query: SearchQuery, document: str) -> bool:
    vector = search_document(document, None, None, None).vector
    found = ask(MATCH, {"vector": vector, "query": ts_query(query.groups)})
    assert isinstance(found, bool)
    return found


# --- the lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "document"), FOUND)
def test_query_finds_document(fts: sqlite3.Connection, query: str, document: str) -> None:
    assert exact(search(query), document)
    assert fts_candidate(fts, search(query), document)


@pytest.mark.parametrize(("query", "document"), NOT_FOUND)
def test_query_does_not_find_document(fts: sqlite3.Connection, query: str, document: str) -> None:
    assert not exact(search(query), document)
    assert not fts_candidate(fts, search(query), document)


@pytest.mark.parametrize(("query", "document"), SCATTERED)
def test_the_exact_check_turns_away_a_scattered_candidate(
    fts: sqlite3.Connection, query: str, document: str
) -> None:
    assert fts_candidate(fts, search(query), document)
    assert needs_exact_check(search(query).groups)
    assert not exact(search(query), document)


@pytest.mark.parametrize(("query", "document"), PAIRS)
def test_sqlite_agrees_with_the_exact_rule(
    fts: sqlite3.Connection, query: str, document: str
) -> None:
    parsed = search(query)
    assert sqlite_finds(fts, parsed, document) is exact(parsed, document), (
        fts_query(parsed.groups),
        search_document(document, None, None, None).units,
    )


@pytest.mark.postgres
@pytest.mark.parametrize(("query", "document"), PAIRS)
def test_postgresql_agrees_with_the_exact_rule(postgres: Ask, query: str, document: str) -> None:
    parsed = search(query)
    assert postgres_finds(postgres, parsed, document) is exact(parsed, document), (
        ts_query(parsed.groups),
        search_document(document, None, None, None).vector,
    )


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "title", "agency"),
    [("수출·바우처", "수출", "바우처"), ("앱·차", "앱", "차"), ("스마트ai", "스마트", "AI")],
)
def test_a_phrase_never_joins_two_fields(
    postgres: Ask, query: str, title: str, agency: str
) -> None:
    parsed = search(query)
    assert not parsed.found_in(fold(title), fold(agency))
    assert needs_exact_check(parsed.groups)  # SQLite's verdict is the exact rule's
    apart = search_document(title, agency, None, None).vector
    assert postgres(MATCH, {"vector": apart, "query": ts_query(parsed.groups)}) is False
    together = search_document(f"{title}·{agency}", None, None, None).vector
    assert postgres(MATCH, {"vector": together, "query": ts_query(parsed.groups)}) is True


def test_sqlite_tells_words_longer_than_max_word_apart(fts: sqlite3.Connection) -> None:
    query, document = LONG_WORD
    assert fts_candidate(fts, search(query), document)
    assert not exact(search(query), document)
    assert not sqlite_finds(fts, search(query), document)
    assert sqlite_finds(fts, search(query), "internationalization2026 guide")


@pytest.mark.postgres
def test_postgresql_matches_a_word_longer_than_max_word_on_its_first_characters(
    postgres: Ask,
) -> None:
    # A known limit, not the exact rule: PostgreSQL has no exact check after the tsquery, so
    # words that differ only after their first MAX_WORD characters are found for each other.
    query, document = LONG_WORD
    assert not exact(search(query), document)
    assert postgres_finds(postgres, search(query), document)


def test_without_abbreviations_the_short_name_finds_only_itself(fts: sqlite3.Connection) -> None:
    none = Abbreviations(groups={})
    assert not exact(search("중기부", none), "중소벤처기업부 공고")
    assert not fts_candidate(fts, search("중기부", none), "중소벤처기업부 공고")
    assert exact(search("중기부", none), "중기부 공고")
    assert sqlite_finds(fts, search("중기부", none), "중기부 공고")


# --- the units survive both databases --------------------------------------------------------

ODD = (
    "스마트 공장 R&D ＡＩ·빅데이터 2026년 ㈜앱 Straße 'K-Startup' \"수출 바우처\" a:b* x|y "
    "!z <-> C++ e-mail@host.kr O'Reilly a\\'b 'a':*A NEAR(a b) ^start ｒ＆ｄ ① 中小企業 ㆍ가ᆞ나"
)
ODD_QUERIES = ["스마트공장", "r&d", "ai·빅데이터", "2026", "앱", "strasse", "o'reilly", "x|y", ODD]


def test_units_come_back_whole_from_an_fts5_table_declared_as_the_migration_does() -> None:
    # Every unit comes back from FTS5's vocabulary unchanged ("r&d" one unit, bigrams whole).
    units = set(search_document(ODD, None, None, None).units.split())
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute(fts_table_statement())
        table = MIGRATION.FTS_TABLE
        db.execute(f"CREATE VIRTUAL TABLE vocabulary USING fts5vocab({table}, 'row')")
        db.execute(f"INSERT INTO {table} (rowid, search_vector) VALUES (1, ?)", (" ".join(units),))
        assert {row[0] for row in db.execute("SELECT term FROM vocabulary")} == units
        for query in ODD_QUERIES:
            assert sqlite_finds(db, search(query), ODD), query


@pytest.mark.postgres
def test_units_come_back_whole_from_a_tsvector_literal(
    postgres: Ask,
) -> None:
    document = search_document(ODD, None, None, None)
    lexemes = postgres(LEXEMES, {"vector": document.vector})
    assert isinstance(lexemes, list)
    assert set(lexemes) == set(document.units.split())
    for query in ODD_QUERIES:
        assert postgres_finds(postgres, search(query), ODD), query
