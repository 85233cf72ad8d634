"""Text folded for search: the one form both a document and a query are reduced to before they
are tokenised, so that "ＡＩ", "Ai" and "ai", or "２０２６" and "2026", are the same text.

Folding is NFKC (full-width forms, circled and superscript digits, "㈜" and other compatibility
characters become their plain forms), then case folding, then NFKC again (case folding can leave
text that is not normalised). The Korean middle dot written as a Hangul letter ("ㆍ", U+318D, and
the jamo NFKC turns it into) is a separator in the text, not a letter, so it becomes "·".

Kept apart from the tokenizer because the final exact check on a search's candidates (a later
step) must compare text folded exactly this way.
"""

from __future__ import annotations

import unicodedata

# Letters (category Lo) that Korean text uses as punctuation; anything else that is not a letter
# or digit the tokenizer already treats as a separator.
_LETTER_LIKE_DOTS = (
    "\u318d",  # ㆍ HANGUL LETTER ARAEA, the usual "middle dot" in Korean documents
    "\u119e",  # ᆞ HANGUL JUNGSEONG ARAEA, what NFKC turns U+318D into
)


def _nfkc(text: str) -> str:
    # The quick check answers most portal text (precomposed Hangul, ASCII) without a rewrite;
    # this runs on every field at ingest.
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """``text`` in its search form: NFKC, case-folded, letter-like dots made punctuation."""
    folded = _nfkc(_nfkc(text).casefold())
    for dot in _LETTER_LIKE_DOTS:
        # str.replace, not str.translate: a translate table is ten times slower on Hangul.
        folded = folded.replace(dot, "·")
    return folded
