"""Raw → program on a real database: raw rows first, idempotent upserts, change history,
quality rejections, and one bad item failing alone."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

from sqlalchemy import func, select, update

from paperwork.collectors.importer import ingest_items, parse_saved
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import (
    ProgramChange,
    RawScrapedData,
    ScrapeRun,
    ScrapingConfig,
    SupportProgram,
)


def sample(name: str) -> bytes:
    return (resources.files("paperwork") / "samples" / name).read_bytes()


async def scalar(db: Database, statement: Any) -> Any:
    async with db.session_scope() as session:
        return await session.scalar(statement)


async def test_import_stores_raw_rows_and_programs(db: Database, settings: Settings) -> None:
    items = parse_saved("bizinfo", settings, sample("bizinfo.json"))
    result = await ingest_items(db, settings, "bizinfo", items)
    assert result.status == "succeeded"
    counts = result.counts
    assert counts.fetched == len(items) == 14
    assert counts.new + counts.rejected + counts.errors == len(items)
    # The shipped sample: two items (no dated period, a short body) score 6.5, below 7.
    assert (counts.new, counts.rejected, counts.errors) == (12, 2, 0)
    programs = await scalar(db, select(func.count()).select_from(SupportProgram))
    assert programs == counts.new
    raw_statuses = await _raw_statuses(db)
    assert sum(raw_statuses.values()) == len(items)
    assert raw_statuses.get("promoted", 0) == counts.new
    run = await scalar(db, select(ScrapeRun))
    assert (run.trigger, run.status, run.new) == ("import", result.status, counts.new)
    assert run.finished_at is not None


async def _raw_statuses(db: Database) -> dict[str | None, int]:
    async with db.session_scope() as session:
        rows = await session.execute(
            select(RawScrapedData.status, func.count()).group_by(RawScrapedData.status)
        )
        return {status: count for status, count in rows.all()}


async def test_the_same_items_twice_change_nothing(db: Database, settings: Settings) -> None:
    for portal, name in (("bizinfo", "bizinfo.json"), ("kstartup", "kstartup.json"),
                         ("mss", "mss.xml")):  # fmt: skip
        items = parse_saved(portal, settings, sample(name))
        first = await ingest_items(db, settings, portal, items)
        before = await scalar(db, select(func.max(SupportProgram.updated_at)))
        second = await ingest_items(db, settings, portal, items)
        assert (second.counts.new, second.counts.updated) == (0, 0), portal
        assert second.counts.unchanged == first.counts.new, portal
        assert await scalar(db, select(func.max(SupportProgram.updated_at))) == before


async def test_an_edited_title_is_one_update_with_a_change_row(
    db: Database, settings: Settings
) -> None:
    items = parse_saved("bizinfo", settings, sample("bizinfo.json"))
    await ingest_items(db, settings, "bizinfo", items)
    target = next(item for item in items if item.external_id == "PBLN_000000000118120")
    edited = copy.deepcopy(target.payload)
    old_title = edited["pblancNm"]
    edited["pblancNm"] = old_title + " (수정공고)"
    edited["inqireCo"] = 99999  # views move on every fetch: not a change
    changed = [type(target)(target.portal_id, target.external_id, target.url, edited)]
    result = await ingest_items(db, settings, "bizinfo", changed)
    assert (result.counts.new, result.counts.updated, result.counts.unchanged) == (0, 1, 0)
    async with db.session_scope() as session:
        program = await session.scalar(
            select(SupportProgram).where(SupportProgram.external_id == target.external_id)
        )
        changes = (await session.scalars(select(ProgramChange))).all()
    assert program is not None and program.title == old_title + " (수정공고)"
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [
        ("title", old_title, old_title + " (수정공고)")
    ]
    assert changes[0].program_id == program.id and changes[0].run_id == result.run_id


async def test_only_views_changed_is_unchanged(db: Database, settings: Settings) -> None:
    items = parse_saved("bizinfo", settings, sample("bizinfo.json"))
    await ingest_items(db, settings, "bizinfo", items[:1])
    payload = dict(items[0].payload, inqireCo=123456)
    again = [type(items[0])(items[0].portal_id, items[0].external_id, items[0].url, payload)]
    result = await ingest_items(db, settings, "bizinfo", again)
    assert result.counts.unchanged == 1 and result.counts.updated == 0
    views = await scalar(db, select(SupportProgram.view_count))
    assert views == 123456


async def test_below_the_threshold_is_rejected_with_its_reason(
    db: Database, settings: Settings
) -> None:
    async with db.session_scope() as session:
        await session.execute(
            update(ScrapingConfig)
            .where(ScrapingConfig.portal_id == "kstartup")
            .values(quality_threshold=10.0)
        )
    items = parse_saved("kstartup", settings, sample("kstartup.json"))
    result = await ingest_items(db, settings, "kstartup", items)
    assert result.counts.new == 0 and result.counts.rejected == len(items)
    assert await scalar(db, select(func.count()).select_from(SupportProgram)) == 0
    async with db.session_scope() as session:
        reasons = (await session.scalars(select(RawScrapedData.status_reason))).all()
    assert all(reason and reason.startswith("quality ") for reason in reasons)


async def test_one_bad_item_fails_alone(db: Database, settings: Settings) -> None:
    items = parse_saved("bizinfo", settings, sample("bizinfo.json"))
    broken_payload = dict(items[1].payload)
    broken_payload.pop("pblancNm")  # no title: the item cannot be a program
    broken = type(items[1])(items[1].portal_id, items[1].external_id, None, broken_payload)
    batch = [items[0], broken, items[2]]
    result = await ingest_items(db, settings, "bizinfo", batch)
    assert result.status == "partial"
    assert result.counts.errors == 1 and result.counts.new + result.counts.rejected == 2
    assert (result.counts.new, result.counts.rejected) == (2, 0)
    async with db.session_scope() as session:
        failed = (
            await session.scalars(select(RawScrapedData).where(RawScrapedData.status == "failed"))
        ).all()
    assert [row.external_id for row in failed] == [broken.external_id]
    assert failed[0].status_reason
    # The raw payload is kept as received, so nothing is lost.
    assert failed[0].payload == json.loads(json.dumps(broken_payload))


async def test_program_keeps_the_raw_record_and_scrape_time(
    db: Database, settings: Settings
) -> None:
    items = parse_saved("mss", settings, sample("mss.xml"))
    await ingest_items(db, settings, "mss", items[:1])
    async with db.session_scope() as session:
        program = await session.scalar(select(SupportProgram))
        assert program is not None
        raw = await session.get(RawScrapedData, program.original_raw_id)
    assert raw is not None and raw.external_id == program.external_id
    assert program.scraped_at == raw.scraped_at
    assert raw.quality_score == program.data_quality_score


async def test_a_bulk_import_in_batches_stores_what_one_batch_does(
    db: Database, settings: Settings
) -> None:
    # Several batches: prepared in the worker process, ahead of the writes.
    items = parse_saved("bizinfo", settings, sample("bizinfo.json"))
    untitled = dict(items[4].payload)
    untitled.pop("pblancNm")
    broken = type(items[4])("bizinfo", "PBLN_UNTITLED", None, untitled)
    batched = await ingest_items(db, settings, "bizinfo", [*items, broken], batch_size=3)
    assert batched.status == "partial"
    assert (batched.counts.fetched, batched.counts.errors) == (len(items) + 1, 1)
    async with db.session_scope() as session:
        raw_order = (
            await session.scalars(select(RawScrapedData.external_id).order_by(RawScrapedData.id))
        ).all()
        reason = await session.scalar(
            select(RawScrapedData.status_reason).where(
                RawScrapedData.external_id == broken.external_id
            )
        )
    assert raw_order == [item.external_id for item in [*items, broken]]
    assert reason and "pblancNm" in reason
    # The same items in one batch, prepared in this process: nothing to change.
    single = await ingest_items(db, settings, "bizinfo", items, batch_size=len(items))
    assert (single.counts.new, single.counts.updated) == (0, 0)
    assert single.counts.unchanged == batched.counts.new
