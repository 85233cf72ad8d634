"""K-Startup's public HTML pages (the fallback without a data.go.kr key), as API-shaped payloads.
Pure: page bytes or text in; ``sources.kstartup`` fetches them.

Attachments (``/afile/fileDownload/<KEY>``) are recorded as links and never downloaded:
robots.txt disallows ``/afile*/``.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import Tag

from paperwork.collectors.base import ItemError
from paperwork.collectors.normalize.links import absolute_url
from paperwork.collectors.parsers.common import as_text, href_of, soup_of, tag_text, to_int

LIST_PATH = "/web/contents/bizpbanc-ongoing.do"
PAGE_ROWS = 15
LIST_MARKER = 'id="bizPbancList"'

_GO_VIEW = re.compile(r"go_view\(\s*'?(\d+)'?\s*\)")
_LABELLED = {
    "등록일자": "reg_dt",
    "시작일자": "pbanc_rcpt_bgng_dt",
    "마감일자": "pbanc_rcpt_end_dt",
    "조회": "inqr_cnt",
}
# Detail page labels (p.tit) → API field.
_DETAIL_LABELS = {
    "지원분야": "supt_biz_clsfc",
    "지역": "supt_regin",
    "주관기관명": "pbanc_ntrp_nm",
    "주관기관": "pbanc_ntrp_nm",
    "기관구분": "sprv_inst",
    "접수기간": "period_text",
    "대상": "aply_trgt",
    "창업업력": "biz_enyy",
    "대상연령": "biz_trgt_age",
    "담당부서": "biz_prch_dprt_nm",
    "연락처": "prch_cnpl_no",
}


def detail_url(site_url: str, pbanc_sn: int | str) -> str:
    return f"{site_url.rstrip('/')}{LIST_PATH}?schM=view&pbancSn={pbanc_sn}"


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    return list(value) if isinstance(value, list) else []


def _row(li: Tag, site_url: str) -> dict[str, Any] | None:
    found = _GO_VIEW.search(str(li))
    if found is None:
        return None
    payload: dict[str, Any] = {
        "pbanc_sn": int(found.group(1)),
        "rcrt_prgs_yn": "Y",  # the "ongoing" list holds only announcements that recruit now
        "_source": "html",
    }
    for span in li.select("span.flag"):
        classes = _classes(span)
        if "day" in classes:
            payload["d_day"] = tag_text(span)
        elif any(re.fullmatch(r"type\d+", c) for c in classes):
            payload["supt_biz_clsfc"] = tag_text(span)
    agency_kind = li.select_one("span.flag_agency")
    if agency_kind is not None:
        payload["sprv_inst"] = tag_text(agency_kind)
    title = li.select_one("p.tit")
    payload["biz_pbanc_nm"] = tag_text(title)
    for span in li.select("span.list"):
        text = tag_text(span)
        label, _, value = text.partition(" ")
        key = _LABELLED.get(label)
        if key == "inqr_cnt":
            payload[key] = to_int(value)
        elif key:
            payload[key] = value.strip()
        elif text and "pbanc_ntrp_nm" not in payload:
            payload["pbanc_ntrp_nm"] = text  # the first unlabelled cell names the organiser
    payload["detl_pg_url"] = detail_url(site_url, payload["pbanc_sn"])
    return payload


def parse_list_page(body: bytes | str, site_url: str) -> list[dict[str, Any]]:
    """``li.notice`` rows after ``id="bizPbancList"``; the carousel above repeats items."""
    text = as_text(body)
    marker = text.find(LIST_MARKER)
    if marker < 0:
        return []
    soup = soup_of(text[text.rfind("<", 0, marker) :])
    rows: list[dict[str, Any]] = []
    for li in soup.select("li.notice"):
        row = _row(li, site_url)
        if row is not None and all(r["pbanc_sn"] != row["pbanc_sn"] for r in rows):
            rows.append(row)
    return rows


def _attachment_name(holder: Tag, link: Tag) -> str | None:
    named = holder.select_one("a.file_bg") or link
    title = named.get("title")
    text = title if isinstance(title, str) and title.strip() else tag_text(named)
    text = re.sub(r"^\s*\[첨부파일\]\s*", "", text)
    text = re.sub(r"\s*(다운로드|바로보기)\s*$", "", text).strip()
    return text or None


def parse_detail_page(body: bytes | str, site_url: str) -> dict[str, Any]:
    """Labelled fields (API names), ``pbanc_ctnt`` (the body's HTML) and ``files``.

    Raises ``ItemError`` when the page has none of them: the detail layout changed.
    """
    soup = soup_of(body)
    fields: dict[str, Any] = {}
    for label in soup.select("p.tit"):
        key = _DETAIL_LABELS.get(re.sub(r"\s+", "", tag_text(label)))
        value = label.find_next_sibling("p", class_="txt")
        if key and isinstance(value, Tag) and tag_text(value):
            fields[key] = tag_text(value)
    content = soup.select_one(".information_list-wrap")
    if content is not None:
        fields["pbanc_ctnt"] = content.decode_contents().strip()
    files: list[dict[str, str]] = []
    for link in soup.select("a.btn_down, a.file_bg"):
        url = absolute_url(href_of(link), site_url)
        if url is None or "/afile/" not in url or any(f["url"] == url for f in files):
            continue  # a.file_bg is often a javascript: preview; the download is a.btn_down
        holder = link.find_parent("li") or link.parent
        name = _attachment_name(holder, link) if isinstance(holder, Tag) else None
        files.append({"name": name or "", "url": url})
    if not fields and not files:
        raise ItemError("kstartup detail page has no labelled fields or body")
    fields["files"] = files
    return fields
