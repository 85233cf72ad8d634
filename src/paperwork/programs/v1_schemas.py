"""Shapes of ``/api/v1/programs``: the sort, the validated filters, a list item, the detail and
the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from paperwork.attachments.v1_schemas import AttachmentRead
from paperwork.vocabulary import ProgramStatus


class ProgramSort(StrEnum):
    newest = "-scraped_at"
    deadline = "deadline"
    relevance = "relevance"
    by_title = "title"  # a member named "title" would hide str.title


class AttachmentHighlight(BaseModel):
    id: int = Field(description="The attachment (GET /api/v1/attachments/{id}/text).")
    name: str
    snippet: str = Field(description="Its text around the match, escaped and marked.")


class Highlights(BaseModel):
    title: str = Field(description="The title, HTML-escaped, each match in <mark>…</mark>.")
    description: str | None = Field(
        description="About 120 characters of the description around its first match, escaped "
        "and marked the same way ('…' where cut); its beginning when it has no match."
    )
    attachment: AttachmentHighlight | None = Field(
        default=None,
        description="When a word was found only in an attachment's text: which attachment, "
        "and where.",
    )


class ProgramRead(BaseModel):
    id: int
    portal_id: str
    portal_name: str
    title: str
    agency: str | None
    category: str | None
    region: str | None
    target: str | None
    amount: str | None
    period: str | None = Field(description="The application period as the portal wrote it.")
    apply_start: dt.date | None
    apply_end: dt.date | None
    period_kind: str = Field(description="dated, rolling, until_budget, tba or unknown")
    status: ProgramStatus
    d_day: int | None = Field(
        description="Days from today (Asia/Seoul) to apply_end: 0 on the last day, "
        "negative once closed, null without a deadline."
    )
    url: str | None
    scraped_at: dt.datetime
    updated_at: dt.datetime
    quality_score: float | None
    highlights: Highlights | None = Field(
        default=None, description="Where the search words were found; null without q."
    )


class ChangeRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    changed_at: dt.datetime
    field: str
    from_: str | None = Field(alias="from")
    to: str | None


class SummaryRead(BaseModel):
    """A program's AI summary (``POST /api/v1/programs/{id}/summary`` makes it)."""

    summary: str = Field(description="3–5 sentences, Korean.")
    target: str | None = Field(description="지원대상")
    excluded: str | None = Field(description="제외대상")
    support: str | None = Field(description="지원내용")
    amount: str | None = Field(description="지원규모(금액)")
    period: str | None = Field(description="신청기간")
    how_to_apply: str | None = Field(description="신청방법")
    contact: str | None = Field(description="문의처")
    provider: str
    model: str
    created_at: dt.datetime
    current: bool = Field(
        description="Made from the announcement as it is now (false: it changed since; "
        "POST again for a new one)."
    )


class ProgramDetail(ProgramRead):
    description: str | None
    required_documents: list[str]
    evaluation_criteria: list[str]
    attachments: list[AttachmentRead] = Field(
        description="The portal's attachments, each with what fetching and reading it gave."
    )
    raw_id: int | None = Field(description="The raw record this version was built from.")
    raw_url: str | None = Field(description="Where the collector fetched that raw record.")
    changes: list[ChangeRead] = Field(description="Field changes across scrapes, newest first.")
    also_on: list[ProgramRead] = Field(
        description="The same program announced on other portals (same normalised title, "
        "agency and deadline)."
    )
    summary: SummaryRead | None = Field(
        default=None, description="The latest AI summary, if one was made."
    )


class FacetCount(BaseModel):
    value: str
    count: int


class ProgramPage(BaseModel):
    items: list[ProgramRead]
    total: int
    total_relation: Literal["eq", "gte"] = Field(
        description='"eq": total is exact; "gte": more matches than total (10,000) were found.'
    )
    limit: int
    offset: int
    next_cursor: str | None = Field(
        description="Send as cursor (same filters and sort) for the page after this one; "
        "null on the last page."
    )
    facets: dict[str, list[FacetCount]] | None = Field(
        default=None, description="Counts per value of each field asked for in facets."
    )


@dataclass(frozen=True)
class ProgramFilters:
    """What the list, the exports and the feed select, validated and normalised."""

    q: str | None = None
    portal_ids: tuple[str, ...] = ()
    statuses: tuple[ProgramStatus, ...] = ()
    categories: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    updated_since: dt.datetime | None = None
    dedupe: bool = False

    def cache_key(self) -> str:
        """A stable text of every filter: the cache layer's keys and the exports' ETags."""
        return repr(sorted(asdict(self).items()))
