"""Provinces named in hashtags, titles and agency names."""

from __future__ import annotations

from paperwork.collectors.normalize.regions import regions_in


def test_regions_from_hashtags_titles_and_agency_names() -> None:
    assert regions_in("내수,전북,2026,소상공인") == ["전북"]
    assert regions_in(None, "[경기] 2026년 소상공인 지원") == ["경기"]
    assert regions_in("경상남도 창원시") == ["경남"]
    assert regions_in("기술,2026,중소기업") == []
