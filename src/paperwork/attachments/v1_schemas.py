"""Shapes of the attachments as the program detail lists them (issue 15)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from paperwork.programs.seed_schemas import Attachment


class AttachmentRead(Attachment):
    """One attachment of a program: the portal's name and link, and what we made of it."""

    id: int | None = Field(description="null until the worker has listed the program's links")
    status: str = Field(description="pending, fetched, blocked, too_large or failed")
    error: str | None = Field(description="Why it was not fetched (blocked, too_large, failed).")
    media_type: str | None = Field(description="Sniffed from the file's bytes.")
    size: int | None = Field(description="Bytes.")
    fetched_at: dt.datetime | None
    extraction: str | None = Field(
        description="pending, extracted, unsupported, needs_ocr or failed; null before fetching."
    )
    extraction_error: str | None
    file_url: str | None = Field(description="GET it: the stored file.")
    text_url: str | None = Field(description="GET it: the extracted text (text/plain).")
