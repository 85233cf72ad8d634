"""K-Startup (창업진흥원): the data.go.kr API with a key, the public HTML pages without one.

The API ignores every filter except ``cond[rcrt_prgs_yn::EQ]=Y``, so recruiting is checked
again here. ``pbanc_sn`` is the external id; ``id`` is only a row number of the answer.
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
from paperwork.collectors.kstartup_html import (
    LIST_PATH,
    PAGE_ROWS,
    detail_url,
    parse_detail_page,
    parse_list_page,
)
from paperwork.collectors.normalize import (
    absolute_url,
    announcement_fields,
    clean_multiline,
    clean_text,
    dedupe_attachments,
    parse_period,
    period_fields,
    period_from_fields,
    split_list,
)

PORTAL_ID = "kstartup"
DEFAULT_SITE_URL = "https://www.k-startup.go.kr"
PER_PAGE = 100
MAX_PAGES = 100  # the recruiting set is a few hundred items; stops a gateway that loops


def _raw_item(payload: dict[str, Any], site_url: str) -> RawItem:
    sn = payload.get("pbanc_sn")
    external_id = "" if sn is None else str(sn).strip()
    url = absolute_url(payload.get("detl_pg_url"), site_url)
    if url is None and external_id:
        url = detail_url(site_url, external_id)
    return RawItem(portal_id=PORTAL_ID, external_id=external_id, url=url, payload=payload)


def parse_api_response(body: bytes | str, site_url: str = DEFAULT_SITE_URL) -> Page:
    """One page of ``getAnnouncementInformation01`` (returnType=json).

    ``total`` is ``matchCount`` (after the recruiting filter). Raises ``StructuralError`` for the
    gateway's XML error envelope, non-JSON text and an answer without a ``data`` list.
    """
    data = load_json(body, portal=PORTAL_ID)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        detail: object = "not a JSON object"
        if isinstance(data, dict):
            detail = data.get("msg") or data.get("message") or f"keys {sorted(data)[:8]}"
        raise StructuralError(f"kstartup: the API answer has no data list ({detail})")
    payloads = [entry for entry in data["data"] if isinstance(entry, dict)]
    total = to_int(data.get("matchCount"))
    if total is None:
        total = to_int(data.get("totalCount"))
    return Page(items=[_raw_item(p, site_url) for p in payloads], total=total)


def is_recruiting(item: RawItem) -> bool:
    return str(item.payload.get("rcrt_prgs_yn") or "").strip().upper() == "Y"


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value is None else str(value)


def _target(payload: dict[str, Any]) -> str | None:
    targets = ", ".join(split_list(_text(payload, "aply_trgt")))
    ages = ", ".join(split_list(_text(payload, "biz_enyy")))
    if targets and ages:
        return f"{targets} (업력 {ages})"
    return targets or (f"업력 {ages}" if ages else None)


def normalize_item(
    item: RawItem, *, today: dt.date, site_url: str = DEFAULT_SITE_URL
) -> NormalizedProgram:
    """A K-Startup payload (API or HTML-derived) → ``NormalizedProgram``; ``ItemError`` if bad."""
    p = item.payload
    sn = p.get("pbanc_sn")
    external_id = str(sn).strip() if sn is not None else item.external_id
    title = clean_text(_text(p, "biz_pbanc_nm"))
    if not external_id or not title:
        raise ItemError(f"kstartup item without pbanc_sn or biz_pbanc_nm: {external_id or '?'}")
    period = period_from_fields(_text(p, "pbanc_rcpt_bgng_dt"), _text(p, "pbanc_rcpt_end_dt"))
    if period.kind == "unknown" and p.get("period_text"):
        period = parse_period(_text(p, "period_text"))  # only the detail page gave a period
    description = clean_multiline(_text(p, "pbanc_ctnt"))
    full_text = "\n".join(
        part
        for part in (
            description,
            clean_multiline(_text(p, "aply_trgt_ctnt")),
            clean_multiline(_text(p, "prfn_matr")),
        )
        if part
    )
    files = p.get("files")
    pairs = (
        [(f.get("name"), f.get("url")) for f in files if isinstance(f, dict)]
        if isinstance(files, list)
        else []
    )
    return NormalizedProgram(
        portal_id=PORTAL_ID,
        external_id=external_id,
        title=title,
        implementing_agency=clean_text(_text(p, "pbanc_ntrp_nm")),
        **period_fields(period, today),
        # A comma list of fields; "시설ㆍ공간ㆍ보육" is one field (U+318D joins its words).
        support_field=", ".join(split_list(_text(p, "supt_biz_clsfc"))) or None,
        region=clean_text(_text(p, "supt_regin")),
        target_audience=_target(p),
        description=description,
        **announcement_fields(full_text),
        attachments=dedupe_attachments(pairs, site_url),
        detail_url=item.url or absolute_url(_text(p, "detl_pg_url"), site_url),
        view_count=to_int(p.get("inqr_cnt")) or 0,
    )


@register
class KStartupCollector:
    portal_id: ClassVar[str] = PORTAL_ID

    def __init__(self, fetcher: PortalFetcher, settings: CollectorSettings) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._site = settings.kstartup_url.rstrip("/")

    def check_configured(self) -> None:
        """Always collectable: without a data.go.kr key the public HTML pages are used."""

    def fetch(self, *, max_items: int | None = None) -> AsyncIterator[RawItem]:
        return capped(
            self._from_api() if self._settings.data_go_kr_key else self._from_html(), max_items
        )

    async def _from_api(self) -> AsyncGenerator[RawItem, None]:
        # The API's row order is not by date, so the (small) recruiting set is read whole and
        # sorted: pbanc_sn grows with every new announcement.
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
        for item in sorted(found.values(), key=_newest_first):
            yield item

    async def _from_html(self) -> AsyncGenerator[RawItem, None]:
        seen: set[int] = set()
        for page_no in range(1, MAX_PAGES + 1):
            params = {"page": str(page_no), "schStr": "", "pbancEndYn": "N"}
            url = f"{self._site}{LIST_PATH}"
            response = await self._fetcher.get(url, params=params, html=True)
            check_status(response, portal=PORTAL_ID)
            rows = parse_list_page(response.content, self._site)
            if not rows and page_no == 1:
                raise StructuralError(
                    'kstartup: no li.notice rows after id="bizPbancList" on page 1; the site '
                    "structure changed and the HTML parser needs an update"
                )
            fresh = [row for row in rows if row["pbanc_sn"] not in seen]
            if not fresh:
                return
            for row in fresh:
                seen.add(row["pbanc_sn"])
                yield await self._with_detail(_raw_item(row, self._site))
            if len(rows) < PAGE_ROWS:
                return

    async def _with_detail(self, item: RawItem) -> RawItem:
        """The list row enriched by its detail page; the row alone if the page fails."""
        payload = dict(item.payload)
        url = item.url or detail_url(self._site, item.external_id)
        try:
            response = await self._fetcher.get(url, html=True)
            check_status(response, portal=PORTAL_ID)
            detail = parse_detail_page(response.content, self._site)
            # The list row's dates are exact; the detail's labelled copy only fills gaps.
            payload.update({k: v for k, v in detail.items() if not payload.get(k)})
        except CollectorError as exc:
            payload["detail_error"] = str(exc)  # one bad page costs that item its body only
        return RawItem(
            portal_id=item.portal_id, external_id=item.external_id, url=url, payload=payload
        )

    def normalize(self, item: RawItem, *, today: dt.date) -> NormalizedProgram:
        return normalize_item(item, today=today, site_url=self._site)

    def parse_saved(self, body: bytes) -> list[RawItem]:
        """Every item of a saved API JSON answer, recruiting or not (a closed one shows 마감)."""
        return parse_api_response(body, self._site).items


def _newest_first(item: RawItem) -> tuple[int, str]:
    return (-(to_int(item.payload.get("pbanc_sn")) or 0), item.external_id)
