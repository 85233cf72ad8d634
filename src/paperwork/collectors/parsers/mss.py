"""중소벤처기업부 사업공고, pure: its data.go.kr XML answer (``getbizList_v2``) and one item of it
as a ``NormalizedProgram``. XML is parsed with defusedxml: the answer comes from the network.
Fetching is ``sources.mss``' job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from paperwork.collectors.base import (
    CollectorSettings,
    ItemError,
    NormalizedProgram,
    RawItem,
    StructuralError,
)
from paperwork.collectors.normalize.fields import announcement_fields, period_fields
from paperwork.collectors.normalize.links import absolute_url, dedupe_attachments
from paperwork.collectors.normalize.periods import period_from_fields
from paperwork.collectors.normalize.regions import regions_in
from paperwork.collectors.normalize.text import clean_multiline, clean_text
from paperwork.collectors.parsers.common import Page, as_text, data_go_kr_error, to_int

PORTAL_ID = "mss"
AGENCY = "중소벤처기업부"
SITE_URL = "https://www.mss.go.kr"
REPEATED = ("fileName", "fileUrl")  # one element for one file, repeated for several


def _item_payload(element: Element) -> dict[str, Any]:
    payload: dict[str, Any] = {name: [] for name in REPEATED}
    for child in element:
        value = (child.text or "").strip()
        if child.tag in REPEATED:
            payload[child.tag].append(value)
        else:
            payload[child.tag] = value or None
    return payload


def parse_api_response(body: bytes | str) -> Page:
    """One page of ``getbizList_v2``.

    Raises ``StructuralError`` for malformed XML, the gateway's error envelope, a non-``00``
    ``resultCode`` (with the portal's ``resultMsg``) and an answer without ``<body>``.
    """
    gateway = data_go_kr_error(as_text(body))
    if gateway:
        raise StructuralError(f"mss: the API refused the request ({gateway})")
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        raise StructuralError(f"mss: the API answered malformed XML ({exc})") from exc
    code = (root.findtext("header/resultCode") or "").strip()
    if code != "00":
        message = (root.findtext("header/resultMsg") or "").strip() or "no resultMsg"
        raise StructuralError(f"mss: the API answered resultCode {code or '?'}: {message}")
    body_element = root.find("body")
    if body_element is None:
        raise StructuralError("mss: the API answer has no <body>")
    items = []
    for element in body_element.iterfind("items/item"):
        payload = _item_payload(element)
        url = absolute_url(payload.get("viewUrl"), SITE_URL)
        items.append(
            RawItem(
                portal_id=PORTAL_ID,
                external_id=str(payload.get("itemId") or "").strip(),
                url=url,
                payload=payload,
            )
        )
    return Page(items=items, total=to_int(body_element.findtext("totalCount")))


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value is None else str(value)


def normalize_item(item: RawItem, *, today: dt.date) -> NormalizedProgram:
    """An mss payload → ``NormalizedProgram``; ``ItemError`` without itemId or title."""
    p = item.payload
    external_id = str(p.get("itemId") or item.external_id or "").strip()
    title = clean_text(_text(p, "title"))
    if not external_id or not title:
        raise ItemError(f"mss item without itemId or title: {external_id or '?'}")
    period = period_from_fields(_text(p, "applicationStartDate"), _text(p, "applicationEndDate"))
    description = clean_multiline(_text(p, "dataContents"))
    names = p.get("fileName") or []
    urls = p.get("fileUrl") or []
    pairs = [
        (names[i] if i < len(names) else None, url) for i, url in enumerate(urls)
    ]  # a URL without a name still deserves a link; a name without a URL does not
    regions = regions_in(title)
    return NormalizedProgram(
        portal_id=PORTAL_ID,
        external_id=external_id,
        title=title,
        implementing_agency=AGENCY,
        **period_fields(period, today),
        # The API has no region field: a "[경남]" title names one, otherwise we do not guess.
        region=", ".join(regions) if regions else None,
        description=description,
        **announcement_fields(description),
        attachments=dedupe_attachments(pairs, SITE_URL),
        detail_url=item.url or absolute_url(_text(p, "viewUrl"), SITE_URL),
    )


@dataclass(frozen=True)
class MssParser:
    """mss' ``Parser``: its links point at www.mss.go.kr whatever the API's URL: nothing bound."""

    portal_id: ClassVar[str] = PORTAL_ID

    @classmethod
    def from_settings(cls, settings: CollectorSettings) -> MssParser:
        return cls()

    def normalize(self, item: RawItem, *, today: dt.date) -> NormalizedProgram:
        return normalize_item(item, today=today)

    def parse_saved(self, body: bytes) -> list[RawItem]:
        """Every item of a saved ``getbizList_v2`` XML answer."""
        return parse_api_response(body).items
