"""The list as files: CSV for spreadsheets, iCalendar deadlines, an RSS 2.0 feed. Pure
functions of list items (``v1_service.program_fields``), so they are tested on plain data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from email.utils import format_datetime
from typing import Any

from icalendar import Calendar, Event

from paperwork.programs.v1_schemas import ProgramRead

# The columns of the CSV are the list item's fields, in the same order and with the same names
# (but the search highlights: HTML markup for a screen, not data).
CSV_COLUMNS = tuple(name for name in ProgramRead.model_fields if name != "highlights")
CSV_ROWS_PER_CHUNK = 500
# A cell starting like a formula is run by spreadsheets (OWASP "CSV injection"): a leading
# apostrophe makes it text. Scraped titles are not ours to trust.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 and iCalendar text cannot carry; scraped text sometimes has them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM)


def _clean(value: str) -> str:
    return CONTROL.sub("", value)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):  # datetimes too: ISO 8601, offsets kept
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(items: Iterable[Mapping[str, Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel then reads Korean correctly), in chunks of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for number, item in enumerate(items, 1):
        writer.writerow([_cell(item[column]) for column in CSV_COLUMNS])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _summary_lines(item: Mapping[str, Any]) -> list[str]:
    lines = [
        f"{label}: {item[key]}"
        for label, key in (
            ("기관", "agency"),
            ("기간", "period"),
            ("금액", "amount"),
            ("대상", "target"),
            ("포털", "portal_name"),
        )
        if item.get(key)
    ]
    if item.get("url"):
        lines.append(str(item["url"]))
    return [_clean(line) for line in lines]


def ics_document(items: Iterable[Mapping[str, Any]], *, name: str) -> bytes:
    """One all-day event per program on its deadline (items without ``apply_end`` are skipped)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Paperwork AI//Support program deadlines//KO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Seoul")
    for item in items:
        deadline: dt.date | None = item["apply_end"]
        if deadline is None:
            continue
        event = Event()
        event.add("uid", f"program-{item['id']}@paperwork")
        event.add("dtstamp", item["updated_at"])
        event.add("dtstart", deadline)
        event.add("dtend", deadline + dt.timedelta(days=1))
        event.add("summary", _clean(f"[마감] {item['title']}"))
        event.add("description", "\n".join(_summary_lines(item)))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        if item.get("url"):
            event.add("url", item["url"])
        if item.get("category"):
            event.add("categories", [_clean(item["category"])])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = _clean(value)


def rss_document(
    items: Iterable[Mapping[str, Any]],
    *,
    title: str,
    link: str,
    self_url: str,
    description: str,
    built_at: dt.datetime,
) -> bytes:
    """RSS 2.0, newest first as given; ``guid`` is stable so readers show each program once."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", title)
    _text(channel, "link", link)
    _text(channel, "description", description)
    _text(channel, "language", "ko")
    _text(channel, "lastBuildDate", format_datetime(built_at))
    ET.SubElement(
        channel,
        f"{{{ATOM}}}link",
        {"href": self_url, "rel": "self", "type": "application/rss+xml"},
    )
    for item in items:
        entry = ET.SubElement(channel, "item")
        _text(entry, "title", item["title"])
        if item.get("url"):
            _text(entry, "link", item["url"])
        _text(entry, "guid", f"paperwork-program-{item['id']}", isPermaLink="false")
        _text(entry, "pubDate", format_datetime(item.get("first_seen_at") or item["scraped_at"]))
        _text(entry, "description", "\n".join(_summary_lines(item)))
        if item.get("category"):
            _text(entry, "category", item["category"])
    return bytes(ET.tostring(rss, encoding="utf-8", xml_declaration=True))
