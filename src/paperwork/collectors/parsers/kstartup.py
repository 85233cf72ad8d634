"""K-Startup (창업진흥원), pure: its data.go.kr API answer and one item of it (API- or
HTML-derived) as a ``NormalizedProgram``. ``pbanc_sn`` is the external id; ``id`` is only a row
number of the answer. The HTML pages are read by ``kstartup_html``; fetching is
``sources.kstartup``'s job.
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
from paperwork.collectors.normalize.links import absolute_url, dedupe_attachments
from paperwork.collectors.normalize.periods import parse_period, period_from_fields
from paperwork.collectors.normalize.text import clean_multiline, clean_text, split_list
from paperwork.collectors.parsers.common import Page, load_json, to_int
from paperwork.collectors.parsers.kstartup_html import detail_url
from paperwork.vocabulary import PeriodKind

PORTAL_ID = "kstartup"


def raw_item(payload: dict[str, Any], site_url: str) -> RawItem:
    """An API (or HTML list) payload as a ``RawItem``, its URL made absolute."""
    sn = payload.get("pbanc_sn")
    external_id = "" if sn is None else str(sn).strip()
    url = absolute_url(payload.get("detl_pg_url"), site_url)
    if url is None and external_id:
        url = detail_url(site_url, external_id)
    return RawItem(portal_id=PORTAL_ID, external_id=external_id, url=url, payload=payload)


def parse_api_response(body: bytes | str, site_url: str) -> Page:
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
    return Page(items=[raw_item(p, site_url) for p in payloads], total=total)


def is_recruiting(item: RawItem) -> bool:
    """The API ignores every filter but this one, and not always: checked again per item."""
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


def normalize_item(item: RawItem, *, today: dt.date, site_url: str) -> NormalizedProgram:
    """A K-Startup payload (API or HTML-derived) → ``NormalizedProgram``; ``ItemError`` if bad."""
    p = item.payload
    sn = p.get("pbanc_sn")
    external_id = str(sn).strip() if sn is not None else item.external_id
    title = clean_text(_text(p, "biz_pbanc_nm"))
    if not external_id or not title:
        raise ItemError(f"kstartup item without pbanc_sn or biz_pbanc_nm: {external_id or '?'}")
    period = period_from_fields(_text(p, "pbanc_rcpt_bgng_dt"), _text(p, "pbanc_rcpt_end_dt"))
    if period.kind == PeriodKind.unknown and p.get("period_text"):
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


def newest_first(item: RawItem) -> tuple[int, str]:
    """Sort key: ``pbanc_sn`` grows with every new announcement."""
    return (-(to_int(item.payload.get("pbanc_sn")) or 0), item.external_id)


@dataclass(frozen=True)
class KStartupParser:
    """K-Startup's ``Parser``: the site URL bound, no key, no client (picklable for the pool)."""

    portal_id: ClassVar[str] = PORTAL_ID
    site_url: str

    @classmethod
    def from_settings(cls, settings: CollectorSettings) -> KStartupParser:
        return cls(settings.kstartup_url.rstrip("/"))

    def normalize(self, item: RawItem, *, today: dt.date) -> NormalizedProgram:
        return normalize_item(item, today=today, site_url=self.site_url)

    def parse_saved(self, body: bytes) -> list[RawItem]:
        """Every item of a saved API JSON answer, recruiting or not (a closed one shows 마감)."""
        return parse_api_response(body, self.site_url).items
