"""mss' source over saved answers: no key means no request, pages until the total (repeated
items once), and an error result code failing the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from paperwork.collectors.base import CollectorSettings, NotConfigured, StructuralError
from paperwork.collectors.sources.mss import MssSource

FileLoader = Callable[[str], bytes]
SettingsMaker = Callable[..., CollectorSettings]


def test_without_key_it_is_not_configured(portal_settings: SettingsMaker) -> None:
    with pytest.raises(NotConfigured, match="PAPERWORK_DATA_GO_KR_KEY"):
        MssSource.check_configured(portal_settings())


async def test_fetch_without_key_makes_no_request(portal_settings: SettingsMaker) -> None:
    source = MssSource(_no_network(), portal_settings())
    with pytest.raises(NotConfigured):
        [item async for item in source.fetch()]


async def test_fetch_pages_until_total(
    make_fetcher: Callable[..., Any], portal_file: FileLoader, portal_settings: SettingsMaker
) -> None:
    # the saved page, claiming 250 items: pages 1..3, the repeated items yielded once
    body = portal_file("mss_list.xml").replace(
        b"<totalCount>3</totalCount>", b"<totalCount>250</totalCount>"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["serviceKey"] == "TEST-KEY"
        assert request.url.params["numOfRows"] == "100"
        return httpx.Response(200, content=body)

    fetcher = make_fetcher(handler)
    source = MssSource(fetcher, portal_settings(data_go_kr_key="TEST-KEY"))
    found = [item async for item in source.fetch()]
    assert [i.external_id for i in found] == ["1052874", "1052790", "1052611"]
    assert [url.params["pageNo"] for url, _ in fetcher.calls] == ["1", "2", "3"]


async def test_fetch_error_code_fails_the_run(
    make_fetcher: Callable[..., Any],
    portal_response: Callable[..., httpx.Response],
    portal_settings: SettingsMaker,
) -> None:
    fetcher = make_fetcher(lambda request: portal_response("mss_error.xml"))
    source = MssSource(fetcher, portal_settings(data_go_kr_key="TEST-KEY"))
    with pytest.raises(StructuralError, match="LIMITED_NUMBER"):
        [item async for item in source.fetch(max_items=5)]


class _NoNetwork:
    async def get(
        self, url: str, *, params: dict[str, str] | None = None, html: bool = False
    ) -> httpx.Response:
        raise AssertionError(f"no request expected, got {url}")


def _no_network() -> _NoNetwork:
    return _NoNetwork()
