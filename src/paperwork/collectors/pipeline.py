"""Raw → program: every fetched item is stored raw first, then normalised, scored, and upserted
by (portal_id, external_id), with a change row for every field a later scrape changed.

One code path serves a live run (batches of one, as items arrive) and bulk loads (imports,
the benchmark: batches of hundreds). One bad item fails alone: its raw row says why."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from paperwork.collectors import repository
from paperwork.collectors.base import NormalizedProgram, RawItem
from paperwork.collectors.prepare import Normalizer, Prepared, prepare_all
from paperwork.collectors.quality import VOLATILE_FIELDS
from paperwork.db import Database, utcnow
from paperwork.models import SupportProgram
from paperwork.programs.dedupe import dedupe_key
from paperwork.vocabulary import RawStatus

log = logging.getLogger(__name__)

# The program columns a scrape can change (NormalizedProgram names them the same).
CONTENT_FIELDS = tuple(
    f.name
    for f in fields(NormalizedProgram)
    if f.name not in ("portal_id", "external_id") and f.name not in VOLATILE_FIELDS
)
UNCHANGED = "unchanged"
PROGRAM_FIELDS = (*CONTENT_FIELDS, *sorted(VOLATILE_FIELDS))


@dataclass
class IngestCounts:
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: int = 0

    def add(self, other: IngestCounts) -> None:
        for name in ("fetched", "new", "updated", "unchanged", "rejected", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _comparable(value: Any) -> str | None:
    """A field value as text, for change rows and comparisons (lists as canonical JSON)."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def program_columns(p: Prepared) -> dict[str, Any]:
    """The columns a promoted item writes: its fields and what is derived from them."""
    program, search = p.program, p.search
    assert program is not None and search is not None
    columns = {name: getattr(program, name) for name in PROGRAM_FIELDS}
    columns["dedupe_key"] = dedupe_key(
        program.title, program.implementing_agency, program.apply_end
    )
    return columns | search


