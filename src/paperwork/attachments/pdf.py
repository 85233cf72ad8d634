"""The text layer of a PDF, page by page, with pypdf.

A scanned announcement is a PDF of pictures: its pages give (almost) no text, and that is told
apart from an empty result (``NeedsOcr``), because OCR can still read it. pypdf is written for
well-formed files; on hostile ones it can recurse deeply or spin, which is why extraction runs in
the sandbox with a time limit, and why RecursionError here means a malformed file.
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from paperwork.attachments.formats import Malformed, NeedsOcr, Unsupported

MAX_PAGES = 500
# Below this many visible characters per page on average, the "text" is page numbers or stray
# marks over scanned images.
MIN_CHARS_PER_PAGE = 16


def pdf_text(data: bytes, *, max_chars: int = 500_000) -> str:
    """The text of the PDF ``data``, pages separated by blank lines; stops after ``MAX_PAGES``
    pages or once ``max_chars`` characters are read.

    Raises ``NeedsOcr`` when the pages hold no text layer, ``Unsupported`` when the file is
    encrypted with a password, ``Malformed`` when it cannot be parsed.
    """
    try:
        return _read(data, max_chars)
    except RecursionError as exc:
        raise Malformed("objects nested too deeply (or referring to themselves)") from exc
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # pypdf reports broken structure as its own errors, and sometimes as whatever the broken
        # object made Python raise.
        raise Malformed(f"unreadable PDF ({_why(exc)})") from exc


def _read(data: bytes, max_chars: int) -> str:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        _open_with_empty_password(reader)
    pages: list[str] = []
    total = 0
    page_count = 0
    page_error: Exception | None = None
    for page in reader.pages:
        if page_count >= MAX_PAGES or total >= max_chars:
            break
        page_count += 1
        try:
            text = page.extract_text()
        except RecursionError:
            raise
        except Exception as exc:  # one broken page (a bad font, a bad stream) loses that page only
            page_error = page_error or exc
            continue
        pages.append(text)
        total += len(text)
    if page_count == 0:
        raise Malformed("the PDF has no pages")
    if not pages and page_error is not None:
        raise Malformed(f"no page could be read ({_why(page_error)})")
    visible = sum(len("".join(text.split())) for text in pages)
    if visible < MIN_CHARS_PER_PAGE * page_count:
        raise NeedsOcr("the pages have no text layer (scanned images?)")
    return "\n\n".join(pages)


def _open_with_empty_password(reader: PdfReader) -> None:
    """Many portals' PDFs are encrypted only to forbid editing: the empty user password opens
    them. Anything else is locked to us."""
    try:
        opened = reader.decrypt("")
    except (DependencyError, NotImplementedError) as exc:
        raise Unsupported(f"encrypted PDF we cannot decrypt ({_why(exc)})") from exc
    except FileNotDecryptedError as exc:
        raise Unsupported("password-protected PDF") from exc
    if not opened:
        raise Unsupported("password-protected PDF")


def _why(exc: BaseException) -> str:
    return str(exc)[:120] or type(exc).__name__
