"""One attachments pass (the worker runs one after each scheduler tick; ``paperwork attachments
fetch`` runs one by hand): copy the programs' lists into links, download what is due within each
portal's daily attachment limit, store each file once by its SHA-256, extract the text of new
files in the sandbox, and refresh the search units of every program that links to them.

Politeness is the portal's own: its robots.txt (every hop), its random delay between requests
to one host, its timeout; redirects only to the portal's hosts or the file's own; 20 MB at most.
A fetched link is not asked again unless its program changes (then a conditional GET). Every
link's outcome is committed on its own, so a worker killed mid-pass loses at most the file it
was downloading (its claim expires and another pass takes it)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from paperwork.ai.gateway import Gateway, read_document
from paperwork.ai.metering import Caller
from paperwork.attachments import repository
from paperwork.attachments.extract import MAX_FILE_BYTES, tidy
from paperwork.attachments.links import sync_links
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.attachments.sniff import BINARY as UNKNOWN_TYPE
from paperwork.attachments.store import ContentStore, FileMissing
from paperwork.collectors.base import (
    CollectorError,
    RedirectRefused,
    RobotsDisallowed,
    TooLarge,
)
from paperwork.collectors.http_client import Politeness, PortalClient, build_http_client
from paperwork.config import Settings
from paperwork.db import Database, utcnow
from paperwork.errors import AppError
from paperwork.models import AttachmentFile, ProgramAttachment
from paperwork.portals import repository as portal_repository
from paperwork.portals.catalog import PORTAL_NAMES
from paperwork.search.index import attachment_units, attachment_vector
from paperwork.timeutil import start_of_day_utc, today_in
from paperwork.vocabulary import ExtractionStatus, FetchStatus

log = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(hours=1)
EXTRACT_PER_PASS = 200


@dataclass
class PassReport:
    """What one pass did, per outcome (the CLI's table, the log line)."""

    linked: int = 0
    fetched: int = 0
    unchanged: int = 0
    blocked: int = 0
    too_large: int = 0
    failed: int = 0
    extracted: dict[str, int] = field(default_factory=dict)
    over_limit: list[str] = field(default_factory=list)  # portals whose daily limit is spent

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class AttachmentsPass:
    database: Database
    settings: Settings
    store: ContentStore
    sandbox: ExtractionSandbox
    transport: httpx.AsyncBaseTransport | None = None
    clock: Callable[[], dt.datetime] = utcnow
    on_progress: Progress | None = None
    # With PAPERWORK_ATTACHMENTS_OCR on: scanned PDFs go to its OCR, under the daily AI cap.
    gateway: Gateway | None = None

    async def run(self, *, portal_id: str | None = None, limit: int | None = None) -> PassReport:
        report = PassReport()
        changed: set[str] = set()
        for portal in [portal_id] if portal_id else list(PORTAL_NAMES):
            report.linked += (await sync_links(self.database, portal)).added
            await self._fetch_portal(portal, limit, report, changed)
        await self.extract(report, changed)
        log.info(
            "attachments.pass linked=%d fetched=%d unchanged=%d blocked=%d too_large=%d "
            "failed=%d extracted=%s",
            report.linked,
            report.fetched,
            report.unchanged,
            report.blocked,
            report.too_large,
            report.failed,
            report.extracted,
        )
        return report

    # -- fetching ---------------------------------------------------------------------------

    async def _fetch_portal(
        self, portal_id: str, limit: int | None, report: PassReport, changed: set[str]
    ) -> None:
        now = self.clock()
        tz = self.settings.tz
        async with self.database.session_scope() as session:
            config = await portal_repository.get_config(session, portal_id)
            if config is None or not config.is_enabled:
                return
            since = start_of_day_utc(today_in(tz, now=now), tz)
            used = await repository.requested_since(session, portal_id, since)
            allowed = max(0, config.attachment_daily_limit - used)
            wanted = min(allowed, limit or self.settings.attachments_per_pass)
            links = await repository.claim_due(
                session,
                portal_id,
                now=now,
                limit=wanted,
                lease=CLAIM_LEASE,
                max_attempts=MAX_ATTEMPTS,
                retry_after=RETRY_AFTER,
            )
            if allowed == 0:
                report.over_limit.append(portal_id)
        if not links:
            return
        politeness = Politeness(
            delay_min=float(config.random_delay_min),
            delay_max=float(config.random_delay_max),
            auto_retry=False,
            max_retries=0,
            timeout=self.settings.keys.timeout_seconds,
        )
        portal_hosts = self._portal_hosts(portal_id)
        async with build_http_client(timeout=politeness.timeout, transport=self.transport) as http:
            client = PortalClient(http, politeness)
            for done, link in enumerate(links, 1):
                status = await self._fetch_one(client, link, portal_hosts, changed)
                report.count(status)
                if self.on_progress is not None:
                    self.on_progress(f"{portal_id} 첨부파일 받기", done, len(links))

    def _portal_hosts(self, portal_id: str) -> frozenset[str]:
        urls = {
            "bizinfo": [self.settings.bizinfo_url],
            "kstartup": [self.settings.kstartup_url],
            "mss": ["https://www.mss.go.kr"],
        }.get(portal_id, [])
        return frozenset(host for url in urls if (host := urlsplit(url).hostname))

    async def _fetch_one(
        self,
        client: PortalClient,
        link: ProgramAttachment,
        portal_hosts: frozenset[str],
        changed: set[str],
    ) -> str:
        """Download one link and record what came of it; returns the report's counter."""
        now = self.clock()
        own_host = urlsplit(link.url).hostname
        hosts = portal_hosts | ({own_host} if own_host else set())
        values: dict[str, object] = {"requested_at": now}
        try:
            download = await client.download(
                link.url,
                max_bytes=MAX_FILE_BYTES,
                allowed_hosts=frozenset(hosts),
                etag=link.etag if link.sha256 else None,
                last_modified=link.last_modified if link.sha256 else None,
            )
        except (RobotsDisallowed, RedirectRefused) as exc:
            values |= {"status": FetchStatus.blocked, "error": str(exc)}
        except TooLarge as exc:
            values |= {"status": FetchStatus.too_large, "error": str(exc)}
        except CollectorError as exc:
            values |= {
                "status": FetchStatus.failed,
                "error": str(exc),
                "attempts": link.attempts + 1,
            }
        else:
            values |= {"status": FetchStatus.fetched, "error": None, "fetched_at": now}
            if not download.not_modified:
                sha256 = hashlib.sha256(download.content).hexdigest()
                await self.store.put(sha256, download.content)
                values |= {
                    "sha256": sha256,
                    "etag": download.etag,
                    "last_modified": download.last_modified,
                }
                async with self.database.session_scope() as session:
                    # Its real type is sniffed in the sandbox with its text: sniffing reads the
                    # file's structure, which a malformed file must not be able to hang here.
                    await repository.add_file(
                        session,
                        sha256=sha256,
                        media_type=UNKNOWN_TYPE,
                        size=len(download.content),
                        now=now,
                    )
                if sha256 != link.sha256:
                    changed.update(filter(None, (sha256, link.sha256)))
        async with self.database.session_scope() as session:
            await repository.record_fetch(session, link.id, values)
        status = str(values["status"])
        if status == FetchStatus.fetched and "sha256" not in values:
            return "unchanged"
        return status

    # -- extracting -------------------------------------------------------------------------

    async def extract(self, report: PassReport, changed: set[str]) -> None:
        """Extract every file still pending (new ones, and those a killed pass left), then
        refresh the search units of the programs linking to a file that changed."""
        ocr_again = self.clock() - RETRY_AFTER if self._ocr_on() else None
        async with self.database.session_scope() as session:
            files = await repository.files_to_extract(
                session, limit=EXTRACT_PER_PASS, ocr_before=ocr_again
            )
        for done, stored in enumerate(files, 1):
            status, text, error, media_type = await self._extract_one(stored)
            async with self.database.session_scope() as session:
                await repository.record_extraction(
                    session,
                    stored.sha256,
                    status=status,
                    text=text,
                    error=error,
                    media_type=media_type,
                    now=self.clock(),
                )
            report.extracted[status] = report.extracted.get(status, 0) + 1
            changed.add(stored.sha256)
            if self.on_progress is not None:
                self.on_progress("텍스트 추출", done, len(files))
        if changed:
            await refresh_search_units(self.database, sorted(changed))

    async def _extract_one(self, stored: AttachmentFile) -> tuple[str, str | None, str | None, str]:
        """(status, text, error, media type) of one stored file."""
        try:
            data = await self.store.get(stored.sha256)
        except FileMissing:
            failed = ExtractionStatus.failed
            return failed, None, "the stored file is missing", stored.media_type
        result = await asyncio.to_thread(self.sandbox.extract, data)
        if result.status == ExtractionStatus.needs_ocr and self._ocr_on():
            return (*await self._ocr(data), result.media_type)
        return result.status, result.text or None, result.error, result.media_type

    def _ocr_on(self) -> bool:
        return (
            self.settings.attachments_ocr
            and self.gateway is not None
            and self.gateway.ocr is not None
        )

    async def _ocr(self, data: bytes) -> tuple[str, str | None, str | None]:
        """A scanned PDF's text through the OCR gateway, as the server's own paid call (the
        service's daily cap applies; no token's). Refused or failed: still ``needs_ocr``, with
        the reason, and tried again an hour later."""
        assert self.gateway is not None
        caller = Caller(
            database=self.database,
            caps=self.gateway.caps,
            token_id=None,
            request_id=f"attachments-{uuid.uuid4().hex[:12]}",
            now=self.clock(),
            tz=self.settings.tz,
        )
        try:
            reading = await read_document(caller, self.gateway, data)
        except AppError as exc:
            return ExtractionStatus.needs_ocr, None, f"OCR: {exc.message}"
        text = tidy(reading.text)
        if not text:
            return ExtractionStatus.needs_ocr, None, "OCR found no text"
        return ExtractionStatus.extracted, text, None


async def refresh_search_units(database: Database, hashes: Sequence[str]) -> int:
    """Rewrite ``attachment_vector`` of every program linking to one of ``hashes``: the units
    of all its extracted attachments. Each file's units are computed once, however many
    programs share it. Returns how many programs were rewritten."""
    async with database.session_scope() as session:
        program_ids = await repository.programs_with_files(session, hashes)
    units_of: dict[str, set[str]] = {}
    dialect = database.engine.dialect.name
    for start in range(0, len(program_ids), repository.SYNC_BATCH):
        batch = program_ids[start : start + repository.SYNC_BATCH]
        async with database.session_scope() as session:
            pairs = await repository.files_of_programs(session, batch)
            missing = sorted({sha for _, sha in pairs} - units_of.keys())
            for sha, text in (await repository.texts(session, missing)).items():
                units_of[sha] = attachment_units([text])
            program_units: dict[int, set[str]] = {program_id: set() for program_id in batch}
            for program_id, sha in pairs:
                program_units[program_id] |= units_of[sha]
            await repository.write_vectors(
                session,
                {pid: attachment_vector(dialect, units) for pid, units in program_units.items()},
            )
    return len(program_ids)
