"""What a program's AI summary is made from: the announcement's text as the model is given it,
and its hash — the version a stored summary belongs to (the program detail compares it with the
program's current one)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from paperwork.models import SupportProgram

# Changing the prompt or the schema changes every hash: old summaries are no longer current.
PROMPT_VERSION = "1"
MAX_DESCRIPTION_CHARACTERS = 12_000  # bounds the prompt (and its reservation)
# The attachments' text (issue 15), all of them together: the notice itself is usually the
# first, and its first pages say who may apply and for what.
MAX_ATTACHMENT_CHARACTERS = 20_000
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


# (name, text) of each of a program's extracted attachments, in the portal's order.
AttachmentTexts = Sequence[tuple[str, str]]


def content_of(program: SupportProgram, attachments: AttachmentTexts = ()) -> str:
    """What the model is given of the program and its attachments (and what its hash is of)."""
    description = _SPACE.sub(" ", _TAG.sub(" ", program.description or "")).strip()
    parts = [
        ("제목", program.title),
        ("주관·수행기관", program.implementing_agency),
        ("신청기간", program.application_period),
        ("지원분야", program.support_field),
        ("지원대상", program.target_audience),
        ("지원규모", program.support_amount),
        ("지역", program.region),
        ("공고 본문", description[:MAX_DESCRIPTION_CHARACTERS]),
    ]
    room = MAX_ATTACHMENT_CHARACTERS
    for name, text in attachments:
        cleaned = _SPACE.sub(" ", text).strip()[:room]
        if cleaned:
            parts.append((f"첨부파일 {name}", "\n" + cleaned))
            room -= len(cleaned)
        if room <= 0:
            break
    return "\n".join(f"{label}: {value}" for label, value in parts if value)


def content_hash(program: SupportProgram, attachments: AttachmentTexts = ()) -> str:
    text = f"{PROMPT_VERSION}\n{content_of(program, attachments)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
