"""What the format readers (``hwp5``, ``hwpx``, ``pdf``) raise, and the limits they share.

Error tree (what ``extract`` records for each):

    FormatError         base of everything a reader raises on purpose
    ├── Unsupported     a file we know but won't read: a password or distributable HWP, an
    │                   encrypted PDF → ``unsupported``
    ├── NeedsOcr        a PDF whose pages are pictures, without a text layer → ``needs_ocr``
    └── Malformed       damaged, truncated, or built to exhaust us (a zip bomb) → ``failed``

The message of each is the reason an operator reads, so it is short and says what is wrong with
the file, not where in our code it was noticed.
"""

from __future__ import annotations

# Decompressed bytes one file may expand to, summed over every part a reader inflates. A real
# announcement's HWP body is a few MB at most; a deflate bomb reaches 1000:1, so without this a
# 20 MB file could ask for 20 GB.
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024


class FormatError(Exception):
    """Base of every error a format reader raises on purpose."""


class Unsupported(FormatError):
    """A format we recognise but do not read (its text is encrypted, or it needs a password)."""


class NeedsOcr(FormatError):
    """The file holds pictures of text, not text: only OCR can read it."""


class Malformed(FormatError):
    """The file is damaged, truncated, or expands beyond the limits."""
