"""The list's facets: every value's count is the list's total with that facet's filter set to
that value alone (each facet counted without its own filter), on both databases; listed regions
and categories, statuses at the test clock, and the ``facets`` parameter's names."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from apptest import Clock
from paperwork.db import Database
from paperwork.errors import InvalidInput
from paperwork.portals.catalog import PORTAL_NAMES
from paperwork.programs import v1_repository
from paperwork.programs.facet_values import split_listed
from paperwork.programs.facets import FACET_NAMES, facet_counts, parse_facets
from paperwork.programs.facets_repository import OWN_FILTER, folder
from paperwork.programs.v1_schemas import ProgramFilters
from paperwork.timeutil import today_in
from paperwork.vocabulary import ProgramStatus

Counts = dict[str, dict[str, int]]


def day(month: int, day_of_month: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day_of_month)


@pytest.fixture
async def programs(make_program: Any) -> None:
    """Nine programs over the three portals and the five statuses (at 2026-12-15), with listed
    regions and categories; the first two are one program on two portals."""
    twin = {"title": "창업 도약 패키지", "implementing_agency": "창업진흥원"}
    open_, closed = {}, {"apply_end": day(12, 10)}
    upcoming = {"apply_start": day(12, 20)}
    no_end = {"apply_start": None, "apply_end": None}
    for portal, region, category, period in [
        ("bizinfo", "서울, 경기", "기술", {**open_, **twin}),
        ("kstartup", "서울", "기술개발(R&D)", {**open_, **twin}),
        ("kstartup", "경기", "금융", closed),
        ("mss", "경기", "r&d", upcoming),
        ("bizinfo", "부산", "R&D", {**no_end, "period_kind": "rolling"}),
        ("kstartup", None, None, {**no_end, "title": "예비창업 지원", "period_kind": "unknown"}),
        ("bizinfo", "전국", "기술, 금융", {**no_end, "apply_start": day(12, 1),
                                          "period_kind": "until_budget"}),
        ("mss", "서울,경기 ", "R&D 사업화", open_),
        ("bizinfo", "서울", "", {**upcoming, "apply_end": None}),
    ]:  # fmt: skip
        await make_program(portal_id=portal, region=region, support_field=category, **period)


@pytest.fixture
async def differing_twins(make_program: Any) -> None:
    """One more program on two portals whose copies differ in start (so status), region and
    category: the later copy, on bizinfo, is open in 경기 under 수출; the earlier, upcoming."""
    twin = {"title": "수출 바우처", "implementing_agency": "KOTRA", "apply_end": day(12, 31)}
    await make_program(
        portal_id="mss", region="부산", support_field="금융", apply_start=day(12, 20), **twin
    )
    await make_program(
        portal_id="bizinfo",
        region="경기",
        support_field="수출, 금융",
        apply_start=day(12, 1),
        **twin,
    )


async def counts_of(
    db: Database, filters: ProgramFilters, today: dt.date, names: tuple[str, ...] = FACET_NAMES
) -> Counts:
    async with db.session_scope() as session:
        found = await facet_counts(session, filters, names, today=today)
    for counted in found.values():
        assert all(facet.count > 0 for facet in counted)
        assert counted == sorted(counted, key=lambda facet: (-facet.count, facet.value))
    return {
        name: {facet.value: facet.count for facet in counted} for name, counted in found.items()
    }


async def total(db: Database, filters: ProgramFilters, today: dt.date) -> int:
    async with db.session_scope() as session:
        return await v1_repository.count(session, filters, today=today)


def only(filters: ProgramFilters, name: str, value: str | ProgramStatus) -> ProgramFilters:
    """``filters`` with facet ``name``'s own filter set to ``value`` alone."""
    if name == "status":
        value = ProgramStatus(value)
    return replace(filters, **{OWN_FILTER[name]: (value,)})


TODAY = day(12, 15)

