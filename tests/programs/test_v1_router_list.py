"""GET /api/v1/programs: the item a client sees, every filter and sort, paging totals, status
at the Korean midnight, ETags, and bad input answered 422 in the envelope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from apptest import NOON_KST, Clock

URL = "/api/v1/programs"
ITEM_KEYS = {
    "id", "portal_id", "portal_name", "title", "agency", "category", "region", "target",
    "amount", "period", "apply_start", "apply_end", "period_kind", "status", "d_day", "url",
    "scraped_at", "updated_at", "quality_score", "highlights",
}  # fmt: skip

TODAY = dt.date(2026, 12, 15)


async def page(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get(URL, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and "timestamp" in body
    data: dict[str, Any] = body["data"]
    return data


async def listed(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [item["id"] for item in (await page(api, **params))["items"]]


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


async def test_item_shows_what_a_client_needs(api: httpx.AsyncClient, make_program: Any) -> None:
    program = await make_program(
        portal_id="kstartup",
        title="2026년 초기창업패키지 창업기업 모집",
        implementing_agency="창업진흥원",
        support_field="사업화",
        region="서울, 경기",
        target_audience="창업 3년 이내 기업",
        support_amount="최대 1억원",
        application_period="2026.12.01 ~ 2026.12.24 18:00",
        apply_start=dt.date(2026, 12, 1),
        apply_end=dt.date(2026, 12, 24),
        detail_url="https://www.k-startup.go.kr/detail/1",
        data_quality_score=9.1,
    )
    data = await page(api)
    assert (data["total"], data["limit"], data["offset"]) == (1, 100, 0)
    item = data["items"][0]
    assert set(item) == ITEM_KEYS
    assert item["highlights"] is None  # no search, nothing to highlight
    assert item["id"] == program and item["portal_name"] == "K-Startup"
    assert (item["agency"], item["category"], item["region"]) == (
        "창업진흥원",
        "사업화",
        "서울, 경기",
    )
    assert (item["target"], item["amount"]) == ("창업 3년 이내 기업", "최대 1억원")
    assert item["period"] == "2026.12.01 ~ 2026.12.24 18:00"
    assert (item["apply_start"], item["apply_end"]) == ("2026-12-01", "2026-12-24")
    assert (item["status"], item["d_day"], item["period_kind"]) == ("open", 9, "dated")
    assert item["url"] == "https://www.k-startup.go.kr/detail/1"
    assert item["quality_score"] == 9.1
    assert dt.datetime.fromisoformat(item["scraped_at"]).utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("start", "end", "kind", "status", "d_day"),
    [
        (-10, 10, "dated", "open", 10),
        (None, 0, "dated", "open", 0),  # the last day is still open
        (0, 5, "dated", "open", 5),  # so is the first
        (-10, -1, "dated", "closed", -1),
        (1, 10, "dated", "upcoming", 10),
        (3, None, "dated", "upcoming", None),
        (None, None, "rolling", "rolling", None),
        (-30, None, "until_budget", "rolling", None),
        (None, -2, "until_budget", "closed", -2),  # a passed deadline wins over the kind
        (None, None, "tba", "unknown", None),
    ],
)
async def test_status_and_d_day_come_from_the_period_in_seoul(
    api: httpx.AsyncClient,
    make_program: Any,
    start: int | None,
    end: int | None,
    kind: str,
    status: str,
    d_day: int | None,
) -> None:
    program = await make_program(
        apply_start=None if start is None else day(start),
        apply_end=None if end is None else day(end),
        period_kind=kind,
        application_status="접수중",  # the portal's word is not what decides
    )
    item = (await page(api))["items"][0]
    assert (item["status"], item["d_day"]) == (status, d_day)
    assert await listed(api, status=status) == [program]
    others = {"open", "upcoming", "closed", "rolling", "unknown"} - {status}
    assert await listed(api, status=sorted(others)) == []


async def test_the_day_turns_at_midnight_in_seoul_not_utc(
    api: httpx.AsyncClient, clock: Clock, make_program: Any
) -> None:
    ends_today = await make_program(apply_start=day(-10), apply_end=TODAY)
    ended_yesterday = await make_program(apply_start=day(-10), apply_end=day(-1))
    starts_tomorrow = await make_program(apply_start=day(1), apply_end=day(10))

    # 23:59:59 on the 15th in Seoul is still 14:59:59 UTC on the 15th.
    clock.now = dt.datetime(2026, 12, 15, 14, 59, 59, tzinfo=dt.UTC)
    assert await listed(api, status="open") == [ends_today]
    assert await listed(api, status="closed") == [ended_yesterday]
    # 00:00 on the 16th in Seoul: UTC still says the 15th, the deadline has passed.
    clock.now = dt.datetime(2026, 12, 15, 15, 0, tzinfo=dt.UTC)
    assert sorted(await listed(api, status="closed")) == [ends_today, ended_yesterday]
    assert await listed(api, status="open") == [starts_tomorrow]
    item = next(i for i in (await page(api))["items"] if i["id"] == ends_today)
    assert (item["status"], item["d_day"]) == ("closed", -1)
    # And 00:00 on the 15th in Seoul (15:00 UTC on the 14th) is already the 15th.
    clock.now = dt.datetime(2026, 12, 14, 15, 0, tzinfo=dt.UTC)
    assert sorted(await listed(api, status="open")) == [ends_today]
    assert await listed(api, status="upcoming") == [starts_tomorrow]


async def test_paging_keeps_the_total_of_every_match(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    base = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    made = [
        await make_program(
            portal_id="bizinfo" if number % 3 else "mss",
            scraped_at=base + dt.timedelta(minutes=number),
        )
        for number in range(25)
    ]
    newest_first = made[::-1]
    seen: list[int] = []
    for offset in (0, 10, 20):
        data = await page(api, limit=10, offset=offset)
        assert data["total"] == 25 and (data["limit"], data["offset"]) == (10, offset)
        seen += [item["id"] for item in data["items"]]
    assert seen == newest_first
    beyond = await page(api, limit=10, offset=30)
    assert beyond["items"] == [] and beyond["total"] == 25
    mss = await page(api, portal_id="mss", limit=3, offset=3)
    assert mss["total"] == 9 and len(mss["items"]) == 3
    filtered = await page(api, portal_id="mss", q="지원사업", limit=2, offset=2)
    assert filtered["total"] == 9 and len(filtered["items"]) == 2


async def test_portal_filter_repeats(api: httpx.AsyncClient, make_program: Any) -> None:
    biz = await make_program(portal_id="bizinfo")
    kst = await make_program(portal_id="kstartup")
    mss = await make_program(portal_id="mss")
    assert sorted(await listed(api, portal_id=["bizinfo", "mss"])) == [biz, mss]
    assert await listed(api, portal_id="kstartup") == [kst]


async def test_text_filters_match_contained_text_and_repeat_as_any_of(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    seoul = await make_program(
        region="서울, 경기", support_field="기술", implementing_agency="서울특별시",
        target_audience="중소기업",
    )  # fmt: skip
    busan = await make_program(
        region="부산", support_field="수출, 금융", implementing_agency="부산경제진흥원",
        target_audience="청년 창업자",
    )  # fmt: skip
    nowhere = await make_program(
        region=None, support_field=None, implementing_agency=None, target_audience=None
    )
    assert await listed(api, region="경기") == [seoul]
    assert sorted(await listed(api, region=["경기", "부산"])) == [seoul, busan]
    assert await listed(api, category="금융") == [busan]
    assert await listed(api, agency="부산") == [busan]
    assert await listed(api, target="창업") == [busan]
    assert await listed(api, region="경기", category="금융") == []  # filters AND together
    assert await listed(api, region="%") == []  # wildcards are text
    assert sorted(await listed(api, region="")) == sorted([seoul, busan, nowhere])  # blank: none


async def test_deadline_range_is_inclusive_and_updated_since_filters(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    early = await make_program(apply_end=dt.date(2026, 12, 10))
    middle = await make_program(apply_end=dt.date(2026, 12, 20))
    late = await make_program(apply_end=dt.date(2026, 12, 31))
    await make_program(apply_end=None, period_kind="rolling")
    window = {"deadline_from": "2026-12-10", "deadline_to": "2026-12-20", "sort": "deadline"}
    assert await listed(api, **window) == [early, middle]
    assert await listed(api, deadline_from="2026-12-20", sort="deadline") == [middle, late]
    assert await listed(api, deadline_to="2026-12-10") == [early]
    same_day = {"deadline_from": "2026-12-31", "deadline_to": "2026-12-31"}
    assert await listed(api, **same_day) == [late]

    # The programs above were updated at the test clock's now; the cut is a day later.
    cut = NOON_KST + dt.timedelta(days=1)  # 2026-12-16 03:00 UTC = 12:00 in Seoul
    recent = await make_program(updated_at=cut + dt.timedelta(seconds=1))
    await make_program(updated_at=cut - dt.timedelta(seconds=1))
    sinces = [
        await listed(api, updated_since="2026-12-16T03:00:00Z", deadline_to="2026-12-31"),
        await listed(api, updated_since="2026-12-16T12:00:00+09:00", deadline_to="2026-12-31"),
        await listed(api, updated_since="2026-12-16T12:00:00", deadline_to="2026-12-31"),
    ]
    assert sinces == [[recent]] * 3  # no offset means Korean time


async def test_sorts(api: httpx.AsyncClient, make_program: Any) -> None:
    base = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    no_deadline = await make_program(
        title="다 상시 모집", apply_end=None, period_kind="rolling", scraped_at=base
    )
    later = await make_program(
        title="가 후속 지원", apply_end=day(20), scraped_at=base + dt.timedelta(hours=2)
    )
    sooner = await make_program(
        title="나 긴급 지원", apply_end=day(3), scraped_at=base + dt.timedelta(hours=1)
    )
    tie = await make_program(title="나 긴급 지원", apply_end=day(3), scraped_at=base)
    assert await listed(api, sort="deadline") == [sooner, tie, later, no_deadline]
    assert await listed(api, sort="-scraped_at") == [later, sooner, tie, no_deadline]
    assert await listed(api) == [later, sooner, tie, no_deadline]  # the default
    assert await listed(api, sort="title") == [later, sooner, tie, no_deadline]


async def test_pages_asked_after_a_write_count_the_new_program(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    # Pages of one search share their total until the data changes, then all count again.
    for _ in range(12):
        await make_program()
    assert (await page(api, q="지원사업", limit=5, offset=5))["total"] == 12
    await make_program()
    assert (await page(api, q="지원사업", limit=5, offset=10))["total"] == 13
    assert (await page(api, q="지원사업", limit=5, offset=5))["total"] == 13


async def test_list_sends_an_etag_and_answers_304_until_something_changes(
    api: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program()
    first = await api.get(URL, params={"status": "open"})
    etag = first.headers["ETag"]
    again = await api.get(URL, params={"status": "open"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    several = f'"other", W/{etag}'  # a list of tags, and weak comparison
    listed_too = await api.get(URL, params={"status": "open"}, headers={"If-None-Match": several})
    assert listed_too.status_code == 304
    other = await api.get(URL, params={"status": "closed"}, headers={"If-None-Match": etag})
    assert other.status_code == 200
    await make_program()
    changed = await api.get(URL, params={"status": "open"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["data"]["total"] == 2


async def test_etag_changes_when_the_day_turns(
    api: httpx.AsyncClient, clock: Clock, make_program: Any
) -> None:
    await make_program(apply_end=day(5))
    etag = (await api.get(URL)).headers["ETag"]
    clock.now += dt.timedelta(days=1)  # d_day moves: the cached answer is stale
    response = await api.get(URL, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.json()["data"]["items"][0]["d_day"] == 4


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "popularity"},
        {"sort": "-deadline"},
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"offset": -1},
        {"deadline_from": "2026-12-31", "deadline_to": "2026-12-01"},
        {"deadline_from": "yesterday"},
        {"deadline_to": "2026-02-30"},
        {"updated_since": "soon"},
        {"updated_since": "0001-01-01T00:00:00+09:00"},
        {"q": "가" * 201},
        {"status": "pending"},
        {"portal_id": "naver"},
        {"region": "x" * 101},
        {"agency": "창업\x00"},
        {"dedupe": "maybe"},
    ],
)
async def test_bad_input_is_422_in_the_envelope(
    api: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await api.get(URL, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["success"] is False and body["error"]


async def test_odd_but_valid_input_is_a_correct_empty_answer(api: httpx.AsyncClient) -> None:
    for params in (
        {"q": "'; DROP TABLE support_programs; --"},
        {"agency": "' OR '1'='1"},
        {"deadline_from": "9999-12-31"},
        {"updated_since": "9999-12-31T23:59:59+14:00"},
        {"offset": 10_000_000},
    ):
        data = await page(api, **params)
        assert data["items"] == [] and data["total"] == 0, params
