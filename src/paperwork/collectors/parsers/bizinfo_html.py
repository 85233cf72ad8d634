"""bizinfo's public HTML pages (the fallback without an API key), parsed into API-shaped
payloads. Pure: page bytes or text in; ``sources.bizinfo`` fetches them.

The list and detail pages are mapped onto the Open API's field names, so one ``normalize_item``
serves both. Attachments are recorded as links, never fetched (robots.txt).
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import Tag

from paperwork.collectors.base import ItemError
from paperwork.collectors.normalize.links import absolute_url
from paperwork.collectors.parsers.common import href_of, soup_of, tag_text

LIST_PATH = "/sii/siia/selectSIIA200View.do"
DETAIL_PATH = "/sii/siia/selectSIIA200Detail.do"
PAGE_ROWS = 15

_ID = re.compile(r"pblancId=(PBLN_\d+)")
# List column header → API field. Mapping by header (not position) survives a reordered table.
_COLUMNS = {
    "지원분야": "pldirSportRealmLclasCodeNm",
    "공고명": "pblancNm",
    "신청기간": "reqstBeginEndDe",
    "소관부처": "jrsdInsttNm",
    "소관부처·지자체": "jrsdInsttNm",
    "수행기관": "excInsttNm",
    "사업수행기관": "excInsttNm",
    "등록일": "creatPnttm",
    "조회": "inqireCo",
    "조회수": "inqireCo",
}
# Detail page labels (span.s_title) → API field.
_DETAIL_LABELS = {
    "소관부처·지자체": "jrsdInsttNm",
    "소관부처": "jrsdInsttNm",
    "사업수행기관": "excInsttNm",
    "수행기관": "excInsttNm",
    "신청기간": "reqstBeginEndDe",
    "사업개요": "bsnsSumryCn",
    "지원대상": "trgetNm",
    "사업신청방법": "reqstMthPapersCn",
    "신청방법": "reqstMthPapersCn",
    "문의처": "refrncNm",
    "사업신청사이트": "rceptEngnHmpgUrl",
}
_GENERIC_LINK_WORDS = {"다운로드", "바로보기", "미리보기", "내려받기", "파일다운로드", "보기"}


def detail_url(base_url: str, pblanc_id: str) -> str:
    return f"{base_url.rstrip('/')}{DETAIL_PATH}?pblancId={pblanc_id}"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_list_page(body: bytes | str, base_url: str) -> list[dict[str, Any]]:
    """Rows of the announcement table as API-shaped payloads (``_source`` = ``"html"``)."""
    soup = soup_of(body)
    rows: list[dict[str, Any]] = []
    for table in soup.find_all("table"):
        headers = [_squash(tag_text(th)) for th in table.find_all("th")]
        if "공고명" not in headers:
            continue
        keys = [_COLUMNS.get(header) for header in headers]
        body_rows = table.select("tbody tr") or table.find_all("tr")[1:]
        for tr in body_rows:
            cells = tr.find_all("td")
            link = tr.find("a", href=_ID)
            found = _ID.search(str(tr))
            if len(cells) < 3 or found is None:
                continue  # the "등록된 공고가 없습니다" row has one cell and no link
            payload: dict[str, Any] = {"pblancId": found.group(1), "_source": "html"}
            for key, cell in zip(keys, cells, strict=False):
                if key:
                    payload[key] = tag_text(cell)
            if isinstance(link, Tag):
                payload["pblancNm"] = tag_text(link) or payload.get("pblancNm")
                payload["pblancUrl"] = absolute_url(href_of(link), base_url)
            payload.setdefault("pblancUrl", detail_url(base_url, found.group(1)))
            rows.append(payload)
    return rows


def _file_name(link: Tag) -> str | None:
    title = link.get("title")
    if isinstance(title, str) and _squash(title) not in _GENERIC_LINK_WORDS:
        return re.sub(r"\s*(다운로드|바로보기|미리보기)$", "", title.strip()) or None
    holder = link.find_parent("li") or link.parent
    if isinstance(holder, Tag):
        named = holder.select_one(".file_name, .name, .tit")
        if named is not None and tag_text(named):
            return tag_text(named)
    text = tag_text(link)
    return text if text and _squash(text) not in _GENERIC_LINK_WORDS else None


def parse_detail_page(body: bytes | str, base_url: str) -> dict[str, Any]:
    """Fields of a detail page (API names), ``detailText`` (the body's HTML) and ``files``.

    Raises ``ItemError`` when the page has neither ``div.view_cont`` nor ``#print_area``.
    """
    soup = soup_of(body)
    container = soup.select_one("div.view_cont") or soup.select_one("#print_area")
    if container is None:
        raise ItemError("bizinfo detail page has no div.view_cont or #print_area")
    fields: dict[str, Any] = {}
    for label in container.select(".s_title"):
        key = _DETAIL_LABELS.get(_squash(tag_text(label)))
        value = label.find_next_sibling(class_="txt")
        if key and isinstance(value, Tag):
            fields[key] = value.decode_contents().strip()
    fields["detailText"] = container.decode_contents()
    files: list[dict[str, str]] = []
    for link in soup.select("a[href*='getImageFile.do']"):
        url = absolute_url(href_of(link), base_url)
        if url and all(f["url"] != url for f in files):
            files.append({"name": _file_name(link) or "", "url": url})
    fields["files"] = files
    return fields
