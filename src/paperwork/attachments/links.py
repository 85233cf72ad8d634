"""Copying the programs' attachment lists (``support_programs.attachments``, as the parsers
found them) into ``program_attachments``, one row per link, which the pass fetches.

Only programs whose content changed since the portal's mark are read (a look-back covers
writers that committed late). A new link is pending; a link gone from the list is dropped; a
fetched link of a program that changed since is revalidated (a conditional GET: its file is
downloaded again only if the server says it changed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from paperwork.attachments import repository
from paperwork.db import Database
from paperwork.models import ProgramAttachment
from paperwork.programs import json_columns
from paperwork.vocabulary import FetchStatus

LOOK_BACK = dt.timedelta(minutes=10)


@dataclass
class SyncReport:
    added: int = 0
    dropped: int = 0
    revalidated: int = 0


def listed(attachments: Any) -> list[tuple[str, str]]:
    """(name, url) of a program's attachment list in order, each URL once."""
    seen: set[str] = set()
    found = []
    for entry in json_columns.attachments(attachments):
        url = entry["url"]
        if url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            found.append((entry["name"] or url.rsplit("/", 1)[-1], url))
    return found


async def sync_links(database: Database, portal_id: str) -> SyncReport:
    report = SyncReport()
    async with database.session_scope() as session:
        mark = await repository.sync_mark(session, portal_id)
    since = None if mark is None else mark - LOOK_BACK
    newest, after_id = mark, 0
    while True:
        async with database.session_scope() as session:
            programs = await repository.programs_updated_since(
                session, portal_id, since, after_id=after_id
            )
            if not programs:
                break
            existing = await repository.links_of(session, [row.id for row in programs])
            rows, dropped = _reconcile(portal_id, programs, existing, report)
            await repository.add_links(session, rows)
            await repository.drop_links(session, dropped)
            after_id = programs[-1].id
            batch_newest = max(row.updated_at for row in programs)
            newest = batch_newest if newest is None else max(newest, batch_newest)
            if newest is not None:
                await repository.set_sync_mark(session, portal_id, newest)
    return report


def _reconcile(
    portal_id: str,
    programs: Sequence[Any],
    existing: Sequence[ProgramAttachment],
    report: SyncReport,
) -> tuple[list[dict[str, Any]], list[int]]:
    """One walk over the batch's lists: the rows of new links, the ids of links no longer
    listed; existing links take their name and place as listed now, and a fetched one of a
    program changed since is revalidated."""
    have: dict[int, dict[str, ProgramAttachment]] = {}
    for each in existing:
        have.setdefault(each.program_id, {})[each.url] = each
    rows: list[dict[str, Any]] = []
    kept: set[int] = set()
    for program in programs:
        known = have.get(program.id, {})
        for position, (name, url) in enumerate(listed(program.attachments)):
            link = known.get(url)
            if link is None:
                rows.append(
                    {
                        "program_id": program.id,
                        "portal_id": portal_id,
                        "position": position,
                        "name": name,
                        "url": url,
                        "status": FetchStatus.pending,
                        "attempts": 0,
                    }
                )
                continue
            kept.add(link.id)
            if (link.name, link.position) != (name, position):
                link.name, link.position = name, position
            fetched = link.status == FetchStatus.fetched and link.fetched_at is not None
            if fetched and program.updated_at > link.fetched_at:
                link.status = FetchStatus.pending  # validators kept: a conditional GET
                report.revalidated += 1
    dropped = [each.id for each in existing if each.id not in kept]
    report.added += len(rows)
    report.dropped += len(dropped)
    return rows, dropped
