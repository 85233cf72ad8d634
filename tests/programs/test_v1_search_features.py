"""Search v2 (issue 12) in /api/v1/programs beyond which programs match: highlights (escaped, only
<mark> raw), queries of punctuation only and the length limit, total_relation, relevance as the
default sort with q, keyset cursors (every match visited once while programs are being added, for
every sort; bad cursors refused) and facets (each value's count is the total of the list filtered
by that value)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import httpx
import pytest

from apptest import NOON_KST

URL = "/api/v1/programs"
D = dt.date
HOUR = dt.timedelta(hours=1)


async def get_data(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get(URL, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    data: dict[str, Any] = body["data"]
    return data


async def refused(api: httpx.AsyncClient, **params: Any) -> str:
    response = await api.get(URL, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False
    error: str = body["error"]
    return error


def ids(data: dict[str, Any]) -> list[int]:
    return [item["id"] for item in data["items"]]


def dated(end: dt.date | None, start: dt.date | None = D(2026, 11, 1)) -> dict[str, Any]:
    """The period fields of a program ending on ``end`` (None: until the budget runs out)."""
    if end is None:
        return {"apply_start": None, "apply_end": None, "period_kind": "until_budget"}
    return {"apply_start": start, "apply_end": end, "period_kind": "dated"}


# --- highlights ------------------------------------------------------------------------------

MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
BARE_AMPERSAND = re.compile(r"&(?!(?:[a-zA-Z]+|#[0-9]+|#[xX][0-9a-fA-F]+);)")


def read_marked(fragment: str) -> tuple[str, list[str]]:
    """The text a highlighted fragment shows and its marked parts, after checking that <mark>
    and </mark> are its only markup: every other <, > and & is escaped."""
    for part in [MARK.sub("", fragment), *MARK.findall(fragment)]:
        assert "<" not in part and ">" not in part, fragment
        assert not BARE_AMPERSAND.search(part), fragment
    shown = html.unescape(MARK.sub(lambda match: match.group(1), fragment))
    return shown, [html.unescape(part) for part in MARK.findall(fragment)]


async def highlights_of(api: httpx.AsyncClient, program: int, q: str) -> dict[str, Any]:
    data = await get_data(api, q=q, limit=100)
    (item,) = (item for item in data["items"] if item["id"] == program)
    highlights: dict[str, Any] = item["highlights"]
    assert set(highlights) == {"title", "description", "attachment"}
    assert highlights["attachment"] is None  # (the words are in the program's own fields)
    return highlights


async def test_title_holding_a_script_tag_is_escaped_with_only_marks_raw(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    title = "<script>alert('창업')</script> 예비창업자 & 창업기업 \"모집\""
    program = await make_program(title=title, description=None)
    highlights = await highlights_of(api, program, "창업")
    fragment = highlights["title"]
    assert "<script>" not in fragment and "&lt;script&gt;" in fragment
    assert "</script>" not in fragment
    shown, marked = read_marked(fragment)
    assert shown == title
    assert marked == ["창업", "창업", "창업"]  # inside the escaped tag's text too
    assert highlights["description"] is None  # no description, no snippet


@pytest.mark.parametrize(
    ("title", "q", "marked"),
    [
        pytest.param("스마트 공장 구축 지원", "스마트공장", ["스마트 공장"], id="spacing"),
        pytest.param("AI기반 mail 솔루션 지원", "ai", ["AI"], id="latin-word-start-keeps-case"),
        pytest.param("중소기업 R&D 역량강화", "r&d", ["R&D"], id="ampersand-escaped-in-mark"),
        pytest.param("창업 지원과 창업 교육", "창업", ["창업", "창업"], id="every-match"),
    ],
)
async def test_title_marks_each_match(
    api: httpx.AsyncClient, make_program: Any, title: str, q: str, marked: list[str]
) -> None:
    program = await make_program(title=title, description="사업 개요")
    shown, found = read_marked((await highlights_of(api, program, q))["title"])
    assert (shown, found) == (title, marked)


async def test_title_marks_every_word_of_the_query(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    program = await make_program(title="중소기업 스마트공장 구축 지원", description=None)
    shown, marked = read_marked((await highlights_of(api, program, "공장 스마트"))["title"])
    assert shown == "중소기업 스마트공장 구축 지원"
    # The two words, marked apart or as one: either way exactly the text "스마트공장".
    assert "".join(marked) == "스마트공장"


LEAD = "본 사업은 지역 중소기업의 해외 진출을 돕기 위해 마련되었으며 "
TAIL = "신청 기업은 공고문의 제출 서류를 빠짐없이 준비하여 기한 내에 온라인으로 접수해야 합니다. "


async def test_description_snippet_is_cut_around_the_first_match(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    description = LEAD * 4 + "수출바우처 참여기업에게 마케팅 비용을 지원합니다. " + TAIL * 6
    description += "수출바우처 관련 문의는 콜센터로 해 주십시오."  # a second match, far away
    program = await make_program(title="해외마케팅 지원", description=description)
    snippet = (await highlights_of(api, program, "수출바우처"))["description"]
    shown, marked = read_marked(snippet)
    assert marked == ["수출바우처"]  # the first match only: the second is far outside
    assert shown.startswith("…") and shown.endswith("…")
    inner = shown.strip("…").strip()
    assert inner in description and "수출바우처" in inner
    assert 80 <= len(inner) <= 160  # about 120 characters


async def test_description_without_a_match_shows_its_beginning(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    long_text = TAIL * 5
    long_one = await make_program(title="수출바우처 모집", description=long_text)
    short_one = await make_program(title="수출바우처 추가 모집", description="짧은 <개요> & 안내")
    highlights = await highlights_of(api, long_one, "수출바우처")
    shown, marked = read_marked(highlights["description"])
    assert marked == [] and shown.endswith("…") and not shown.startswith("…")
    beginning = shown[:-1].rstrip()
    assert long_text.startswith(beginning) and 80 <= len(beginning) <= 160
    shown, marked = read_marked((await highlights_of(api, short_one, "수출바우처"))["description"])
    assert (shown, marked) == ("짧은 <개요> & 안내", [])


async def test_description_snippet_escapes_html_around_the_mark(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    description = "<p>중소기업 <b>R&D</b> 과제 지원</p>"
    program = await make_program(title="기술개발 지원사업", description=description)
    snippet = (await highlights_of(api, program, "r&d"))["description"]
    assert "&lt;b&gt;" in snippet and "<b>" not in snippet and "<p>" not in snippet
    assert read_marked(snippet) == (description, ["R&D"])


async def test_no_highlights_without_q(api: httpx.AsyncClient, make_program: Any) -> None:
    await make_program(title="창업 지원")
    data = await get_data(api)
    assert [item["highlights"] for item in data["items"]] == [None]


# --- q: punctuation only, length -------------------------------------------------------------


@pytest.mark.parametrize("q", ["!!!", "· ~ —", "( ) [ ]", "「」", "%"])
async def test_a_query_of_punctuation_only_filters_nothing(
    api: httpx.AsyncClient, make_program: Any, q: str
) -> None:
    for hour in range(4):
        await make_program(title=f"지원사업 {hour}", scraped_at=NOON_KST - hour * HOUR)
    everything = await get_data(api, limit=100)
    data = await get_data(api, q=q, limit=100)
    assert data["total"] == everything["total"] == 4
    assert ids(data) == ids(everything)  # and the order is the default's, newest first


async def test_query_of_200_characters_is_accepted_201_refused(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program(title="창업 지원")
    assert (await get_data(api, q="창" * 200))["total"] == 0
    assert "q" in await refused(api, q="창" * 201)


# --- total_relation, default sort ------------------------------------------------------------


async def test_total_is_exact_for_small_sets(api: httpx.AsyncClient, make_program: Any) -> None:
    for number in range(3):
        await make_program(title=f"창업 지원 {number}")
    await make_program(title="수출 지원")
    for params, total in (({"q": "창업"}, 3), ({}, 4), ({"q": "없는말"}, 0)):
        data = await get_data(api, limit=2, **params)
        assert (data["total"], data["total_relation"]) == (total, "eq"), params


async def test_relevance_is_the_default_sort_when_q_has_a_word(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    # Newest first would list them the other way round.
    in_title = await make_program(
        title="수출바우처 참여기업 모집", description="해외 마케팅", scraped_at=NOON_KST - 3 * HOUR
    )
    in_agency = await make_program(
        title="무역 지원", implementing_agency="수출바우처사무국", scraped_at=NOON_KST - 2 * HOUR
    )
    in_description = await make_program(
        title="해외 전시회 지원", description="수출바우처 연계", scraped_at=NOON_KST - HOUR
    )
    expected = [in_title, in_agency, in_description]
    assert ids(await get_data(api, q="수출바우처")) == expected
    assert ids(await get_data(api, q="수출바우처", sort="relevance")) == expected
    assert ids(await get_data(api, q="수출바우처", sort="-scraped_at")) == expected[::-1]
    # Without a word, the default stays newest first.
    assert ids(await get_data(api, q="!!")) == expected[::-1]


# --- cursors ---------------------------------------------------------------------------------

# Programs for paging: ties on every sort key (same title, same deadline, same scrape time,
# same field of the match), deadlines missing and passed, matches in title and description.
PAGING_TITLES = ["창업 지원 공고", "창업 지원 공고", "가람 창업 캠프", "힘찬 창업 교육", "지원사업"]
PAGING_ENDS = [D(2026, 12, 20), None, D(2026, 12, 20), D(2026, 12, 10), D(2027, 1, 5), None]
PAGING_SCRAPES = [NOON_KST - HOUR, NOON_KST - HOUR, NOON_KST - 5 * HOUR, NOON_KST]

# Added between page requests, landing before, inside and after the pages already read.
ADDED: list[dict[str, Any]] = [
    {"title": "가가 창업 우선", "scraped_at": NOON_KST + HOUR, **dated(D(2026, 12, 16))},
    {"title": "힣힣 창업 마지막", "scraped_at": NOON_KST - 100 * HOUR, **dated(None)},
    {"title": "창업 지원 공고", "scraped_at": NOON_KST - HOUR, **dated(D(2026, 12, 20))},
    {"title": "지원사업", "description": "창업 교육", "scraped_at": NOON_KST, **dated(None)},
    {"title": "나래 창업 마감", "scraped_at": NOON_KST - 2 * HOUR, **dated(D(2026, 12, 1))},
]


async def make_paging_corpus(make_program: Any) -> None:
    for number in range(16):
        title = PAGING_TITLES[number % len(PAGING_TITLES)]
        await make_program(
            title=title,
            description="창업 교육과 공간 지원" if title == "지원사업" else "사업 개요",
            scraped_at=PAGING_SCRAPES[number % len(PAGING_SCRAPES)],
            **dated(PAGING_ENDS[number % len(PAGING_ENDS)]),
        )
    for number in range(3):
        await make_program(title=f"수출 지원 {number}", description="해외 마케팅")


@pytest.mark.parametrize(
    ("q", "sort", "filters"),
    [
        pytest.param("창업", None, {}, id="search-default-sort"),
        pytest.param("창업", "relevance", {}, id="search-relevance"),
        pytest.param("창업", "-scraped_at", {}, id="search-newest"),
        pytest.param("창업", "deadline", {}, id="search-deadline"),
        pytest.param("창업", "title", {}, id="search-title"),
        pytest.param("창업", "deadline", {"status": ["open", "rolling"]}, id="search-filtered"),
        pytest.param(None, "-scraped_at", {}, id="list-newest"),
        pytest.param(None, "deadline", {}, id="list-deadline"),
        pytest.param(None, "title", {}, id="list-title"),
    ],
)
async def test_cursor_visits_every_match_once_while_programs_are_added(
    api: httpx.AsyncClient,
    make_program: Any,
    q: str | None,
    sort: str | None,
    filters: dict[str, Any],
) -> None:
    await make_paging_corpus(make_program)
    params: dict[str, Any] = {**filters}
    if q is not None:
        params["q"] = q
    if sort is not None:
        params["sort"] = sort
    at_start = await get_data(api, limit=100, **params)
    start_order = ids(at_start)
    assert at_start["total"] == len(start_order) > 9  # more than three pages of three

    seen: list[int] = []
    data = await get_data(api, limit=3, **params)
    for page in range(100):
        assert len(data["items"]) <= 3
        seen += ids(data)
        if data["next_cursor"] is None:
            break
        await make_program(**ADDED[page % len(ADDED)])
        data = await get_data(api, limit=3, cursor=data["next_cursor"], **params)
    else:
        pytest.fail("next_cursor never ended")

    assert len(seen) == len(set(seen)), "an item appeared twice"
    # Every program that existed at the start, once, in the order the whole list had then.
    assert [program for program in seen if program in set(start_order)] == start_order
    if q is not None:
        everything = await get_data(api, limit=100)
        texts = {item["id"]: item["title"] for item in everything["items"]}
        assert all("수출" not in texts[program] for program in seen)  # only matches


async def test_next_cursor_is_null_on_the_last_page(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    for number in range(6):
        await make_program(title=f"창업 지원 {number}")
    first = await get_data(api, q="창업", limit=3)
    assert isinstance(first["next_cursor"], str)
    last = await get_data(api, q="창업", limit=3, cursor=first["next_cursor"])
    assert len(last["items"]) == 3 and last["next_cursor"] is None
    assert set(ids(first)).isdisjoint(ids(last))
    assert (await get_data(api, q="창업", limit=6))["next_cursor"] is None


async def test_cursor_with_an_offset_is_refused(api: httpx.AsyncClient, make_program: Any) -> None:
    for number in range(3):
        await make_program(title=f"창업 지원 {number}")
    cursor = (await get_data(api, q="창업", limit=1))["next_cursor"]
    assert cursor
    await refused(api, q="창업", limit=1, cursor=cursor, offset=1)
    # offset=0 is the same as no offset
    assert len((await get_data(api, q="창업", limit=1, cursor=cursor, offset=0))["items"]) == 1


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "!!!", "eyJ4IjoxfQ", "eyJ4IjoxfQ==", "0", "%00", "a" * 500],
)
async def test_malformed_cursor_is_refused(
    api: httpx.AsyncClient, make_program: Any, cursor: str
) -> None:
    await make_program(title="창업 지원")
    await refused(api, q="창업", cursor=cursor)
    await refused(api, cursor=cursor)


async def test_cursor_made_for_another_sort_is_refused(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    for number in range(3):
        await make_program(title=f"창업 지원 {number}", scraped_at=NOON_KST - number * HOUR)
    sorts = ["relevance", "-scraped_at", "deadline", "title"]
    for made_for in sorts:
        cursor = (await get_data(api, q="창업", sort=made_for, limit=1))["next_cursor"]
        assert cursor, made_for
        for other in sorts:
            if other != made_for:
                await refused(api, q="창업", sort=other, limit=1, cursor=cursor)


# --- facets ----------------------------------------------------------------------------------

FACETS = ("portal_id", "status", "region", "category")
STATUS_PERIODS: dict[str, dict[str, Any]] = {
    "open": dated(D(2026, 12, 31)),
    "closed": dated(D(2026, 12, 1)),
    "upcoming": dated(D(2027, 2, 28), start=D(2027, 1, 10)),
    "rolling": dated(None),
    "unknown": {"apply_start": None, "apply_end": None, "period_kind": "tba"},
}
# (title, portal, status, region, category): most hold 창업, some do not.
FACET_CORPUS = [
    ("예비창업패키지", "kstartup", "open", "전국", "사업화"),
    ("초기창업패키지", "kstartup", "open", "서울, 경기", "사업화"),
    ("창업도약패키지", "kstartup", "closed", "서울", "사업화, 기술"),
    ("청년창업사관학교", "bizinfo", "open", "경기", "인력"),
    ("창업 인턴제", "bizinfo", "rolling", "부산", "인력"),
    ("창업기업 기술개발", "mss", "upcoming", "서울", "기술"),
    ("창업 지원 설명회", "mss", "unknown", None, None),
    ("재창업 지원", "bizinfo", "open", "서울, 부산", "수출, 기술"),
    ("창업 공간 입주", "bizinfo", "closed", "경기", "사업화"),
    ("수출바우처", "bizinfo", "open", "서울", "수출"),
    ("스마트공장 구축", "mss", "open", "경기", "기술"),
    ("수출 판로 지원", "kstartup", "rolling", "부산", "수출"),
]
KNOWN_VALUES = {
    "portal_id": {"bizinfo", "kstartup", "mss"},
    "status": set(STATUS_PERIODS),
    "region": {"전국", "서울", "경기", "부산"},
    "category": {"사업화", "기술", "인력", "수출"},
}


async def make_facet_corpus(make_program: Any) -> None:
    for title, portal, status, region, category in FACET_CORPUS:
        await make_program(
            title=title,
            portal_id=portal,
            region=region,
            support_field=category,
            description="사업 개요",
            **STATUS_PERIODS[status],
        )


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({"q": "창업"}, id="q"),
        pytest.param({"q": "창업", "region": "서울", "status": "open"}, id="q-region-status"),
        pytest.param({"q": "창업", "portal_id": "kstartup", "category": "기술"}, id="q-portal-cat"),
        pytest.param({"q": "창업 지원", "status": ["open", "closed"]}, id="q-two-statuses"),
        pytest.param({"region": "경기"}, id="region-only"),
        pytest.param({}, id="no-filters"),
    ],
)
async def test_facet_counts_equal_the_totals_of_the_filtered_lists(
    api: httpx.AsyncClient, make_program: Any, filters: dict[str, Any]
) -> None:
    await make_facet_corpus(make_program)
    data = await get_data(api, facets=",".join(FACETS), limit=1, **filters)
    facets = data["facets"]
    assert set(facets) == set(FACETS)
    for name in FACETS:
        values = facets[name]
        # Only values that count, by count descending then value ascending.
        assert all(entry["count"] > 0 for entry in values), name
        assert values == sorted(values, key=lambda entry: (-entry["count"], entry["value"]))
        listed = {entry["value"] for entry in values}
        assert len(listed) == len(values), name
        # Each facet ignores its own filter and keeps the others.
        for value in sorted(listed | KNOWN_VALUES[name]):
            narrowed = await get_data(api, limit=1, **{**filters, name: value})
            count = next((entry["count"] for entry in values if entry["value"] == value), 0)
            assert narrowed["total"] == count, (name, value)
        if name in ("portal_id", "status"):  # one value per program: the counts add up
            others = {key: value for key, value in filters.items() if key != name}
            widened = await get_data(api, limit=1, **others)
            assert sum(entry["count"] for entry in values) == widened["total"], name


async def test_a_facet_still_offers_the_values_its_own_filter_leaves_out(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    await make_facet_corpus(make_program)
    data = await get_data(api, q="창업", region="서울", facets="region,status")
    regions = {entry["value"]: entry["count"] for entry in data["facets"]["region"]}
    # 초기창업패키지 ("서울, 경기") counts for both; 청년창업사관학교 and 창업 공간 입주 for 경기.
    assert regions == {"서울": 4, "경기": 3, "부산": 2, "전국": 1}
    statuses = {entry["value"]: entry["count"] for entry in data["facets"]["status"]}
    # Among the 서울 matches: 초기창업, 재창업 open; 창업도약 closed; 창업기업 기술개발 upcoming.
    assert statuses == {"open": 2, "closed": 1, "upcoming": 1}
    assert data["total"] == 4


async def test_facets_are_null_unless_asked_and_only_the_asked_ones(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    await make_facet_corpus(make_program)
    assert (await get_data(api, q="창업"))["facets"] is None
    assert (await get_data(api))["facets"] is None
    assert set((await get_data(api, q="창업", facets="region"))["facets"]) == {"region"}
    assert set((await get_data(api, facets="status,portal_id"))["facets"]) == {
        "status",
        "portal_id",
    }


@pytest.mark.parametrize("facets", ["agency", "portal_id,bogus", "region;status", "title"])
async def test_unknown_facet_names_are_refused(
    api: httpx.AsyncClient, make_program: Any, facets: str
) -> None:
    await make_program(title="창업 지원")
    assert "facet" in await refused(api, q="창업", facets=facets)