SCENARIOS = [
    ProgramFilters(),
    ProgramFilters(q="창업"),
    ProgramFilters(regions=("서울",)),
    ProgramFilters(regions=("서울", "부산")),
    ProgramFilters(categories=("기술",)),
    ProgramFilters(categories=("r&d",), deadline_from=day(12, 20)),
    ProgramFilters(portal_ids=("bizinfo",)),
    ProgramFilters(statuses=(ProgramStatus.open,)),
    ProgramFilters(statuses=(ProgramStatus.open, ProgramStatus.rolling), regions=("경기",)),
    ProgramFilters(dedupe=True),
    ProgramFilters(dedupe=True, portal_ids=("kstartup",), regions=("서울",)),
    ProgramFilters(dedupe=True, statuses=(ProgramStatus.open,), categories=("금융",)),
    ProgramFilters(
        q="창업",
        portal_ids=("bizinfo", "kstartup"),
        statuses=(ProgramStatus.open, ProgramStatus.unknown),
        regions=("서울",),
        categories=("기술",),
    ),
]


@pytest.mark.parametrize("filters", SCENARIOS, ids=repr)
async def test_each_count_is_the_total_of_the_list_filtered_by_that_value(
    db: Database, programs: None, differing_twins: None, filters: ProgramFilters
) -> None:
    counts = await counts_of(db, filters, TODAY)
    assert set(counts) == set(FACET_NAMES)
    for name, values in counts.items():
        for value, count in values.items():
            assert count == await total(db, only(filters, name, value), TODAY), (name, value)
    # Every portal and status the list would find is shown (these facets' values are known).
    for name, possible in (("portal_id", PORTAL_NAMES), ("status", list(ProgramStatus))):
        for value in possible:
            expected = await total(db, only(filters, name, value), TODAY)
            assert counts[name].get(str(value), 0) == expected, (name, value)
        # Each row has one portal and one status, so these facets add up to the list without
        # their filter; with dedupe they may add up to more (each value counts its own copy).
        if not filters.dedupe:
            assert sum(counts[name].values()) == await total(
                db, replace(filters, **{OWN_FILTER[name]: ()}), TODAY
            )


async def test_the_unfiltered_counts(db: Database, programs: None) -> None:
    counts = await counts_of(db, ProgramFilters(), TODAY)
    assert counts["portal_id"] == {"bizinfo": 4, "kstartup": 3, "mss": 2}
    assert counts["status"] == {"open": 3, "upcoming": 2, "rolling": 2, "closed": 1, "unknown": 1}
    # "서울, 경기" and "서울,경기 " count under both; blanks and missing values under none.
    assert counts["region"] == {"경기": 4, "서울": 4, "부산": 1, "전국": 1}
    assert list(counts["region"]) == ["경기", "서울", "부산", "전국"]


async def test_a_category_counts_every_text_that_contains_it(db: Database, programs: None) -> None:
    """``category=기술`` finds "기술개발(R&D)" too, so 기술's count includes it; "r&d" and "R&D"
    are one value to the filter, so one entry (the filter finds "기술개발(R&D)" and
    "R&D 사업화" through it as well)."""
    counts = await counts_of(db, ProgramFilters(), TODAY, ("category",))
    assert counts == {
        "category": {"R&D": 4, "기술": 3, "금융": 2, "R&D 사업화": 1, "기술개발(R&D)": 1}
    }


async def test_a_facet_ignores_its_own_filter_only(db: Database, programs: None) -> None:
    filters = ProgramFilters(regions=("서울",), portal_ids=("bizinfo",))
    counts = await counts_of(db, filters, TODAY, ("region", "portal_id", "status"))
    # bizinfo's programs in every region, though the list shows Seoul's only ...
    assert counts["region"] == {"서울": 2, "경기": 1, "부산": 1, "전국": 1}
    # ... and Seoul's programs on every portal, though the list shows bizinfo's only.
    assert counts["portal_id"] == {"bizinfo": 2, "kstartup": 1, "mss": 1}
    assert counts["status"] == {"open": 1, "upcoming": 1}


