"""Every statement of the attachments feature: the programs' links (``program_attachments``), the
stored files (``attachment_files``), the per-portal copy mark (``attachment_sync``) and the
programs' attachment search units (``support_programs.attachment_vector``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.db import IDS_PER_STATEMENT, insert_or_skip
from paperwork.models import AttachmentFile, AttachmentSync, ProgramAttachment, SupportProgram
from paperwork.vocabulary import ExtractionStatus, FetchStatus

PA, AF, SP = ProgramAttachment, AttachmentFile, SupportProgram

SYNC_BATCH = 2_000
T = TypeVar("T")


def _chunks(ids: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield ids[start : start + IDS_PER_STATEMENT]


# --- copying the programs' lists into links -----------------------------------------------


async def sync_mark(session: AsyncSession, portal_id: str) -> dt.datetime | None:
    return await session.scalar(
        select(AttachmentSync.synced_until).where(AttachmentSync.portal_id == portal_id)
    )


async def set_sync_mark(session: AsyncSession, portal_id: str, until: dt.datetime) -> None:
    row = await session.get(AttachmentSync, portal_id)
    if row is None:
        session.add(AttachmentSync(portal_id=portal_id, synced_until=until))
    elif until > row.synced_until:
        row.synced_until = until
    await session.flush()


async def programs_updated_since(
    session: AsyncSession, portal_id: str, since: dt.datetime | None, *, after_id: int
) -> Sequence[Any]:
    """A batch of the portal's programs (id order, past ``after_id``) whose content changed
    since ``since`` (all of them without a mark): their attachment lists and change time."""
    statement = (
        select(SP.id, SP.attachments, SP.updated_at)
        .where(SP.portal_id == portal_id, SP.id > after_id)
        .order_by(SP.id)
        .limit(SYNC_BATCH)
    )
    if since is not None:
        statement = statement.where(SP.updated_at >= since)
    return (await session.execute(statement)).all()


async def links_of(
    session: AsyncSession, program_ids: Sequence[int]
) -> Sequence[ProgramAttachment]:
    found: list[ProgramAttachment] = []
    for chunk in _chunks(program_ids):
        found += (await session.scalars(select(PA).where(PA.program_id.in_(chunk)))).all()
    return found


async def add_links(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(PA), rows)


async def drop_links(session: AsyncSession, link_ids: Sequence[int]) -> None:
    for chunk in _chunks(link_ids):
        await session.execute(delete(PA).where(PA.id.in_(chunk)))


# --- fetching -------------------------------------------------------------------------------


async def requested_since(session: AsyncSession, portal_id: str, since: dt.datetime) -> int:
    """Links of the portal requested since ``since``: what today's download limit counts."""
    count = await session.scalar(
        select(func.count()).where(PA.portal_id == portal_id, PA.requested_at >= since)
    )
    return int(count or 0)


def _due(portal_id: str, now: dt.datetime, *, max_attempts: int, retry_after: dt.timedelta) -> Any:
    return and_(
        PA.portal_id == portal_id,
        or_(PA.claimed_until.is_(None), PA.claimed_until < now),
        or_(
            PA.status == FetchStatus.pending,
            and_(
                PA.status == FetchStatus.failed,
                PA.attempts < max_attempts,
                PA.requested_at < now - retry_after,
            ),
        ),
    )


