"""Every table, typed. Names and columns of the seed's tables are kept (CONTRACT.md, "Data")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from paperwork.db import Base, UTCDateTime, utcnow

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# The search index's text (paperwork.search.index): a tsvector on PostgreSQL, the units an FTS5
# table indexes on SQLite.
SearchText = Text().with_variant(TSVECTOR(), "postgresql")


class SupportProgram(Base):
    """One announcement from one portal; the row the API and the dashboard serve."""

    __tablename__ = "support_programs"
    __table_args__ = (
        UniqueConstraint("portal_id", "external_id"),
        # The dashboard's order (newest scrape first, then id) straight from an index, with and
        # without the portal filter: no sort per request, however many rows. (Both databases
        # walk a b-tree backwards, so ascending columns serve "DESC, DESC".)
        Index("ix_support_programs_scraped_at_id", "scraped_at", "id"),
        Index("ix_support_programs_portal_scraped_at_id", "portal_id", "scraped_at", "id"),
        Index("ix_support_programs_first_seen_at", "first_seen_at"),
        Index("ix_support_programs_apply_end", "apply_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(Text)
    implementing_agency: Mapped[str | None] = mapped_column(Text)
    application_period: Mapped[str | None] = mapped_column(Text)
    application_status: Mapped[str | None] = mapped_column(String(16))
    support_field: Mapped[str | None] = mapped_column(Text)
    support_amount: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    target_audience: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    required_documents: Mapped[list[str]] = mapped_column(JSONType, default=list)
    evaluation_criteria: Mapped[list[str]] = mapped_column(JSONType, default=list)
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    detail_url: Mapped[str | None] = mapped_column(Text)
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    data_quality_score: Mapped[float | None] = mapped_column(Float)
    original_raw_id: Mapped[int | None] = mapped_column(
        ForeignKey("raw_scraped_data.id", ondelete="SET NULL")
    )
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Deadline, agency and normalised title (programs/dedupe.py): pairs one program's copies
    # on several portals ("also_on", ?dedupe=true) through an index.
    dedupe_key: Mapped[str | None] = mapped_column(Text, index=True)
    apply_start: Mapped[dt.date | None] = mapped_column(Date)
    apply_end: Mapped[dt.date | None] = mapped_column(Date)
    period_kind: Mapped[str] = mapped_column(
        String(16), default="unknown", server_default="unknown"
    )
    # When the raw row behind the current version was scraped (the seed read it through a join
    # on original_raw_id; a copy here lets the list be served from one index).
    scraped_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by the pipeline when the content changes; seeing an item again only moves last_seen_at.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written with the searched fields (paperwork.search.index.search_document); deferred: only
    # the search's SQL reads them, never an entity load.
    search_vector: Mapped[str | None] = mapped_column(SearchText, deferred=True)
    search_head: Mapped[str | None] = mapped_column(SearchText, deferred=True)
    # The distinct search units of the program's attachments' text (issue 15), without
    # positions: a word is found there when all its units are. Written by the attachments pass.
    attachment_vector: Mapped[str | None] = mapped_column(SearchText, deferred=True)


class ProgramCount(Base):
    """Programs per portal, kept by database triggers so a page's ``total`` costs one tiny read."""

    __tablename__ = "program_counts"

    portal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RawScrapedData(Base):
    """Each fetched item exactly as received, stored before anything else can fail."""

    __tablename__ = "raw_scraped_data"
    __table_args__ = (
        Index("ix_raw_scraped_data_portal_scraped_at", "portal_id", "scraped_at"),
        Index("ix_raw_scraped_data_portal_external", "portal_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    scraped_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    quality_score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(16))  # promoted / rejected / failed
    status_reason: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="SET NULL"))


