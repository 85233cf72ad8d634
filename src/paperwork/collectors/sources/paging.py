"""Walking a portal's pages, shared by the sources: the item cap, the status guard, and the
HTML list → detail walk bizinfo and K-Startup both use without a key.

The two portals' HTML fallbacks differ only in URLs, query parameters, their parsers and how a
detail page's fields join the list row; the walk itself (dedupe across pages, stop on a short or
repeated page, one failing detail page costing only that item its body) lives here once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import httpx

from paperwork.collectors.base import (
    CollectorError,
    PortalFetcher,
    RawItem,
    StructuralError,
    TransientError,
)

Payload = dict[str, Any]


def check_status(response: httpx.Response, *, portal: str) -> None:
    """The shared client already raises on bad statuses; this guards simpler fetchers."""
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"{portal}: HTTP {response.status_code} from {response.url}")
    if response.status_code >= 400:
        raise StructuralError(f"{portal}: HTTP {response.status_code} from {response.url}")


async def capped(
    source: AsyncGenerator[RawItem, None], max_items: int | None
) -> AsyncIterator[RawItem]:
    """At most ``max_items`` of ``source``; the source is closed (no further page is fetched)
    as soon as the cap is reached."""
    if max_items is not None and max_items <= 0:
        await source.aclose()
        return
    count = 0
    async with aclosing(source) as items:
        async for item in items:
            yield item
            count += 1
            if max_items is not None and count >= max_items:
                return


@dataclass(frozen=True)
class HtmlListing:
    """What one portal's HTML list-and-detail walk needs to know."""

    portal_id: str
    list_url: str
    page_rows: int  # rows on a full list page: fewer means the last page
    max_pages: int  # stops a portal that loops
    id_key: str  # the list row's id field
    list_params: Callable[[int], dict[str, str]]  # the query of list page n (from 1)
    parse_list: Callable[[bytes], list[Payload]]
    to_item: Callable[[Payload], RawItem]
    detail_url: Callable[[str], str]  # by external id, for a row without its own link
    parse_detail: Callable[[bytes], Payload]
    merge_detail: Callable[[Payload, Payload], None]  # detail fields into the row's payload
    no_rows: str  # the StructuralError's message when page 1 has no rows


async def list_and_details(
    fetcher: PortalFetcher, listing: HtmlListing
) -> AsyncGenerator[RawItem, None]:
    """Every row of the list pages, each enriched by its detail page, in list order."""
    seen: set[object] = set()
    for page_no in range(1, listing.max_pages + 1):
        response = await fetcher.get(
            listing.list_url, params=listing.list_params(page_no), html=True
        )
        check_status(response, portal=listing.portal_id)
        rows = listing.parse_list(response.content)
        if not rows and page_no == 1:
            raise StructuralError(listing.no_rows)
        fresh = [row for row in rows if row[listing.id_key] not in seen]
        if not fresh:
            return  # past the last page the portal repeats the last one or shows nothing
        for row in fresh:
            seen.add(row[listing.id_key])
            yield await _with_detail(fetcher, listing, listing.to_item(row))
        if len(rows) < listing.page_rows:
            return


async def _with_detail(fetcher: PortalFetcher, listing: HtmlListing, item: RawItem) -> RawItem:
    """The list row enriched by its detail page; the row alone if the page fails."""
    payload = dict(item.payload)
    url = item.url or listing.detail_url(item.external_id)
    try:
        response = await fetcher.get(url, html=True)
        check_status(response, portal=listing.portal_id)
        listing.merge_detail(payload, listing.parse_detail(response.content))
    except CollectorError as exc:
        # One broken, deleted (404) or unreachable detail page costs that item its body, not
        # the run: the list row still has title, period and agencies.
        payload["detail_error"] = str(exc)
    return RawItem(portal_id=item.portal_id, external_id=item.external_id, url=url, payload=payload)
