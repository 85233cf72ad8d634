"""Which provinces an announcement names (hashtags, a "[경기]" title, an agency's full name).

Pure: the portals have no reliable region field, so the region is read from their words.
"""

from __future__ import annotations

import re
import unicodedata

PROVINCES = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종",
    "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip
# Agencies write the official names ("경상남도", "전북특별자치도"); regions use the short ones.
_PROVINCE_FULL = {
    "서울특별시": "서울", "부산광역시": "부산", "대구광역시": "대구", "인천광역시": "인천",
    "광주광역시": "광주", "대전광역시": "대전", "울산광역시": "울산", "세종특별자치시": "세종",
    "경기도": "경기", "강원특별자치도": "강원", "강원도": "강원", "충청북도": "충북",
    "충청남도": "충남", "전북특별자치도": "전북", "전라북도": "전북", "전라남도": "전남",
    "경상북도": "경북", "경상남도": "경남", "제주특별자치도": "제주",
}  # fmt: skip


def regions_in(*texts: str | None) -> list[str]:
    """Province short names mentioned in hashtags, a "[경기]" title prefix or an agency name."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        value = unicodedata.normalize("NFC", text)
        for full, short in _PROVINCE_FULL.items():
            value = value.replace(full, short)
        tokens = re.split(r"[\s,\[\]()#/·ㆍ]+", value)
        for token in tokens:
            if token in PROVINCES and token not in found:
                found.append(token)
    return found
