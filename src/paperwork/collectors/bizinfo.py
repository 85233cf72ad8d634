"""기업마당 (bizinfo.go.kr): the Open API with a key, the public HTML pages without one.

Pure parsers (``parse_api_response``, ``bizinfo_html.parse_list_page`` / ``parse_detail_page``,
``normalize_item``) are kept apart from ``BizinfoCollector``, which only fetches and pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, ClassVar

from paperwork.collectors import register
from paperwork.collectors._parsing import Page, capped, check_status, load_json, to_int
from paperwork.collectors.base import (
    CollectorError,
    CollectorSettings,
    ItemError,
    NormalizedProgram,
    PortalFetcher,
    RawItem,
    StructuralError,
)
from paperwork.collectors.bizinfo_html import (
    LIST_PATH,
    PAGE_ROWS,
    detail_url,
    parse_detail_page,
    parse_list_page,
)
from paperwork.collectors.normalize import (
    absolute_url,
    announcement_fields,
    attachments_from_joined,
    clean_multiline,
    clean_text,
    dedupe_attachments,
    parse_period,
    period_fields,
    regions_in,
)

PORTAL_ID = "bizinfo"
DEFAULT_BASE_URL = "https://www.bizinfo.go.kr"
API_PATH = "/uss/rss/bizinfoApi.do"
API_PAGE_UNIT = 100
MAX_PAGES = 200  # 20,000 items: far above the ≈1,500 open ones; stops a portal that loops
# excInsttNm sometimes names a kind of body, not a body: then the ministry is the better answer.
_AGENCY_KINDS = {"직접수행", "기초자치단체", "광역자치단체", "민간", "공공기관", "해당없음", "-"}


def _raw_item(payload: dict[str, Any], base_url: str) -> RawItem:
    external_id = str(payload.get("pblancId") or "").strip()
    url = absolute_url(payload.get("pblancUrl"), base_url)
    if url is None and external_id:
        url = detail_url(base_url, external_id)
    return RawItem(portal_id=PORTAL_ID, external_id=external_id, url=url, payload=payload)


def parse_api_response(body: bytes | str, base_url: str = DEFAULT_BASE_URL) -> Page:
    """One page of ``bizinfoApi.do?dataType=json``, live or documented shape.

    Raises ``StructuralError`` for ``{"reqErr": ...}`` (answered with HTTP 200), for text that is
    not JSON, and for a JSON shape without ``jsonArray``.
    """
    data = load_json(body, portal=PORTAL_ID)
    if not isinstance(data, dict):
        raise StructuralError("bizinfo: the API answer is not a JSON object")
    if "reqErr" in data:
        raise StructuralError(
            f"bizinfo: the API refused the request: {data['reqErr']} "
            "(check PAPERWORK_BIZINFO_API_KEY)"
        )
    if "jsonArray" not in data:
        raise StructuralError(f"bizinfo: unknown API answer, keys {sorted(data)[:8]}")
    container = data["jsonArray"]
    # Live: {"jsonArray": [...]}; documented: {"jsonArray": {"title": ..., "item": [...]}};
    # either may hold one object where a list is expected.
    if isinstance(container, dict) and "pblancId" not in container:
        container = container.get("item", [])
    if isinstance(container, dict):
        container = [container]
    if not isinstance(container, list):
        raise StructuralError("bizinfo: jsonArray is neither a list nor an object")
    payloads = [entry for entry in container if isinstance(entry, dict)]
    total = to_int(data.get("totCnt"))
    if total is None and payloads:
        total = to_int(payloads[0].get("totCnt"))  # live answers repeat totCnt in every item
    return Page(items=[_raw_item(p, base_url) for p in payloads], total=total)


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value is None else str(value)


def normalize_item(
    item: RawItem, *, today: dt.date, base_url: str = DEFAULT_BASE_URL
) -> NormalizedProgram:
    """A bizinfo payload (API or HTML-derived) → ``NormalizedProgram``; ``ItemError`` if bad."""
    p = item.payload
    external_id = str(p.get("pblancId") or item.external_id or "").strip()
    title = clean_text(_text(p, "pblancNm"))
    if not external_id or not title:
        raise ItemError(f"bizinfo item without pblancId or pblancNm: {external_id or '?'}")
    period = parse_period(_text(p, "reqstBeginEndDe"))
    description = clean_multiline(_text(p, "bsnsSumryCn"))
    full_text = "\n".join(
        part
        for part in (
            description,
            clean_multiline(_text(p, "reqstMthPapersCn")),
            clean_multiline(_text(p, "detailText")),
        )
        if part
    )
    agency = clean_text(_text(p, "excInsttNm"))
    if agency is None or agency in _AGENCY_KINDS:
        agency = clean_text(_text(p, "jrsdInsttNm")) or agency
    # Hashtags are the portal's own region tags; a "[충북]" title or a provincial ministry
    # (HTML rows carry no hashtags) only speak when the tags name no province.
    regions = (
        regions_in(_text(p, "hashtags") or _text(p, "hashTags"))
        or regions_in(title)
        or regions_in(_text(p, "jrsdInsttNm"))
    )
    pairs: list[tuple[str | None, str | None]] = [
        (_text(p, "printFileNm"), _text(p, "printFlpthNm")),
        *attachments_from_joined(_text(p, "fileNm"), _text(p, "flpthNm")),
    ]
    files = p.get("files")
    if isinstance(files, list):
        pairs += [(f.get("name"), f.get("url")) for f in files if isinstance(f, dict)]
    return NormalizedProgram(
        portal_id=PORTAL_ID,
        external_id=external_id,
        title=title,
        implementing_agency=agency,
        **period_fields(period, today),
        support_field=clean_text(_text(p, "pldirSportRealmLclasCodeNm")),
        region=", ".join(regions) if regions else "전국",
        target_audience=clean_text(_text(p, "trgetNm")),
        description=description,
        **announcement_fields(full_text),
        attachments=dedupe_attachments(pairs, base_url),
        detail_url=item.url or absolute_url(_text(p, "pblancUrl"), base_url),
        view_count=to_int(p.get("inqireCo")) or 0,
    )


@register
class BizinfoCollector:
    portal_id: ClassVar[str] = PORTAL_ID

    def __init__(self, fetcher: PortalFetcher, settings: CollectorSettings) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._base = settings.bizinfo_url.rstrip("/")

    def check_configured(self) -> None:
        """Always collectable: without a key the public HTML pages are used."""

    def fetch(self, *, max_items: int | None = None) -> AsyncIterator[RawItem]:
        return capped(
            self._from_api() if self._settings.bizinfo_api_key else self._from_html(), max_items
        )

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

    async def _from_html(self) -> AsyncGenerator[RawItem, None]:
        seen: set[str] = set()
        for cpage in range(1, MAX_PAGES + 1):
            params = {"rows": str(PAGE_ROWS), "cpage": str(cpage), "schEndAt": "N"}
            url = f"{self._base}{LIST_PATH}"
            response = await self._fetcher.get(url, params=params, html=True)
            check_status(response, portal=PORTAL_ID)
            rows = parse_list_page(response.content, self._base)
            if not rows and cpage == 1:
                raise StructuralError(
                    "bizinfo: the announcement list has no rows on page 1; the site structure "
                    "changed and the HTML parser needs an update"
                )
            fresh = [row for row in rows if row["pblancId"] not in seen]
            if not fresh:
                return  # past the last page the portal repeats the last one or shows nothing
            for row in fresh:
                seen.add(row["pblancId"])
                yield await self._with_detail(_raw_item(row, self._base))
            if len(rows) < PAGE_ROWS:
                return

    async def _with_detail(self, item: RawItem) -> RawItem:
        """The list row enriched by its detail page; the row alone if the page fails."""
        payload = dict(item.payload)
        url = item.url or detail_url(self._base, item.external_id)
        try:
            response = await self._fetcher.get(url, html=True)
            check_status(response, portal=PORTAL_ID)
            payload.update(parse_detail_page(response.content, self._base))
        except CollectorError as exc:
            # One broken, deleted (404) or unreachable detail page costs that item its body,
            # not the run: the list row still has title, period and agencies.
            payload["detail_error"] = str(exc)
        return RawItem(
            portal_id=item.portal_id, external_id=item.external_id, url=url, payload=payload
        )

    def normalize(self, item: RawItem, *, today: dt.date) -> NormalizedProgram:
        return normalize_item(item, today=today, base_url=self._base)

    def parse_saved(self, body: bytes) -> list[RawItem]:
        """Every item of a saved ``bizinfoApi.do`` JSON answer (either shape)."""
        return parse_api_response(body, self._base).items
