"""The list as files: CSV that Excel opens (BOM, proper quoting, capped), iCalendar deadlines and
an RSS feed, each read back with a real parser; the list's filters; ETags and 304s."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import feedparser
import httpx
import icalendar
import pytest
from defusedxml import ElementTree

from apptest import NOON_KST
from paperwork.programs import exports, v1_service
from paperwork.timeutil import today_in

CSV_URL = "/api/v1/programs.csv"
ICS_URL = "/api/v1/programs.ics"
FEED_URL = "/api/v1/programs/feed.xml"
TODAY = today_in(now=NOON_KST)  # the test clock's day, not the real one


def in_days(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Korean
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_csv_opens_with_a_bom_and_round_trips_awkward_text(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    awkward = '2026년 "스마트" 공장, 구축\n지원사업 (2차)'
    program = await make_program(
        title=awkward,
        implementing_agency="중소벤처기업부, 스마트제조혁신추진단",
        support_amount='최대 "1억원"',
        apply_end=dt.date(2026, 12, 31),
    )
    response = await client.get(CSV_URL)
    assert "programs.csv" in response.headers["content-disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    row = rows[0]
    assert row["id"] == str(program) and row["title"] == awkward
    assert row["agency"] == "중소벤처기업부, 스마트제조혁신추진단"
    assert row["amount"] == '최대 "1억원"'
    assert row["apply_end"] == "2026-12-31" and row["portal_name"] == "정부지원사업통합정보시스템"
    assert response.headers["X-Export-Truncated"] == "false"
    assert response.headers["X-Total-Count"] == "1"


async def test_csv_neutralises_spreadsheet_formulas(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program(title='=HYPERLINK("http://evil.example","클릭")', support_amount="-")
    row = read_csv(await client.get(CSV_URL))[0]
    assert row["title"] == '\'=HYPERLINK("http://evil.example","클릭")'


async def test_csv_uses_the_lists_filters_and_sort(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    later = await make_program(title="예비창업패키지", apply_end=in_days(30))
    sooner = await make_program(title="초기창업패키지", apply_end=in_days(3))
    await make_program(title="스마트공장 구축", apply_end=in_days(1))
    await make_program(title="창업도약패키지", apply_end=in_days(-5))
    params = {"q": "창업", "status": "open", "sort": "deadline"}
    rows = read_csv(await client.get(CSV_URL, params=params))
    assert [int(row["id"]) for row in rows] == [sooner, later]
    assert rows[0]["status"] == "open" and rows[0]["d_day"] == "3"


async def test_csv_is_capped_and_says_so(
    client: httpx.AsyncClient, make_program: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(v1_service, "EXPORT_CAP", 4)
    monkeypatch.setattr(exports, "CSV_ROWS_PER_CHUNK", 3)  # several chunks reach the client
    for _ in range(6):
        await make_program()
    response = await client.get(CSV_URL)
    assert len(read_csv(response)) == 4
    assert response.headers["X-Export-Truncated"] == "true"
    assert response.headers["X-Total-Count"] == "6"
    under = await client.get(CSV_URL, params={"portal_id": "bizinfo", "q": "1차"})
    assert under.headers["X-Export-Truncated"] == "false"


async def test_ics_has_an_all_day_event_on_each_deadline(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    program = await make_program(
        title="2026년 수출바우처사업, 참여기업 모집",
        apply_end=dt.date(2026, 12, 24),
        detail_url="https://www.bizinfo.go.kr/detail?id=1",
    )
    await make_program(title="상시 기술지도", apply_end=None, period_kind="rolling")
    response = await client.get(ICS_URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["X-Total-Count"] == "1"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1  # no deadline, no event
    event = events[0]
    start = event.decoded("dtstart")
    assert start == dt.date(2026, 12, 24) and not isinstance(start, dt.datetime)  # all day
    assert event.decoded("dtend") == dt.date(2026, 12, 25)
    assert str(event["summary"]) == "[마감] 2026년 수출바우처사업, 참여기업 모집"
    assert str(event["url"]) == "https://www.bizinfo.go.kr/detail?id=1"
    assert str(event["uid"]) == f"program-{program}@paperwork"
    assert "중소벤처기업부" in str(event["description"])


async def test_ics_follows_filters(client: httpx.AsyncClient, make_program: Any) -> None:
    await make_program(portal_id="mss", apply_end=in_days(10))
    wanted = await make_program(portal_id="kstartup", apply_end=in_days(10))
    calendar = icalendar.Calendar.from_ical(
        (await client.get(ICS_URL, params={"portal_id": "kstartup"})).content
    )
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == [f"program-{wanted}@paperwork"]


async def test_rss_feed_lists_the_newest_matches_first(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    base = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    older = await make_program(title="예비창업패키지 모집", first_seen_at=base)
    newer = await make_program(
        title="청년창업사관학교 <입교생> & 모집",
        first_seen_at=base + dt.timedelta(days=1),
        detail_url="https://www.k-startup.go.kr/a?b=1&c=2",
    )
    await make_program(title="스마트공장 구축", first_seen_at=base + dt.timedelta(days=2))
    response = await client.get(FEED_URL, params={"q": "창업"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "rss20"
    assert "창업" in feed.feed.title
    assert [entry.title for entry in feed.entries] == [
        "청년창업사관학교 <입교생> & 모집",
        "예비창업패키지 모집",
    ]
    first = feed.entries[0]
    assert first.link == "https://www.k-startup.go.kr/a?b=1&c=2"
    assert first.id == f"paperwork-program-{newer}"
    assert first.published_parsed[:3] == (2026, 11, 2)
    assert feed.entries[1].id == f"paperwork-program-{older}"
    # Plain ElementTree agrees: a well-formed RSS 2.0 document.
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert len(root.findall("./channel/item")) == 2


async def test_feed_survives_control_characters_in_scraped_text(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    await make_program(title="수출\x0b바우처\x01 모집")
    feed = feedparser.parse((await client.get(FEED_URL)).content)
    assert not feed.bozo and feed.entries[0].title == "수출바우처 모집"
    calendar = icalendar.Calendar.from_ical((await client.get(ICS_URL)).content)
    assert str(next(iter(calendar.walk("VEVENT")))["summary"]) == "[마감] 수출바우처 모집"


@pytest.mark.parametrize("url", [CSV_URL, ICS_URL, FEED_URL])
async def test_exports_answer_304_until_a_matching_program_changes(
    client: httpx.AsyncClient, make_program: Any, url: str
) -> None:
    await make_program(title="예비창업패키지", apply_end=in_days(5))
    first = await client.get(url, params={"q": "창업"})
    etag = first.headers["ETag"]
    cached = await client.get(url, params={"q": "창업"}, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    other_query = await client.get(url, params={"q": "공장"}, headers={"If-None-Match": etag})
    assert other_query.status_code == 200
    await make_program(title="스마트공장 구축", apply_end=in_days(5))  # does not match "창업"
    unaffected = await client.get(url, params={"q": "창업"}, headers={"If-None-Match": etag})
    assert unaffected.status_code == 304
    await make_program(title="초기창업패키지", apply_end=in_days(6))
    changed = await client.get(url, params={"q": "창업"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize("url", [CSV_URL, ICS_URL, FEED_URL])
@pytest.mark.parametrize(
    "params",
    [
        {"deadline_from": "2026-12-31", "deadline_to": "2026-01-01"},
        {"q": "x" * 201},
        {"status": "soon"},
        {"portal_id": "naver"},
    ],
)
async def test_exports_refuse_bad_filters_in_json(
    client: httpx.AsyncClient, url: str, params: dict[str, str]
) -> None:
    response = await client.get(url, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["success"] is False


async def test_csv_refuses_relevance_without_a_query(client: httpx.AsyncClient) -> None:
    response = await client.get(CSV_URL, params={"sort": "relevance"})
    assert response.status_code == 422


async def test_empty_exports_are_still_valid_files(client: httpx.AsyncClient) -> None:
    rows = read_csv(await client.get(CSV_URL, params={"q": "존재하지않는사업"}))
    assert rows == []
    calendar = icalendar.Calendar.from_ical((await client.get(ICS_URL)).content)
    assert list(calendar.walk("VEVENT")) == []
    feed = feedparser.parse((await client.get(FEED_URL)).content)
    assert not feed.bozo and feed.entries == []