async def claim_due(
    session: AsyncSession,
    portal_id: str,
    *,
    now: dt.datetime,
    limit: int,
    lease: dt.timedelta,
    max_attempts: int,
    retry_after: dt.timedelta,
) -> list[ProgramAttachment]:
    """Up to ``limit`` links to fetch, held for ``lease``: each claimed by a conditional UPDATE,
    so two workers never take the same one."""
    due = _due(portal_id, now, max_attempts=max_attempts, retry_after=retry_after)
    candidates = (
        await session.scalars(select(PA.id).where(due).order_by(PA.id).limit(limit))
    ).all()
    claimed: list[int] = []
    for link_id in candidates:
        result = await session.execute(
            update(PA).where(PA.id == link_id, due).values(claimed_until=now + lease)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            claimed.append(link_id)
    if not claimed:
        return []
    return list((await session.scalars(select(PA).where(PA.id.in_(claimed)).order_by(PA.id))).all())


async def record_fetch(session: AsyncSession, link_id: int, values: dict[str, Any]) -> None:
    await session.execute(update(PA).where(PA.id == link_id).values(claimed_until=None, **values))


async def add_file(
    session: AsyncSession, *, sha256: str, media_type: str, size: int, now: dt.datetime
) -> None:
    dialect = session.get_bind().dialect.name
    values = {
        "sha256": sha256,
        "media_type": media_type,
        "size": size,
        "stored_at": now,
        "extraction_status": ExtractionStatus.pending,
        "text_chars": 0,
    }
    await session.execute(insert_or_skip(dialect, AF, values))


# --- extracting -----------------------------------------------------------------------------


async def files_to_extract(
    session: AsyncSession, *, limit: int, ocr_before: dt.datetime | None = None
) -> Sequence[AttachmentFile]:
    """Files not read yet; with ``ocr_before``, also scanned ones last tried before it."""
    due = AF.extraction_status == ExtractionStatus.pending
    if ocr_before is not None:
        due = or_(
            due,
            and_(
                AF.extraction_status == ExtractionStatus.needs_ocr,
                AF.extracted_at < ocr_before,
            ),
        )
    statement = select(AF).where(due)
    return (await session.scalars(statement.order_by(AF.stored_at).limit(limit))).all()


async def record_extraction(
    session: AsyncSession,
    sha256: str,
    *,
    status: str,
    text: str | None,
    error: str | None,
    media_type: str,
    now: dt.datetime,
) -> None:
    await session.execute(
        update(AF)
        .where(AF.sha256 == sha256)
        .values(
            media_type=media_type,
            extraction_status=status,
            extraction_error=error,
            text=text,
            text_chars=len(text or ""),
            extracted_at=now,
        )
    )


async def programs_with_files(session: AsyncSession, hashes: Sequence[str]) -> list[int]:
    ids: set[int] = set()
    for chunk in _chunks(hashes):
        ids.update((await session.scalars(select(PA.program_id).where(PA.sha256.in_(chunk)))).all())
    return sorted(ids)


async def files_of_programs(session: AsyncSession, program_ids: Sequence[int]) -> Sequence[Any]:
    """(program id, file hash) of every extracted file the programs link to."""
    rows: list[Any] = []
    for chunk in _chunks(program_ids):
        rows += (
            await session.execute(
                select(PA.program_id, PA.sha256)
                .join(AF, AF.sha256 == PA.sha256)
                .where(
                    PA.program_id.in_(chunk),
                    AF.extraction_status == ExtractionStatus.extracted,
                )
            )
        ).all()
    return rows


async def texts(session: AsyncSession, hashes: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in _chunks(hashes):
        rows = await session.execute(select(AF.sha256, AF.text).where(AF.sha256.in_(chunk)))
        found.update({sha: text or "" for sha, text in rows})
    return found


async def write_vectors(session: AsyncSession, vectors: dict[int, str | None]) -> None:
    """Each program's ``attachment_vector`` (None clears it)."""
    if not vectors:
        return
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text(
                "UPDATE support_programs AS p SET attachment_vector = v.vector::tsvector "
                "FROM unnest(CAST(:ids AS INTEGER[]), CAST(:vectors AS TEXT[])) AS v(id, vector) "
                "WHERE p.id = v.id"
            ),
            {"ids": list(vectors), "vectors": list(vectors.values())},
        )
        return
    await session.execute(
        text("UPDATE support_programs SET attachment_vector = :vector WHERE id = :id"),
        [{"id": program_id, "vector": vector} for program_id, vector in vectors.items()],
    )


# --- reading --------------------------------------------------------------------------------


async def link(
    session: AsyncSession, link_id: int
) -> tuple[ProgramAttachment, AttachmentFile | None] | None:
    found = (
        await session.execute(
            select(PA, AF).outerjoin(AF, AF.sha256 == PA.sha256).where(PA.id == link_id)
        )
    ).first()
    return None if found is None else (found[0], found[1])


async def file_text(session: AsyncSession, sha256: str) -> str | None:
    return await session.scalar(select(AF.text).where(AF.sha256 == sha256))


async def program_links(session: AsyncSession, program_id: int) -> Sequence[Any]:
    """The program's links in the portal's order, with their file's type, size and status."""
    return (
        await session.execute(
            select(PA, AF.media_type, AF.size, AF.extraction_status, AF.extraction_error)
            .outerjoin(AF, AF.sha256 == PA.sha256)
            .where(PA.program_id == program_id)
            .order_by(PA.position, PA.id)
        )
    ).all()


async def extracted_texts(session: AsyncSession, program_ids: Sequence[int]) -> Sequence[Any]:
    """(program id, link id, name, text) of the programs' extracted attachments, in order."""
    if not program_ids:
        return []
    return (
        await session.execute(
            select(PA.program_id, PA.id, PA.name, AF.text)
            .join(AF, AF.sha256 == PA.sha256)
            .where(
                PA.program_id.in_(program_ids),
                AF.extraction_status == ExtractionStatus.extracted,
            )
            .order_by(PA.program_id, PA.position, PA.id)
        )
    ).all()


async def counts(session: AsyncSession) -> dict[str, int]:
    """Links by fetch status and files by extraction status, for the operator."""
    found: dict[str, int] = {}
    for status, count in await session.execute(select(PA.status, func.count()).group_by(PA.status)):
        found[f"links_{status}"] = count
    for status, count in await session.execute(
        select(AF.extraction_status, func.count()).group_by(AF.extraction_status)
    ):
        found[f"files_{status}"] = count
    return found


async def attachment_texts(session: AsyncSession, program_id: int) -> list[tuple[str, str]]:
    """(name, text) of one program's extracted attachments, in order (the AI summary's)."""
    rows = await extracted_texts(session, [program_id])
    return [(name, text or "") for _, _, name, text in rows]
