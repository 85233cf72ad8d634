"""What a program's AI summary is made from: the announcement's text as the model is given it,
and its hash — the version a stored summary belongs to (the program detail compares it with the
program's current one)."""

from __future__ import annotations

import hashlib
import re

from paperwork.models import SupportProgram

# Changing the prompt or the schema changes every hash: old summaries are no longer current.
PROMPT_VERSION = "1"
MAX_DESCRIPTION_CHARACTERS = 12_000  # bounds the prompt (and its reservation)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def content_of(program: SupportProgram) -> str:
    """What the model is given of the program (and what its hash is of)."""
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
    return "\n".join(f"{label}: {value}" for label, value in parts if value)


def content_hash(program: SupportProgram) -> str:
    text = f"{PROMPT_VERSION}\n{content_of(program)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
