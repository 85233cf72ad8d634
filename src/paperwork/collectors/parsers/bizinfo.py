"""기업마당 (bizinfo.go.kr), pure: its Open API answer and one item of it (API- or HTML-derived)
as a ``NormalizedProgram``. The HTML pages are read by ``bizinfo_html``; fetching them is
``sources.bizinfo``'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from paperwork.collectors.base import (
    CollectorSettings,
    ItemError,
    NormalizedProgram,
    RawItem,
    StructuralError,
)
from paperwork.collectors.normalize.fields import announcement_fields, period_fields
from paperwork.collectors.normalize.links import (
    absolute_url,
    attachments_from_joined,
    dedupe_attachments,
)
from paperwork.collectors.normalize.periods import parse_period
from paperwork.collectors.normalize.regions import regions_in
from paperwork.collectors.normalize.text import clean_multiline, clean_text
from paperwork.collectors.parsers.bizinfo_html import detail_url
from paperwork.collectors.parsers.common import Page, load_json, to_int

PORTAL_ID = "bizinfo"
# excInsttNm sometimes names a kind of body, not a body: then the ministry is the better answer.
_AGENCY_KINDS = {"직접수행", "기초자치단체", "광역자치단체", "민간", "공공기관", "해당없음", "-"}


def raw_item(payload: dict[str, Any], base_url: str) -> RawItem:
    """An API (or HTML list) payload as a ``RawItem``, its URL made absolute."""
    external_id = str(payload.get("pblancId") or "").strip()
    url = absolute_url(payload.get("pblancUrl"), base_url)
    if url is None and external_id:
        url = detail_url(base_url, external_id)
    return RawItem(portal_id=PORTAL_ID, external_id=external_id, url=url, payload=payload)


def parse_api_response(body: bytes | str, base_url: str) -> Page:
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
    return Page(items=[raw_item(p, base_url) for p in payloads], total=total)


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value is None else str(value)


def normalize_item(item: RawItem, *, today: dt.date, base_url: str) -> NormalizedProgram:
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


@dataclass(frozen=True)
class BizinfoParser:
    """bizinfo's ``Parser``: the site URL bound, no key, no client (picklable for the pool)."""

    portal_id: ClassVar[str] = PORTAL_ID
    base_url: str

    @classmethod
    def from_settings(cls, settings: CollectorSettings) -> BizinfoParser:
        return cls(settings.bizinfo_url.rstrip("/"))

    def normalize(self, item: RawItem, *, today: dt.date) -> NormalizedProgram:
        return normalize_item(item, today=today, base_url=self.base_url)

    def parse_saved(self, body: bytes) -> list[RawItem]:
        """Every item of a saved ``bizinfoApi.do`` JSON answer (either shape)."""
        return parse_api_response(body, self.base_url).items
