"""Response shapes of the seed-compatible program endpoints; keys kept exactly as the seed's."""

from __future__ import annotations

from pydantic import BaseModel


class Attachment(BaseModel):
    name: str
    url: str


class CollectionItem(BaseModel):
    id: int
    title: str
    agency: str
    deadline: str
    status: str
    category: str
    amount: str
    created_at: str | None
    scraped_at: str | None
    quality_score: float | None
    portal_name: str
    url: str
    view_count: int
    description: str
    target_audience: str
    required_documents: list[str]
    evaluation_criteria: list[str]
    attachments: list[Attachment]


class CollectionPage(BaseModel):
    items: list[CollectionItem]
    total: int
    current_page: int
    per_page: int
    has_more: bool


class PortalStat(BaseModel):
    portal_id: str
    count: int
    last_scraping: str | None
    avg_quality: float
    last_run_status: str | None
    next_run_at: str | None
    consecutive_failures: int
    errors_today: int


class ScrapingStatus(BaseModel):
    last_scraping: str | None
    total_scraped: int
    new_today: int
    errors: int
    completed: int
    next_scheduled: str | None
    portal_stats: list[PortalStat]


class PortalFigures(BaseModel):
    """One portal's figures read from its programs."""

    count: int
    last_scraping: str | None
    avg_quality: float


class ProgramStats(BaseModel):
    """What the status reads from the programs themselves: the costly part (the averages scan
    every program), which only a write changes, so the cache layer keeps it per data version
    and day while the schedule part is recomputed as the clock moves. Not sent as it is."""

    total: int
    portals: dict[str, PortalFigures]
    last_scraping: str | None
    new_today: int