class Pipeline:
    def __init__(
        self,
        database: Database,
        *,
        portal_id: str,
        normalize: Normalizer,
        quality_threshold: float,
        today: Callable[[], dt.date],
        run_id: int | None = None,
        dry_run: bool = False,
    ) -> None:
        self.database = database
        self.portal_id = portal_id
        self.normalize = normalize
        self.quality_threshold = quality_threshold
        self.today = today
        self.run_id = run_id
        # Dry run: normalise, score and compare with what is stored, but write nothing.
        self.dry_run = dry_run

    def prepare(self, items: Sequence[RawItem]) -> list[Prepared]:
        return prepare_all(
            items,
            self.normalize,
            today=self.today(),
            threshold=self.quality_threshold,
            dialect=self.database.dialect,
        )

    async def ingest(self, items: Sequence[RawItem]) -> IngestCounts:
        return await self.save(self.prepare(items))

    async def save(self, prepared: Sequence[Prepared]) -> IngestCounts:
        """Write prepared items (normalising is pure and catches its own errors, so it comes
        first: each raw row is then written with what became of it, before any program is
        touched)."""
        counts = IngestCounts(fetched=len(prepared))
        if not prepared:
            return counts
        scraped_at = utcnow()
        if self.dry_run:
            await self._write(prepared, scraped_at, counts)
            return counts
        # 1. Raw first, committed on its own: whatever fails later, the item is kept.
        async with self.database.session_scope() as session:
            raw_ids = await repository.insert_raw(
                session,
                [
                    {
                        "portal_id": self.portal_id,
                        "external_id": p.item.external_id,
                        "url": p.item.url,
                        "payload": p.item.payload,
                        "scraped_at": scraped_at,
                        "run_id": self.run_id,
                        # Promotion is recorded once the program is written (step 2).
                        "status": None if p.status == RawStatus.promoted else p.status,
                        "status_reason": None if p.status == RawStatus.promoted else p.reason,
                        "quality_score": p.score,
                        "content_hash": p.content_hash,
                    }
                    for p in prepared
                ],
            )
        for p, raw_id in zip(prepared, raw_ids, strict=True):
            p.raw_id = raw_id
        try:
            await self._write(prepared, scraped_at, counts)
        except Exception as exc:  # one item's database error must not sink its batch-mates
            if len(prepared) == 1:
                await self._record_failure(prepared[0], f"write failed: {type(exc).__name__}")
                counts.errors += 1
                return counts
            log.warning("pipeline.batch_retry portal=%s size=%d", self.portal_id, len(prepared))
            counts = IngestCounts(fetched=len(prepared))
            for one in prepared:
                single = IngestCounts()
                try:
                    await self._write([one], scraped_at, single)
                except Exception as item_exc:
                    await self._record_failure(one, f"write failed: {type(item_exc).__name__}")
                    single.errors += 1
                counts.add(single)
        return counts

    async def _write(
        self, prepared: Sequence[Prepared], scraped_at: dt.datetime, counts: IngestCounts
    ) -> None:
        promoted = [p for p in prepared if p.status == RawStatus.promoted]
        counts.rejected += sum(p.status == RawStatus.rejected for p in prepared)
        counts.errors += sum(p.status == RawStatus.failed for p in prepared)
        async with self.database.session_scope() as session:
            await repository.plan_for_current_size(session)
            existing = await repository.existing_programs(
                session, self.portal_id, [p.item.external_id for p in promoted]
            )
            inserts: dict[str, dict[str, Any]] = {}
            updates: list[dict[str, Any]] = []
            changes: list[dict[str, Any]] = []
            for p in promoted:
                assert p.program is not None
                current = existing.get(p.item.external_id)
                if current is None:
                    # A repeated id inside one batch: the later copy wins, counted once.
                    counts.new += p.item.external_id not in inserts
                    inserts[p.item.external_id] = self._new_row(p, scraped_at)
                elif current.content_hash == p.content_hash:
                    counts.unchanged += 1
                    # Only what moves without the content changing: seen again, views, status.
                    updates.append(
                        {
                            "id": current.id,
                            "last_seen_at": scraped_at,
                            "view_count": p.program.view_count,
                            "application_status": p.program.application_status,
                        }
                    )
                    p.reason = UNCHANGED
                else:
                    counts.updated += 1
                    updates.append(self._changed_row(current, p, scraped_at))
                    changes.extend(self._change_rows(current, p.program, scraped_at))
            if self.dry_run:
                return
            await repository.insert_programs(session, list(inserts.values()))
            await repository.update_programs(session, updates)
            await repository.insert_changes(session, changes)
            await repository.mark_promoted(
                session, [p.raw_id for p in promoted if p.reason is None], reason=None
            )
            await repository.mark_promoted(
                session, [p.raw_id for p in promoted if p.reason == UNCHANGED], reason=UNCHANGED
            )

    def _new_row(self, p: Prepared, scraped_at: dt.datetime) -> dict[str, Any]:
        assert p.program is not None
        return {
            "portal_id": self.portal_id,
            "external_id": p.item.external_id,
            **program_columns(p),
            "data_quality_score": p.score,
            "content_hash": p.content_hash,
            "original_raw_id": p.raw_id,
            "scraped_at": scraped_at,
            "first_seen_at": scraped_at,
            "last_seen_at": scraped_at,
            "created_at": scraped_at,
            "updated_at": scraped_at,
        }

    def _changed_row(
        self, current: SupportProgram, p: Prepared, scraped_at: dt.datetime
    ) -> dict[str, Any]:
        assert p.program is not None
        return {
            "id": current.id,
            **program_columns(p),
            "data_quality_score": p.score,
            "content_hash": p.content_hash,
            "original_raw_id": p.raw_id,
            "scraped_at": scraped_at,
            "last_seen_at": scraped_at,
            "updated_at": scraped_at,
        }

    def _change_rows(
        self, current: SupportProgram, program: NormalizedProgram, changed_at: dt.datetime
    ) -> list[dict[str, Any]]:
        rows = []
        for name in CONTENT_FIELDS:
            before, after = _comparable(getattr(current, name)), _comparable(getattr(program, name))
            if before != after:
                rows.append(
                    {
                        "program_id": current.id,
                        "run_id": self.run_id,
                        "changed_at": changed_at,
                        "field": name,
                        "old_value": before,
                        "new_value": after,
                    }
                )
        return rows

    async def _record_failure(self, prepared: Prepared, reason: str) -> None:
        log.warning(
            "pipeline.item_failed portal=%s id=%s reason=%s",
            self.portal_id,
            prepared.item.external_id,
            reason,
        )
        async with self.database.session_scope() as session:
            await repository.set_raw_outcomes(
                session,
                [{"id": prepared.raw_id, "status": RawStatus.failed, "status_reason": reason}],
            )
