"""One program announced on several portals: the key that pairs the copies.

Portals space and punctuate the same title differently ("2026년 수출바우처 (추가)" /
"2026년 수출 바우처(추가)"), so the key is the NFC title lowercased without spaces and
punctuation, plus the agency and the deadline. Without a deadline there is no key: equal
"no deadline"s would pair every open-ended program of an agency."""

from __future__ import annotations

import datetime as dt
import unicodedata

TITLE_KEY_IGNORED = " \t\r\n\u3000.,·ㆍ‧・-–—_~!?:;'\"`()[]{}<>「」『』【】〈〉《》‘’“”/\\|*#&+"
_DROP = str.maketrans("", "", TITLE_KEY_IGNORED)


def title_key(title: str) -> str:
    return unicodedata.normalize("NFC", title).lower().translate(_DROP)


def dedupe_key(title: str, agency: str | None, apply_end: dt.date | None) -> str | None:
    if apply_end is None:
        return None
    agency_key = unicodedata.normalize("NFC", agency or "").strip()
    return f"{apply_end.isoformat()}|{agency_key}|{title_key(title)}"