async def test_dedupe_counts_a_program_on_two_portals_once_under_a_value(
    db: Database, programs: None
) -> None:
    counts = await counts_of(db, ProgramFilters(dedupe=True), TODAY, ("portal_id", "region"))
    # Each portal counts its own copy: with portal_id=kstartup the list shows the K-Startup copy.
    assert counts["portal_id"] == {"bizinfo": 4, "kstartup": 3, "mss": 2}
    # Under 서울 the K-Startup copy ("서울") stands behind the bizinfo one ("서울, 경기").
    assert counts["region"] == {"경기": 4, "서울": 3, "부산": 1, "전국": 1}
    # With portal_id=kstartup the K-Startup copy is the one listed, and counted.
    counts = await counts_of(
        db, ProgramFilters(dedupe=True, portal_ids=("kstartup",)), TODAY, ("region",)
    )
    assert counts["region"] == {"경기": 1, "서울": 1}


async def test_statuses_are_counted_at_the_test_clock(
    db: Database, programs: None, clock: Clock
) -> None:
    today = today_in(now=clock.now)
    assert today == TODAY
    counts = await counts_of(db, ProgramFilters(), today, ("status",))
    assert counts["status"] == {"open": 3, "upcoming": 2, "rolling": 2, "closed": 1, "unknown": 1}
    # A fortnight on, the deadlines of 12-31 have passed, and the started program without a
    # deadline or a rolling period is unknown.
    clock.now += dt.timedelta(days=17)
    today = today_in(now=clock.now)
    counts = await counts_of(db, ProgramFilters(), today, ("status",))
    assert counts["status"] == {"closed": 5, "rolling": 2, "unknown": 2}
    for status, count in counts["status"].items():
        assert count == await total(db, ProgramFilters(statuses=(ProgramStatus(status),)), today)


async def test_facets_with_the_same_filters_share_one_statement(
    db: Database, programs: None
) -> None:
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "facet_rows" in statement:
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await counts_of(db, ProgramFilters(q="창업"), TODAY)
        assert len(statements) == 1
        statements.clear()
        # region's own filter is set: region is counted apart, the other three together.
        await counts_of(db, ProgramFilters(regions=("서울",)), TODAY)
        assert len(statements) == 2
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)


async def test_no_facets_no_statement(db: Database) -> None:
    async with db.session_scope() as session:
        assert await facet_counts(session, ProgramFilters(), (), today=TODAY) == {}


def test_split_listed_counts_texts_that_contain_a_value() -> None:
    stored = {"서울, 경기": 2, "경기도": 1, " , ": 5, "Seoul": 1, "seoul, 부산": 1}
    assert split_listed(stored, str.lower) == {
        "서울": 2, "경기": 3, "경기도": 1, "Seoul": 2, "부산": 1,
    }  # fmt: skip


def test_each_database_folds_case_as_its_filter_does() -> None:
    # SQLite's lower() and LIKE fold ASCII letters only; PostgreSQL's ILIKE folds them all.
    assert folder("sqlite")("ÄR&D") == "Är&d"
    assert folder("postgresql")("ÄR&D") == "är&d"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (None, ()),
        ("", ()),
        (" , ", ()),
        ("status", ("status",)),
        (" region , ,status,region", ("region", "status")),
        ("portal_id,status,region,category", FACET_NAMES),
    ],
)
def test_parse_facets(raw: str | None, names: tuple[str, ...]) -> None:
    assert parse_facets(raw) == names


@pytest.mark.parametrize("raw", ["agency", "status,Region", "status,,bogus"])
def test_parse_facets_refuses_an_unknown_name(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_facets(raw)
    message = str(refused.value)
    assert raw.split(",")[-1] in message
    assert "portal_id, status, region, category" in message
