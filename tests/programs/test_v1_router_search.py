"""Search in /api/v1/programs: Korean matches inside words, on SQLite (FTS5) and PostgreSQL
(tsvector) alike; operators and SQL in the query are just text, and punctuation separates
words."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text, update

from apptest import empty_database
from paperwork.db import Database
from paperwork.migrate import downgrade, upgrade
from paperwork.models import SupportProgram
from paperwork.programs.search_repository import search_condition
from paperwork.search.index import search_document
from paperwork.search.query import parse_query

PROGRAMS: dict[str, dict[str, Any]] = {
    "예비창업": {
        "title": "2026년 예비창업패키지 예비창업자 모집 공고",
        "implementing_agency": "창업진흥원",
        "target_audience": "예비창업자",
        "description": "창업 아이템 사업화 자금 최대 1억원",
    },
    "수출바우처": {
        "title": "2026년 수출바우처사업을 통한 해외마케팅 지원",
        "implementing_agency": "KOTRA",
        "target_audience": "수출 중소기업",
        "description": "바우처 방식으로 해외 전시회 참가를 지원",
    },
    "스마트공장": {
        "title": "중소기업 스마트공장 구축 지원사업",
        "implementing_agency": "중소벤처기업부",
        "target_audience": "제조 중소기업",
        "description": "클라우드 기반 생산관리 솔루션 도입",
    },
    "R&D": {
        "title": "R&D 기술개발 지원 (100% 정부출연)",
        "implementing_agency": "한국산업기술진흥원",
        "target_audience": "소상공인 및 중소기업",
        "description": "기술개발 과제 1000건 선정",
    },
    "사관학교": {
        "title": "청년창업사관학교 입교생 모집",
        "implementing_agency": "중소벤처기업진흥공단",
        "target_audience": "만 39세 이하 청년",
        "description": "창업 공간과 교육 제공",
    },
}


@pytest.fixture
async def programs(make_program: Any) -> dict[str, int]:
    return {key: await make_program(**fields) for key, fields in PROGRAMS.items()}


async def search(client: httpx.AsyncClient, q: str, **params: Any) -> list[int]:
    response = await client.get("/api/v1/programs", params={"q": q, "limit": 100, **params})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["total"] == len(data["items"])
    return sorted(item["id"] for item in data["items"])


def ids(programs: dict[str, int], *keys: str) -> list[int]:
    return sorted(programs[key] for key in keys)


async def test_two_letter_korean_word_matches_inside_longer_words(
    client: httpx.AsyncClient, programs: dict[str, int]
) -> None:
    # "창업" is shorter than a trigram: the fallback still finds it inside "예비창업패키지".
    assert await search(client, "창업") == ids(programs, "예비창업", "사관학교")


async def test_word_with_particle_is_found_from_its_stem(
    client: httpx.AsyncClient, programs: dict[str, int]
) -> None:
    assert await search(client, "바우처") == ids(programs, "수출바우처")
    assert await search(client, "예비창업패키지") == ids(programs, "예비창업")
    assert await search(client, "사관학교") == ids(programs, "사관학교")


async def test_every_word_must_occur_but_spacing_does_not_matter(
    client: httpx.AsyncClient, programs: dict[str, int]
) -> None:
    assert await search(client, "수출 바우처") == ids(programs, "수출바우처")
    assert await search(client, "  수출   바우처 ") == ids(programs, "수출바우처")
    assert await search(client, "수출 스마트공장") == []
    assert await search(client, "창업 청년") == ids(programs, "사관학교")


async def test_agency_target_and_description_are_searched(
    client: httpx.AsyncClient, programs: dict[str, int]
) -> None:
    assert await search(client, "창업진흥원") == ids(programs, "예비창업")
    assert await search(client, "소상공인") == ids(programs, "R&D")
    assert await search(client, "클라우드") == ids(programs, "스마트공장")
    assert await search(client, "전시회") == ids(programs, "수출바우처")


async def test_search_ignores_ascii_case_and_normalises_the_query(
    client: httpx.AsyncClient, programs: dict[str, int]
) -> None:
    assert await search(client, "r&d") == ids(programs, "R&D")
    assert await search(client, "kotra") == ids(programs, "수출바우처")
    # Hangul typed as separate jamo (NFD, as some keyboards and macOS file names send it).
    decomposed = unicodedata.normalize("NFD", "바우처")
    assert decomposed != "바우처"
    assert await search(client, decomposed) == ids(programs, "수출바우처")


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "'; DROP TABLE support_programs; --",
        "바우처 OR 창업",
        "NEAR(창업 바우처)",
        "title:바우처",
    ],
)
async def test_sql_and_search_operators_are_plain_text(
    client: httpx.AsyncClient, programs: dict[str, int], query: str
) -> None:
    # Every word must occur, "or", "near" and "title" included: nothing holds them.
    assert await search(client, query) == []


@pytest.mark.parametrize(
    ("query", "same_as"),
    [('"바우처', "바우처"), ("창업*", "창업"), ("^바우처", "바우처"), ("-창업", "창업")],
)
async def test_punctuation_around_a_word_is_not_part_of_it(
    client: httpx.AsyncClient, programs: dict[str, int], query: str, same_as: str
) -> None:
    assert await search(client, query) == await search(client, same_as) != []


@pytest.mark.parametrize("query", ['"', "((", "\\", "%%%", "%", "_", "·"])
async def test_a_query_of_punctuation_only_filters_nothing(
    client: httpx.AsyncClient, programs: dict[str, int], query: str
) -> None:
    assert await search(client, query) == sorted(programs.values())


async def test_like_wildcards_are_not_wildcards(
    client: httpx.AsyncClient, programs: dict[str, int], make_program: Any
) -> None:
    snake = await make_program(title="file_name 형식 안내")
    # "%" and "_" separate words: "100%" is the number 100, found at the start of a number.
    assert await search(client, "100%") == ids(programs, "R&D")
    assert await search(client, "file_name") == [snake]
    assert await search(client, "e_n") == []  # "e" does not start a word of "file_name"


async def test_blank_query_lists_everything(
    client: httpx.AsyncClient, programs: dict[str, int]
) -> None:
    assert await search(client, "") == sorted(programs.values())
    assert await search(client, "   ") == sorted(programs.values())


async def test_query_length_limit(client: httpx.AsyncClient, programs: dict[str, int]) -> None:
    assert await search(client, "가" * 200) == []
    response = await client.get("/api/v1/programs", params={"q": "가" * 201})
    assert response.status_code == 422
    assert response.json()["success"] is False


async def test_nul_in_query_is_refused_not_a_crash(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/programs", params={"q": "창업\x00"})
    assert response.status_code == 422 and "q" in response.json()["error"]


async def test_search_follows_updates_and_deletes(
    client: httpx.AsyncClient, db: Database, programs: dict[str, int]
) -> None:
    title = "중소기업 디지털전환 바우처 지원사업"
    fields = PROGRAMS["스마트공장"]
    document = search_document(
        title, fields["implementing_agency"], fields["target_audience"], fields["description"]
    )
    async with db.session_scope() as session:
        await session.execute(  # as the pipeline writes a changed program
            update(SupportProgram)
            .where(SupportProgram.id == programs["스마트공장"])
            .values(title=title, **document.columns(db.dialect))
        )
        await session.execute(
            text("DELETE FROM support_programs WHERE id = :id"), {"id": programs["수출바우처"]}
        )
    assert await search(client, "바우처") == ids(programs, "스마트공장")
    assert await search(client, "스마트공장") == []
    # Columns the search does not read change without disturbing it.
    async with db.session_scope() as session:
        await session.execute(
            update(SupportProgram)
            .where(SupportProgram.id == programs["스마트공장"])
            .values(view_count=10)
        )
    assert await search(client, "디지털전환") == ids(programs, "스마트공장")


async def test_relevance_ranks_title_hits_first(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    in_description = await make_program(title="해외 전시회 지원", description="수출바우처 연계")
    in_title = await make_program(title="수출바우처 참여기업 모집", description="해외 마케팅")
    in_agency = await make_program(title="무역 지원", implementing_agency="수출바우처사무국")
    response = await client.get("/api/v1/programs", params={"q": "수출바우처", "sort": "relevance"})
    order = [item["id"] for item in response.json()["data"]["items"]]
    assert order == [in_title, in_agency, in_description]


async def test_relevance_without_a_query_is_refused(client: httpx.AsyncClient) -> None:
    for params in ({"sort": "relevance"}, {"sort": "relevance", "q": "  "}):
        response = await client.get("/api/v1/programs", params=params)
        assert response.status_code == 422
        assert "relevance" in response.json()["error"]


@pytest.mark.parametrize("word", ["앱", "창업", "스마트공장", "ai"])
async def test_search_is_served_by_the_text_index(db: Database, word: str) -> None:
    query = parse_query(word)
    assert query is not None
    statement = select(SupportProgram.id).where(search_condition(db.dialect, query))
    async with db.engine.connect() as conn:
        sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if db.dialect == "postgresql":
            await conn.execute(text("SET enable_seqscan = off"))  # a tiny table: force the choice
            plan = " ".join(row[0] for row in await conn.execute(text(f"EXPLAIN {sql}")))
            assert "ix_support_programs_search_vector" in plan
        else:
            rows = await conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            plan = " ".join(str(row[-1]) for row in rows)
            assert "support_programs_search VIRTUAL TABLE INDEX" in plan


def test_migration_indexes_programs_that_already_exist(database_url: str, tmp_path: Path) -> None:
    """Upgrading a database that already holds programs makes them searchable at once, and
    the downgrade leaves 0002's schema behind."""
    with empty_database(database_url, tmp_path, "backfill") as url:
        _backfill_roundtrip(url)


