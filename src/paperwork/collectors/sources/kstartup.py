"""K-Startup (창업진흥원), fetching: the data.go.kr API with a key, the public HTML pages (list,
then each detail page) without one. Reading the answers is ``parsers.kstartup``' job.

The API ignores every filter except ``cond[rcrt_prgs_yn::EQ]=Y``, so recruiting is checked
again here, and its row order is not by date, so the (small) recruiting set is read whole and
sorted newest first.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, ClassVar

from paperwork.collectors.base import CollectorSettings, PortalFetcher, RawItem
from paperwork.collectors.parsers import kstartup_html
from paperwork.collectors.parsers.kstartup import (
    PORTAL_ID,
    is_recruiting,
    newest_first,
    parse_api_response,
    raw_item,
)
from paperwork.collectors.sources.paging import (
    HtmlListing,
    capped,
    check_status,
    list_and_details,
)

PER_PAGE = 100
MAX_PAGES = 100  # the recruiting set is a few hundred items; stops a gateway that loops


def _list_params(page_no: int) -> dict[str, str]:
    return {"page": str(page_no), "schStr": "", "pbancEndYn": "N"}


def _merge_detail(payload: dict[str, Any], detail: dict[str, Any]) -> None:
    # The list row's dates are exact; the detail's labelled copy only fills gaps.
    payload.update({k: v for k, v in detail.items() if not payload.get(k)})


class KStartupSource:
    portal_id: ClassVar[str] = PORTAL_ID

    def __init__(self, fetcher: PortalFetcher, settings: CollectorSettings) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._site = settings.kstartup_url.rstrip("/")
        self._listing = HtmlListing(
            portal_id=PORTAL_ID,
            list_url=f"{self._site}{kstartup_html.LIST_PATH}",
            page_rows=kstartup_html.PAGE_ROWS,
            max_pages=MAX_PAGES,
            id_key="pbanc_sn",
            list_params=_list_params,
            parse_list=functools.partial(kstartup_html.parse_list_page, site_url=self._site),
            to_item=functools.partial(raw_item, site_url=self._site),
            detail_url=functools.partial(kstartup_html.detail_url, self._site),
            parse_detail=functools.partial(kstartup_html.parse_detail_page, site_url=self._site),
            merge_detail=_merge_detail,
            no_rows=(
                'kstartup: no li.notice rows after id="bizPbancList" on page 1; the site '
                "structure changed and the HTML parser needs an update"
            ),
        )

    @staticmethod
    def check_configured(settings: CollectorSettings) -> None:
        """Always collectable: without a data.go.kr key the public HTML pages are used."""

    def fetch(self, *, max_items: int | None = None) -> AsyncIterator[RawItem]:
        pages = (
            self._from_api()
            if self._settings.data_go_kr_key
            else list_and_details(self._fetcher, self._listing)
        )
        return capped(pages, max_items)

    async def _from_api(self) -> AsyncGenerator[RawItem, None]:
        found: dict[str, RawItem] = {}
        for page_no in range(1, MAX_PAGES + 1):
            params = {
                "serviceKey": self._settings.data_go_kr_key or "",
                "page": str(page_no),
                "perPage": str(PER_PAGE),
                "returnType": "json",
                "cond[rcrt_prgs_yn::EQ]": "Y",
            }
            response = await self._fetcher.get(self._settings.kstartup_api_url, params=params)
            check_status(response, portal=PORTAL_ID)
            page = parse_api_response(response.content, self._site)
            for item in page.items:
                if is_recruiting(item):
                    found.setdefault(item.external_id, item)
            if not page.items or (page.total is not None and page_no * PER_PAGE >= page.total):
                break
        for item in sorted(found.values(), key=newest_first):
            yield item
