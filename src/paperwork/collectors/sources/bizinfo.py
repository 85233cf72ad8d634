"""기업마당 (bizinfo.go.kr), fetching: the Open API with a key, the public HTML pages (list, then
each detail page) without one. Reading the answers is ``parsers.bizinfo``' job.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, ClassVar

from paperwork.collectors.base import CollectorSettings, PortalFetcher, RawItem
from paperwork.collectors.parsers import bizinfo_html
from paperwork.collectors.parsers.bizinfo import PORTAL_ID, parse_api_response, raw_item
from paperwork.collectors.sources.paging import (
    HtmlListing,
    capped,
    check_status,
    list_and_details,
)

API_PATH = "/uss/rss/bizinfoApi.do"
API_PAGE_UNIT = 100
MAX_PAGES = 200  # 20,000 items: far above the ≈1,500 open ones; stops a portal that loops


def _list_params(cpage: int) -> dict[str, str]:
    return {"rows": str(bizinfo_html.PAGE_ROWS), "cpage": str(cpage), "schEndAt": "N"}


def _merge_detail(payload: dict[str, Any], detail: dict[str, Any]) -> None:
    payload.update(detail)  # the detail page's fields are the fuller ones


class BizinfoSource:
    portal_id: ClassVar[str] = PORTAL_ID

    def __init__(self, fetcher: PortalFetcher, settings: CollectorSettings) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._base = settings.bizinfo_url.rstrip("/")
        self._listing = HtmlListing(
            portal_id=PORTAL_ID,
            list_url=f"{self._base}{bizinfo_html.LIST_PATH}",
            page_rows=bizinfo_html.PAGE_ROWS,
            max_pages=MAX_PAGES,
            id_key="pblancId",
            list_params=_list_params,
            parse_list=functools.partial(bizinfo_html.parse_list_page, base_url=self._base),
            to_item=functools.partial(raw_item, base_url=self._base),
            detail_url=functools.partial(bizinfo_html.detail_url, self._base),
            parse_detail=functools.partial(bizinfo_html.parse_detail_page, base_url=self._base),
            merge_detail=_merge_detail,
            no_rows=(
                "bizinfo: the announcement list has no rows on page 1; the site structure "
                "changed and the HTML parser needs an update"
            ),
        )

    @staticmethod
    def check_configured(settings: CollectorSettings) -> None:
        """Always collectable: without a key the public HTML pages are used."""

    def fetch(self, *, max_items: int | None = None) -> AsyncIterator[RawItem]:
        pages = (
            self._from_api()
            if self._settings.bizinfo_api_key
            else list_and_details(self._fetcher, self._listing)
        )
        return capped(pages, max_items)

    async def _from_api(self) -> AsyncGenerator[RawItem, None]:
        seen: set[str] = set()
        for page_index in range(1, MAX_PAGES + 1):
            params = {
                "crtfcKey": self._settings.bizinfo_api_key or "",
                "dataType": "json",
                "pageUnit": str(API_PAGE_UNIT),
                "pageIndex": str(page_index),
            }
            response = await self._fetcher.get(f"{self._base}{API_PATH}", params=params)
            check_status(response, portal=PORTAL_ID)
            page = parse_api_response(response.content, self._base)
            for item in page.items:
                # Items shift between pages while we page; an id seen twice is yielded once.
                if item.external_id and item.external_id in seen:
                    continue
                seen.add(item.external_id)
                yield item
            if not page.items or (len(page.items) < API_PAGE_UNIT and page.total is None):
                return
            if page.total is not None and page_index * API_PAGE_UNIT >= page.total:
                return