def _backfill_roundtrip(url: str) -> None:
    upgrade(url, "0002")
    asyncio.run(_insert_program(url))
    upgrade(url)
    assert asyncio.run(_search(url, "바우처")) == [1]
    assert asyncio.run(_search(url, "수출")) == [1]  # two syllables: the trigram index missed it
    assert asyncio.run(_search(url, "창업")) == []
    downgrade(url, "0002")
    upgrade(url)
    assert asyncio.run(_search(url, "수출바우처")) == [1]


async def _insert_program(url: str) -> None:
    # Plain SQL: the table has 0002's columns here, not today's model's.
    database = Database(url, pool_size=1)
    now = "CURRENT_TIMESTAMP"
    try:
        async with database.session_scope() as session:
            await session.execute(
                text(
                    "INSERT INTO support_programs (id, portal_id, external_id, title, "
                    "required_documents, evaluation_criteria, attachments, view_count, "
                    "period_kind, scraped_at, first_seen_at, last_seen_at, created_at, updated_at) "
                    "VALUES (1, 'bizinfo', 'PBLN_1', :title, '[]', '[]', '[]', 0, 'unknown', "
                    f"{now}, {now}, {now}, {now}, {now})"
                ),
                {"title": "2026년 수출바우처사업을 통한 해외마케팅 지원"},
            )
    finally:
        await database.dispose()


