"""중소벤처기업부 사업공고, fetching: the data.go.kr XML API, 100 rows a page (a development key
allows 100 calls a day). There is no public HTML list, so without a key the portal is skipped.
Reading the answers is ``parsers.mss``' job.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import ClassVar

from paperwork.collectors.base import CollectorSettings, NotConfigured, PortalFetcher, RawItem
from paperwork.collectors.parsers.mss import PORTAL_ID, parse_api_response
from paperwork.collectors.sources.paging import capped, check_status

NUM_OF_ROWS = 100
MAX_PAGES = 50


class MssSource:
    portal_id: ClassVar[str] = PORTAL_ID

    def __init__(self, fetcher: PortalFetcher, settings: CollectorSettings) -> None:
        self._fetcher = fetcher
        self._settings = settings

    @staticmethod
    def check_configured(settings: CollectorSettings) -> None:
        if not settings.data_go_kr_key:
            raise NotConfigured(
                "mss needs a data.go.kr service key (it has no public HTML list): "
                "set PAPERWORK_DATA_GO_KR_KEY"
            )

    def fetch(self, *, max_items: int | None = None) -> AsyncIterator[RawItem]:
        self.check_configured(self._settings)
        return capped(self._pages(), max_items)

    async def _pages(self) -> AsyncGenerator[RawItem, None]:
        seen: set[str] = set()
        for page_no in range(1, MAX_PAGES + 1):
            params = {
                "serviceKey": self._settings.data_go_kr_key or "",
                "pageNo": str(page_no),
                "numOfRows": str(NUM_OF_ROWS),
            }
            response = await self._fetcher.get(self._settings.mss_api_url, params=params)
            check_status(response, portal=PORTAL_ID)
            page = parse_api_response(response.content)
            for item in page.items:
                if item.external_id and item.external_id in seen:
                    continue
                seen.add(item.external_id)
                yield item
            if not page.items or (page.total is not None and page_no * NUM_OF_ROWS >= page.total):
                return
