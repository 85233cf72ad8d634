"""What every portal shares: the item shapes, the settings, the ``Parser`` (pure) and
``Source`` (fetches) protocols, and the error tree.

Error tree (what the run does with each):

    CollectorError                  base of everything a collector raises
    ├── UnknownPortal               no collector (or no config) for this portal id
    ├── NotConfigured               the portal needs a key we don't have: skip it, say so
    ├── StructuralError             the portal's answer is unusable as a whole (``reqErr`` on
    │                               HTTP 200, a non-``00`` ``resultCode``, page 1 with no rows,
    │                               a shape we don't know, a 4xx): fail the run loudly
    ├── TransientError              timeouts, connection errors, 429, 5xx: retried by the client
    │   └── RetriesExhausted        still failing after ``max_retries``: fails the run
    ├── RobotsDisallowed            robots.txt forbids the page: not fetched
    └── ItemError                   one item cannot be used: that item fails alone
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import httpx

from paperwork.vocabulary import PeriodKind

if TYPE_CHECKING:
    from pydantic import SecretStr

    from paperwork.config import Settings


class CollectorError(Exception):
    """Base of every error a collector raises."""


class UnknownPortal(CollectorError):
    """No collector, or no scraping config, for this portal id."""

    def __init__(self, portal_id: str) -> None:
        super().__init__(f"알 수 없는 포털입니다: {portal_id}")
        self.portal_id = portal_id


class NotConfigured(CollectorError):
    """The portal needs a key (or URL) that is not set."""


class StructuralError(CollectorError):
    """The portal's answer as a whole is unusable; the message tells an operator what to do."""


class TransientError(CollectorError):
    """A failure worth retrying: timeout, connection error, 429 or 5xx."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RetriesExhausted(TransientError):
    """A transient failure that outlasted every retry."""


class RobotsDisallowed(CollectorError):
    """robots.txt forbids fetching the page."""


class RedirectRefused(CollectorError):
    """A download was redirected to a host that is neither the portal's nor the file's own."""


class TooLarge(CollectorError):
    """A download is over the size cap: it is never stored."""


class ItemError(CollectorError):
    """One item cannot be parsed or normalised; the run goes on without it."""


@dataclass(frozen=True)
class RawItem:
    """One announcement exactly as the portal gave it (JSON-able ``payload``)."""

    portal_id: str
    external_id: str
    url: str | None
    payload: dict[str, Any]


@dataclass
class NormalizedProgram:
    """A cleaned announcement, ready to be written to ``support_programs``."""

    portal_id: str
    external_id: str
    title: str
    implementing_agency: str | None = None
    application_period: str | None = None  # "YYYY-MM-DD ~ YYYY-MM-DD" or the source's words
    apply_start: dt.date | None = None
    apply_end: dt.date | None = None
    period_kind: PeriodKind = PeriodKind.unknown
    application_status: str | None = None  # 접수예정 / 접수중 / 마감 / 상시
    support_field: str | None = None
    support_amount: str | None = None
    region: str | None = None
    target_audience: str | None = None
    description: str | None = None
    required_documents: list[str] = field(default_factory=list)
    evaluation_criteria: list[str] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)  # [{"name", "url"}]
    detail_url: str | None = None
    view_count: int = 0  # volatile: never part of the content hash


@dataclass(frozen=True)
class CollectorSettings:
    """Where the portals are and the keys to reach them, as the collector layer sees them.

    Built from ``Settings`` only (``from_settings``), so the defaults live in one place; the
    keys are plain strings here and go no further than the request that carries them.
    """

    bizinfo_url: str
    bizinfo_api_key: str | None
    kstartup_api_url: str
    kstartup_url: str
    mss_api_url: str
    data_go_kr_key: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> CollectorSettings:
        def secret(value: SecretStr | None) -> str | None:
            return (value.get_secret_value() or None) if value is not None else None

        return cls(
            bizinfo_url=settings.bizinfo_url,
            bizinfo_api_key=secret(settings.bizinfo_api_key),
            kstartup_api_url=settings.kstartup_api_url,
            kstartup_url=settings.kstartup_url,
            mss_api_url=settings.mss_api_url,
            data_go_kr_key=secret(settings.data_go_kr_key),
        )


class PortalFetcher(Protocol):
    """The shared HTTP client (``collectors.http_client.PortalClient``) as sources see it."""

    async def get(
        self, url: str, *, params: dict[str, str] | None = None, html: bool = False
    ) -> httpx.Response:
        """GET with politeness delay, retries and (for ``html=True``) robots.txt checks."""
        ...


class Parser(Protocol):
    """One portal's pure half (``collectors.parsers``): no I/O, no key, picklable."""

    portal_id: ClassVar[str]

    def normalize(self, item: RawItem, *, today: dt.date) -> NormalizedProgram:
        """Clean one raw item; ``today`` is the Asia/Seoul date. Raises ``ItemError``."""
        ...

    def parse_saved(self, body: bytes) -> list[RawItem]:
        """The items of a saved API answer (``paperwork import``); raises ``StructuralError``."""
        ...


class Source(Protocol):
    """One portal's fetching half (``collectors.sources``): pages through the portal with a
    ``PortalFetcher`` and yields what its parser reads."""

    portal_id: ClassVar[str]

    def fetch(self, *, max_items: int | None = None) -> AsyncIterator[RawItem]:
        """Yield raw items, newest first, at most ``max_items``."""
        ...