async def _search(url: str, q: str) -> list[int]:
    database = Database(url, pool_size=1)
    query = parse_query(q)
    assert query is not None
    try:
        async with database.session_scope() as session:
            condition = search_condition(database.dialect, query)
            return list((await session.scalars(select(SupportProgram.id).where(condition))).all())
    finally:
        await database.dispose()


async def test_the_ranking_head_is_derived_from_the_vector(db: Database, make_program: Any) -> None:
    """PostgreSQL keeps title, agency and target (weights A and B) apart for ranking, cut from
    the vector by a trigger whenever the vector is written; SQLite ranks in Python."""
    program = await make_program(
        title="스마트공장", implementing_agency="중기부", target_audience="AI", description="앱"
    )

    async def head() -> str | None:
        async with db.session_scope() as session:
            found = await session.scalar(
                select(SupportProgram.search_head).where(SupportProgram.id == program)
            )
            return None if found is None else str(found)

    if db.dialect != "postgresql":
        assert await head() is None
        return
    assert await head() == (
        "'ai':11B '공장':4A '기부':8B '마트':2A '부':9B '스마':1A '장':5A '중기':7B '트공':3A"
    )
    document = search_document("앱 공고", None, None, "스마트공장")
    async with db.session_scope() as session:
        await session.execute(
            update(SupportProgram)
            .where(SupportProgram.id == program)
            .values(**document.columns(db.dialect))
        )
    assert await head() == "'고':3A '공고':2A '앱공':1A"  # one run: a single space joins
