"""K-Startup's source over saved answers served by ``httpx.MockTransport``: the API's recruiting
set read whole and sorted newest first, and the HTML fallback's list → detail walk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from paperwork.collectors.base import CollectorSettings, StructuralError
from paperwork.collectors.parsers.kstartup import KStartupParser
from paperwork.collectors.sources.kstartup import KStartupSource

SITE = "https://www.k-startup.go.kr"
TODAY = dt.date(2026, 11, 26)
PARSER = KStartupParser(SITE)
SettingsMaker = Callable[..., CollectorSettings]


async def test_fetch_api_filters_recruiting_dedupes_and_sorts_newest_first(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        assert params["serviceKey"] == "TEST-KEY"
        assert params["returnType"] == "json"
        assert params["perPage"] == "100"
        assert params["cond[rcrt_prgs_yn::EQ]"] == "Y"
        return portal_response(f"kstartup_api_page{params['page']}.json")

    fetcher = make_fetcher(handler)
    settings = portal_settings(
        data_go_kr_key="TEST-KEY", kstartup_api_url="https://nidapi.example.test/announcements"
    )
    source = KStartupSource(fetcher, settings)
    items = [item async for item in source.fetch()]
    # 176120 says rcrt_prgs_yn=N although we asked for Y: filtered here; 178662 is on both pages
    assert [i.external_id for i in items] == ["178810", "178701", "178662", "178590"]
    assert [str(url.host) for url, _ in fetcher.calls] == ["nidapi.example.test"] * 2

    fetcher2 = make_fetcher(handler)
    first_two = [i async for i in KStartupSource(fetcher2, settings).fetch(max_items=2)]
    assert [i.external_id for i in first_two] == ["178810", "178701"]


async def test_fetch_api_gateway_error_fails_the_run(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("kstartup_api_error.xml"))
    source = KStartupSource(fetcher, portal_settings(data_go_kr_key="TEST-KEY"))
    with pytest.raises(StructuralError, match="SERVICE_KEY_IS_NOT_REGISTERED_ERROR"):
        [item async for item in source.fetch()]


async def test_fetch_html_without_key(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/web/contents/bizpbanc-ongoing.do"
        if request.url.params.get("schM") == "view":
            if request.url.params["pbancSn"] == "178662":
                return portal_response("kstartup_detail.html")
            return httpx.Response(500)
        assert request.url.params["pbancEndYn"] == "N"
        return portal_response("kstartup_list.html")

    fetcher = make_fetcher(handler)
    source = KStartupSource(fetcher, portal_settings())
    items = [item async for item in source.fetch()]
    assert [i.external_id for i in items] == ["178662", "178640", "178633"]
    assert all(html for _, html in fetcher.calls)
    assert not any("/afile/" in str(url) for url, _ in fetcher.calls)  # links recorded, not fetched

    full = PARSER.normalize(items[0], today=TODAY)
    assert [a["url"] for a in full.attachments] == [
        f"{SITE}/afile/fileDownload/4bf2a1c9e07d4d2c",
        f"{SITE}/afile/fileDownload/9a0c77e35b1f4e88",
    ]
    assert full.support_amount == "최대 1억원"
    assert full.application_status == "접수중"
    assert full.view_count == 2315

    closed = PARSER.normalize(items[1], today=dt.date(2026, 11, 30))
    assert closed.application_status == "마감"
    assert "detail_error" in items[1].payload  # its detail page answered 500


async def test_fetch_html_list_without_marker_fails_loudly(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("bizinfo_list_restructured.html"))
    with pytest.raises(StructuralError, match="structure changed"):
        [item async for item in KStartupSource(fetcher, portal_settings()).fetch()]
