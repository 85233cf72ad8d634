"""The attachments as the API serves them: the program detail's list, a stored file, its text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.attachments import repository
from paperwork.attachments.disposition import content_disposition
from paperwork.attachments.sniff import extension_for
from paperwork.attachments.store import ContentStore, FileMissing
from paperwork.attachments.v1_schemas import AttachmentRead
from paperwork.errors import NotFound
from paperwork.models import SupportProgram
from paperwork.programs import json_columns
from paperwork.vocabulary import ExtractionStatus, FetchStatus

API = "/api/v1/attachments"


async def program_attachments(
    session: AsyncSession, program: SupportProgram
) -> list[AttachmentRead]:
    """The program's attachments with their status; before the worker has listed its links,
    the portal's list as it is, each pending."""
    rows = await repository.program_links(session, program.id)
    if not rows:
        return [_unlisted(entry) for entry in json_columns.attachments(program.attachments)]
    return [_read(*tuple(row)) for row in rows]


def _unlisted(entry: dict[str, str]) -> AttachmentRead:
    return AttachmentRead(
        name=entry["name"],
        url=entry["url"],
        id=None,
        status=FetchStatus.pending,
        error=None,
        media_type=None,
        size=None,
        fetched_at=None,
        extraction=None,
        extraction_error=None,
        file_url=None,
        text_url=None,
    )


def _read(
    link: Any,
    media_type: str | None,
    size: int | None,
    extraction: str | None,
    extraction_error: str | None,
) -> AttachmentRead:
    stored = link.sha256 is not None and media_type is not None
    return AttachmentRead(
        name=link.name,
        url=link.url,
        id=link.id,
        status=link.status,
        error=link.error,
        media_type=media_type,
        size=size,
        fetched_at=link.fetched_at,
        extraction=extraction,
        extraction_error=extraction_error,
        file_url=f"{API}/{link.id}" if stored else None,
        text_url=f"{API}/{link.id}/text" if extraction == ExtractionStatus.extracted else None,
    )


@dataclass(frozen=True)
class StoredFile:
    content: bytes
    media_type: str
    disposition: str


async def stored_file(session: AsyncSession, store: ContentStore, link_id: int) -> StoredFile:
    found = await repository.link(session, link_id)
    if found is None:
        raise NotFound(f"첨부파일을 찾을 수 없습니다: {link_id}")
    link, file = found
    if file is None:
        raise NotFound(f"첨부파일이 아직 저장되지 않았습니다 ({link.status}): {link_id}")
    try:
        content = await store.get(file.sha256)
    except FileMissing:
        raise NotFound(f"저장된 첨부파일이 없습니다: {link_id}") from None
    return StoredFile(
        content=content,
        media_type=file.media_type,
        disposition=content_disposition(link.name, extension_for(file.media_type)),
    )


async def extracted_text(session: AsyncSession, link_id: int) -> str:
    found = await repository.link(session, link_id)
    if found is None:
        raise NotFound(f"첨부파일을 찾을 수 없습니다: {link_id}")
    link, file = found
    if file is None or file.extraction_status != ExtractionStatus.extracted:
        status = link.status if file is None else file.extraction_status
        raise NotFound(f"첨부파일의 텍스트가 없습니다 ({status}): {link_id}")
    return await repository.file_text(session, file.sha256) or ""
