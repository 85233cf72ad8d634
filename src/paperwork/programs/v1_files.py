"""The exports as HTTP answers: their media types (which the routes also document) and the
headers that say how many programs matched and whether the cap cut the file."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import StreamingResponse

from paperwork.programs.v1_service import ExportFile


class CSVResponse(StreamingResponse):
    media_type = "text/csv"


class ICSResponse(Response):
    media_type = "text/calendar"


class RSSResponse(Response):
    media_type = "application/rss+xml"


def _count_headers(export: ExportFile, etag: str) -> dict[str, str]:
    return {
        "ETag": etag,
        "X-Total-Count": str(export.total),
        "X-Export-Truncated": "true" if export.truncated else "false",
    }


def csv_file(export: ExportFile, etag: str) -> Response:
    headers = _count_headers(export, etag)
    headers["Content-Disposition"] = 'attachment; filename="programs.csv"'
    return CSVResponse(export.chunks(), headers=headers)


def calendar_file(export: ExportFile, etag: str) -> Response:
    return ICSResponse(export.body, headers=_count_headers(export, etag))


def feed_file(export: ExportFile, etag: str) -> Response:
    return RSSResponse(export.body, headers={"ETag": etag})
