"""A stored file's text: sniff what it is, hand it to the reader for that format, and record the
outcome as an ``ExtractionStatus`` with a reason an operator can act on.

This runs in-process and trusts the readers' own limits; ``sandbox.ExtractionSandbox`` runs the
same function in a child process with a time and memory limit, which is how the service calls it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import olefile

from paperwork.attachments import sniff as media
from paperwork.attachments.formats import Malformed, NeedsOcr, Unsupported
from paperwork.attachments.hwp5 import hwp5_text
from paperwork.attachments.hwpx import hwpx_text
from paperwork.attachments.pdf import pdf_text
from paperwork.vocabulary import ExtractionStatus

MAX_FILE_BYTES = 20 * 1024 * 1024
# Past this the text is cut, silently: an announcement is a few thousand characters, and what a
# 300-page annex says beyond this is not what anyone searches for.
MAX_TEXT_CHARS = 500_000
TOO_LARGE = "larger than 20 MB"
# Enough of an oversized file to tell its type without parsing all of it.
_SNIFF_PREFIX_BYTES = 64 * 1024
_MAX_ERROR_CHARS = 300
_BLANK_LINES = re.compile(r"\n(?:[ \t\u3000]*\n)+")
_TRAILING_SPACE = re.compile(r"[ \u3000]+\n")
# C0 controls but tab and newline (carriage returns are made newlines first), and DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Extraction:
    """What became of one file: its status, its text (empty unless extracted), why not (for
    every status but extracted) and what the bytes are."""

    status: ExtractionStatus
    text: str
    error: str | None
    media_type: str

    @classmethod
    def failed(cls, error: str, media_type: str) -> Extraction:
        return cls(ExtractionStatus.failed, "", error[:_MAX_ERROR_CHARS], media_type)


def _plain_text(data: bytes) -> str:
    return data.decode("utf-8").removeprefix("\ufeff")


def _other_ole(data: bytes) -> str:
    """An OLE file that is not an HWP: a .doc or .xls we don't read; or one too damaged to tell,
    which on these portals is most likely an HWP cut short: that is a failure, not a format."""
    try:
        olefile.OleFileIO(io.BytesIO(data)).close()
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error… on damage
        raise Malformed(f"not a readable OLE compound file ({str(exc)[:120]})") from exc
    raise Unsupported(_not_read(media.OLE))


def _not_read(media_type: str) -> str:
    return f"not a format we read: {media_type}"


_READERS: dict[str, Callable[[bytes], str]] = {
    media.HWP: lambda data: hwp5_text(data, max_chars=MAX_TEXT_CHARS),
    media.HWPX: lambda data: hwpx_text(data, max_chars=MAX_TEXT_CHARS),
    media.PDF: lambda data: pdf_text(data, max_chars=MAX_TEXT_CHARS),
    media.TEXT: _plain_text,
    media.OLE: _other_ole,
}


def extract(data: bytes) -> Extraction:
    """The text of ``data``, whatever it is; never raises for a bad file (a MemoryError still
    propagates: only the process that ran out can decide what to do about it)."""
    if len(data) > MAX_FILE_BYTES:
        return too_large(data)
    return extract_sniffed(data, media.sniff(data))


def too_large(data: bytes) -> Extraction:
    """The answer for a file over ``MAX_FILE_BYTES``, from a look at its first bytes only."""
    return Extraction.failed(TOO_LARGE, media.sniff(data[:_SNIFF_PREFIX_BYTES]))


def extract_sniffed(data: bytes, media_type: str) -> Extraction:
    """``extract`` for a file whose type is already known."""
    reader = _READERS.get(media_type)
    if reader is None:
        return Extraction(ExtractionStatus.unsupported, "", _not_read(media_type), media_type)
    try:
        text = reader(data)
    except Unsupported as exc:
        return Extraction(ExtractionStatus.unsupported, "", str(exc), media_type)
    except NeedsOcr as exc:
        return Extraction(ExtractionStatus.needs_ocr, "", str(exc), media_type)
    except Malformed as exc:
        return Extraction.failed(str(exc), media_type)
    except RecursionError:
        return Extraction.failed("structure nested too deeply", media_type)
    except MemoryError:
        raise
    except Exception as exc:  # a reader's library tripping on a file it did not expect
        return Extraction.failed(f"unexpected {type(exc).__name__}: {exc}", media_type)
    return Extraction(ExtractionStatus.extracted, tidy(text)[:MAX_TEXT_CHARS], None, media_type)


def tidy(text: str) -> str:
    """Text as we store it: NFC (HWP and macOS PDFs often give decomposed Hangul), Unix line
    ends, no NULs or other control characters (PostgreSQL refuses NUL), no lone surrogates (a
    broken PDF font map can give them; UTF-8 cannot hold them), no trailing spaces, at most one
    blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text).encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("\n", text + "\n")
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
