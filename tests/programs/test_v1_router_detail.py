"""GET /api/v1/programs/{id}: everything about one program, its change history, the same
program on other portals (also_on), and dedupe=true listing each such group once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from paperwork.db import Database
from paperwork.models import ProgramChange, RawScrapedData

URL = "/api/v1/programs"
DEADLINE = dt.date(2026, 12, 31)


async def detail(client: httpx.AsyncClient, program_id: int) -> dict[str, Any]:
    response = await client.get(f"{URL}/{program_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_detail_has_the_full_announcement_and_its_raw_record(
    client: httpx.AsyncClient, db: Database, make_program: Any
) -> None:
    async with db.session_scope() as session:
        raw = RawScrapedData(
            portal_id="bizinfo",
            external_id="PBLN_000000000777",
            url="https://www.bizinfo.go.kr/uss/rss/bizinfoApi.do?pblancId=PBLN_000000000777",
            payload={"pblancNm": "스마트공장 구축 지원"},
        )
        session.add(raw)
        await session.flush()
        raw_id = raw.id
    program = await make_program(
        external_id="PBLN_000000000777",
        title="스마트공장 구축 지원",
        description="제조 중소기업의 스마트공장 구축을 지원합니다.\n최대 1억원",
        required_documents=["사업계획서", "중소기업 확인서"],
        evaluation_criteria=["기술성 40점", "사업성 60점"],
        attachments=[{"name": "공고문.hwp", "url": "https://www.bizinfo.go.kr/file/1"}],
        original_raw_id=raw_id,
    )
    data = await detail(client, program)
    assert data["id"] == program and data["title"] == "스마트공장 구축 지원"
    assert data["status"] in {"open", "upcoming", "closed"} and data["portal_name"]
    assert data["description"].endswith("최대 1억원")
    assert data["required_documents"] == ["사업계획서", "중소기업 확인서"]
    assert data["evaluation_criteria"] == ["기술성 40점", "사업성 60점"]
    # Before the worker has fetched it: the portal's name and link, pending, nothing to serve.
    [attachment] = data["attachments"]
    assert (attachment["name"], attachment["url"]) == (
        "공고문.hwp",
        "https://www.bizinfo.go.kr/file/1",
    )
    assert attachment["status"] == "pending"
    assert attachment["file_url"] is None and attachment["text_url"] is None
    assert data["raw_id"] == raw_id and data["raw_url"].endswith("PBLN_000000000777")
    assert data["changes"] == [] and data["also_on"] == []


async def test_change_history_newest_first(
    client: httpx.AsyncClient, db: Database, make_program: Any
) -> None:
    program = await make_program(apply_end=DEADLINE)
    first = dt.datetime(2026, 11, 20, 1, tzinfo=dt.UTC)
    async with db.session_scope() as session:
        for changed_at, field, old, new in (
            (first, "apply_end", "2026-12-20", "2026-12-31"),
            (first + dt.timedelta(days=2), "support_amount", "최대 5천만원", "최대 1억원"),
            (first, "title", "스마트공장 지원", "스마트공장 구축 지원"),
        ):
            session.add(
                ProgramChange(
                    program_id=program,
                    changed_at=changed_at,
                    field=field,
                    old_value=old,
                    new_value=new,
                )
            )
    changes = (await detail(client, program))["changes"]
    assert [change["field"] for change in changes] == ["support_amount", "title", "apply_end"]
    assert changes[0] == {
        "changed_at": "2026-11-22T01:00:00+00:00",
        "field": "support_amount",
        "from": "최대 5천만원",
        "to": "최대 1억원",
    }


@pytest.fixture
async def announced_twice(make_program: Any) -> dict[str, int]:
    """One program on bizinfo and K-Startup (titles spaced and punctuated differently), and
    look-alikes that are not the same program."""
    common = {"implementing_agency": "창업진흥원", "apply_end": DEADLINE}
    return {
        "bizinfo": await make_program(
            portal_id="bizinfo", title="2026년 예비창업패키지 (일반분야) 모집 공고", **common
        ),
        "kstartup": await make_program(
            portal_id="kstartup", title="2026년 예비 창업패키지(일반분야) 모집공고", **common
        ),
        "other_deadline": await make_program(
            portal_id="mss",
            title="2026년 예비창업패키지 (일반분야) 모집 공고",
            implementing_agency="창업진흥원",
            apply_end=dt.date(2027, 1, 15),
        ),
        "other_agency": await make_program(
            portal_id="mss",
            title="2026년 예비창업패키지 (일반분야) 모집 공고",
            implementing_agency="서울특별시",
            apply_end=DEADLINE,
        ),
        "same_portal": await make_program(
            portal_id="bizinfo", title="2026년 예비창업패키지 일반분야 모집 공고", **common
        ),
        "unrelated": await make_program(
            portal_id="mss", title="2026년 초기창업패키지 모집 공고", **common
        ),
    }


async def test_also_on_lists_the_same_program_on_other_portals(
    client: httpx.AsyncClient, announced_twice: dict[str, int]
) -> None:
    on_bizinfo = await detail(client, announced_twice["bizinfo"])
    assert [item["id"] for item in on_bizinfo["also_on"]] == [announced_twice["kstartup"]]
    assert on_bizinfo["also_on"][0]["portal_name"] == "K-Startup"
    on_kstartup = await detail(client, announced_twice["kstartup"])
    assert sorted(item["id"] for item in on_kstartup["also_on"]) == sorted(
        [announced_twice["bizinfo"], announced_twice["same_portal"]]
    )
    for lookalike in ("other_deadline", "other_agency", "unrelated"):
        assert (await detail(client, announced_twice[lookalike]))["also_on"] == []


async def test_programs_without_a_deadline_are_never_paired(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    rolling = {"apply_end": None, "period_kind": "rolling", "title": "상시 기술지도"}
    first = await make_program(portal_id="bizinfo", **rolling)
    await make_program(portal_id="mss", **rolling)
    assert (await detail(client, first))["also_on"] == []


async def test_dedupe_lists_each_program_once_keeping_the_first_collected(
    client: httpx.AsyncClient, announced_twice: dict[str, int]
) -> None:
    everything = (await client.get(URL, params={"limit": 100})).json()["data"]
    assert everything["total"] == len(announced_twice)
    response = await client.get(URL, params={"dedupe": "true", "limit": 100, "sort": "title"})
    data = response.json()["data"]
    kept = {item["id"] for item in data["items"]}
    # kstartup's copy has a bizinfo twin with a lower id; same_portal a kstartup twin.
    assert kept == set(announced_twice.values()) - {
        announced_twice["kstartup"],
        announced_twice["same_portal"],
    }
    assert data["total"] == len(kept)
    paged = (await client.get(URL, params={"dedupe": "true", "limit": 2, "offset": 2})).json()
    assert paged["data"]["total"] == len(kept) and len(paged["data"]["items"]) == 2


async def test_dedupe_looks_for_twins_among_the_matches_only(
    client: httpx.AsyncClient, announced_twice: dict[str, int]
) -> None:
    # The bizinfo copy is filtered out, so the K-Startup copy stands for the program.
    params = {"dedupe": "true", "portal_id": "kstartup"}
    data = (await client.get(URL, params=params)).json()["data"]
    assert [item["id"] for item in data["items"]] == [announced_twice["kstartup"]]


async def test_unknown_program_is_404_in_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{URL}/987654")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False and "987654" in body["error"]


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", str(2**31), "9" * 30])
async def test_malformed_ids_are_422(client: httpx.AsyncClient, bad: str) -> None:
    response = await client.get(f"{URL}/{bad}")
    assert response.status_code == 422 and response.json()["success"] is False


async def test_detail_etag_and_304_until_the_history_grows(
    client: httpx.AsyncClient, db: Database, make_program: Any
) -> None:
    program = await make_program()
    etag = (await client.get(f"{URL}/{program}")).headers["ETag"]
    cached = await client.get(f"{URL}/{program}", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    async with db.session_scope() as session:
        session.add(ProgramChange(program_id=program, field="title", old_value="a", new_value="b"))
    fresh = await client.get(f"{URL}/{program}", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert len(fresh.json()["data"]["changes"]) == 1