class ScrapingConfig(Base):
    """One row per portal: how often, how politely and how strictly to collect it."""

    __tablename__ = "scraping_config"

    portal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_limit: Mapped[int] = mapped_column(Integer, default=100)
    interval_hours: Mapped[int] = mapped_column(Integer, default=24)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=0)
    random_delay_min: Mapped[int] = mapped_column(Integer, default=1)
    random_delay_max: Mapped[int] = mapped_column(Integer, default=5)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    weekdays_only: Mapped[bool] = mapped_column(Boolean, default=True)
    quality_threshold: Mapped[float] = mapped_column(Float, default=7.0)
    auto_retry: Mapped[bool] = mapped_column(Boolean, default=True)
    max_retries: Mapped[int] = mapped_column(Integer, default=3)
    # Attachment downloads a day (Asia/Seoul), counted apart from the list and detail requests.
    attachment_daily_limit: Mapped[int] = mapped_column(Integer, default=200, server_default="200")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScrapeRun(Base):
    """One collection run of one portal, with what it did."""

    __tablename__ = "scrape_runs"
    __table_args__ = (
        Index("ix_scrape_runs_portal_started_at", "portal_id", "started_at"),
        Index("ix_scrape_runs_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[str] = mapped_column(String(16))  # schedule / manual / cli
    status: Mapped[str] = mapped_column(String(16))  # running / succeeded / partial / failed / ...
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ProgramChange(Base):
    """One field of one program that a later scrape changed: from what, to what."""

    __tablename__ = "program_changes"
    __table_args__ = (Index("ix_program_changes_program_changed_at", "program_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("support_programs.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scrape_runs.id", ondelete="SET NULL"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class AdminToken(Base):
    """A bearer token, stored only as its SHA-256 hash; ``role`` says what it may do
    (``vocabulary.TokenRole``: every token before migration 0007 is an admin's)."""

    __tablename__ = "admin_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="admin", server_default="admin")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PortalState(Base):
    """The scheduler's runtime state per portal, apart from the operator's config: who holds
    the lease (and until when), and how many runs in a row have failed."""

    __tablename__ = "portal_state"

    portal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failure: Mapped[str | None] = mapped_column(Text)


class DataVersion(Base):
    """One row whose ``version`` every write to the served tables moves (database triggers):
    the key of the API's answer cache."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Alert(Base):
    """A saved search that notifies its owner's channels (issue 13). ``query`` holds the
    ``/api/v1/programs`` parameters as given (validated), ``channels`` the Apprise URLs — secrets,
    never answered or logged whole."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_token_id: Mapped[int] = mapped_column(
        ForeignKey("admin_tokens.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[dict[str, Any]] = mapped_column(JSONType)
    channels: Mapped[list[str]] = mapped_column(JSONType)
    notify: Mapped[list[str]] = mapped_column(JSONType)
    reminder_days: Mapped[list[int]] = mapped_column(JSONType)
    frequency: Mapped[str] = mapped_column(String(16))
    at: Mapped[str | None] = mapped_column(String(5))  # HH:MM, Asia/Seoul
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 Monday … 6 Sunday
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Failed sends in a row (any channel); DEGRADED_AFTER of them make the alert "degraded".
    failure_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Since when it has been active: programs first seen from then on are "new" to it.
    active_since: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A digest's last scheduled time that was evaluated (UTC): the next is due after it.
    last_digest_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Programs first seen (and changes made) before this were all looked at: a pass looks from
    # here on, not through everything since active_since. None: from active_since.
    checked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertDelivery(Base):
    """The outbox: one message for one channel of an alert, rendered when queued, sent by a
    worker that holds its lease, retried with backoff, then ``failed`` with the channel's
    error. ``channel`` is the Apprise URL (a secret, like the alert's). It is also the record of
    what the channel was told: a message not given up told its ``program_ids``."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    # The body is rendered when sent, from these programs as they are then (so a retried
    # message gives today's D-days): a pass queues ten thousand messages, not their bodies.
    program_ids: Mapped[list[int]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A reminder's offset: the programs' deadlines were this many days away (Asia/Seoul).
    reminder_days: Mapped[int | None] = mapped_column(Integer)
    # Where the pass that queued it started looking (the alert's mark then): given up, the
    # message rewinds its alert to here so the next pass finds its programs again.
    window_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AlertPassLock(Base):
    """One row that every alerts pass updates first: its row lock makes passes in several
    processes (each ``paperwork serve`` worker has a scheduler) run one after another."""

    __tablename__ = "alert_pass_lock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AISpend(Base):
    """The AI spend of one Asia/Seoul day for a scope ("all", or "token:<id>" under its own cap),
    in nano-dollars: what finished calls cost, and what calls in flight hold (issue 14)."""

    __tablename__ = "ai_spend"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    spent_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_nanos: Mapped[int] = mapped_column(BigInteger, default=0)


class AIUsage(Base):
    """One AI or OCR call: who, which provider and model, tokens, cost, how long, how it ended.
    Never the prompt, the answer or a key."""

    __tablename__ = "ai_usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64))
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_tokens.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # chat, ocr, summary
    provider: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(100))
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # ok, failed, refused, abandoned
    error: Mapped[str | None] = mapped_column(String(64))
    day: Mapped[dt.date] = mapped_column(Date, index=True)  # Asia/Seoul
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgramSummary(Base):
    """An AI summary of one version of a program's announcement (``content_hash``: of exactly
    what the model was given), so an unchanged program is never summarised twice. A row whose
    ``status`` is "making" holds the place while one request makes it (issue 14)."""

    __tablename__ = "program_summaries"

    program_id: Mapped[int] = mapped_column(
        ForeignKey("support_programs.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # making, done
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    provider: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttachmentFile(Base):
    """One stored file, by the SHA-256 of its bytes: the same form attached to 300 programs is
    stored and its text extracted once (issue 15). The bytes are in the content store."""

    __tablename__ = "attachment_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))  # sniffed from the bytes
    size: Mapped[int] = mapped_column(Integer)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    extraction_status: Mapped[str] = mapped_column(String(16), default="pending")
    extraction_error: Mapped[str | None] = mapped_column(Text)
    extracted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    text_chars: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    text: Mapped[str | None] = mapped_column(Text, deferred=True)


class ProgramAttachment(Base):
    """One attachment link of one program, as the portal named it, and what fetching it gave."""

    __tablename__ = "program_attachments"
    __table_args__ = (
        UniqueConstraint("program_id", "url"),
        Index("ix_program_attachments_portal_status", "portal_id", "status"),
        Index("ix_program_attachments_portal_requested_at", "portal_id", "requested_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("support_programs.id", ondelete="CASCADE"), index=True
    )
    portal_id: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # FetchStatus
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sha256: Mapped[str | None] = mapped_column(
        ForeignKey("attachment_files.sha256", ondelete="SET NULL"), index=True
    )
    etag: Mapped[str | None] = mapped_column(Text)  # for the conditional GET of a revalidation
    last_modified: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the daily budget
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A worker holds the link while it fetches it: two workers never download it twice.
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AttachmentSync(Base):
    """Per portal, up to when programs' attachment lists were copied into
    ``program_attachments`` (the pass reads the programs updated since, with a look-back)."""

    __tablename__ = "attachment_sync"

    portal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    synced_until: Mapped[dt.datetime] = mapped_column(UTCDateTime)
