"""The words the service stores and answers with, in one place: run statuses and triggers, raw
item outcomes, program statuses and period kinds, with the groups that rules are written over.

``StrEnum`` members are strings, so they go into columns and JSON as they are and compare equal
to the text read back from the database.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """What became of one collection run (``scrape_runs.status``)."""

    running = "running"
    succeeded = "succeeded"
    partial = "partial"  # some items failed, the rest was stored
    failed = "failed"
    abandoned = "abandoned"  # the process running it died; its lease expired
    cancelled = "cancelled"  # stopped on purpose (SIGTERM, Ctrl-C)
    skipped = "skipped"  # the portal could not run (no key), said so


# Runs that count as errors on the dashboard and in the error rate.
FAILED_RUN_STATUSES = (RunStatus.failed, RunStatus.partial)
# Runs that never finished on their own: they are not "the last run" for the schedule, so the
# portal runs again (a crashed or stopped run is owed).
UNFINISHED_RUN_STATUSES = (RunStatus.abandoned, RunStatus.cancelled)


class RunTrigger(StrEnum):
    """Who started a run (``scrape_runs.trigger``)."""

    schedule = "schedule"
    manual = "manual"  # POST /api/v1/portals/{portal_id}/runs
    cli = "cli"  # paperwork scrape
    import_ = "import"  # paperwork import: a saved answer, not a visit to the portal


class RawStatus(StrEnum):
    """What the pipeline did with one fetched item (``raw_scraped_data.status``)."""

    promoted = "promoted"  # written to support_programs
    rejected = "rejected"  # below the portal's quality threshold
    failed = "failed"  # could not be parsed or normalised


# How a raw row without an outcome yet is reported (the column is NULL).
RAW_PENDING = "pending"


class ProgramStatus(StrEnum):
    """Where today (Asia/Seoul) falls in a program's parsed application period."""

    open = "open"
    upcoming = "upcoming"
    closed = "closed"
    rolling = "rolling"
    unknown = "unknown"


class PeriodKind(StrEnum):
    """What kind of application period the portal's words describe."""

    dated = "dated"
    rolling = "rolling"  # 상시
    until_budget = "until_budget"  # 예산 소진시까지
    tba = "tba"  # 추후 공지
    unknown = "unknown"


# Periods without a deadline that are open all the same.
ROLLING_PERIOD_KINDS = (PeriodKind.rolling, PeriodKind.until_budget)


class HealthStatus(StrEnum):
    """``/health``'s overall answer."""

    healthy = "healthy"
    degraded = "degraded"
    unhealthy = "unhealthy"


class CheckStatus(StrEnum):
    """One ``/health`` check's answer (the database's is healthy or unhealthy)."""

    healthy = "healthy"
    warning = "warning"  # works, but wants attention: the service is degraded, not down


class TokenRole(StrEnum):
    """What a bearer token may do: an admin everything; a client only manage its own alerts."""

    admin = "admin"
    client = "client"


class AlertFrequency(StrEnum):
    """When an alert sends: after each collection run that found something, or as a digest."""

    instant = "instant"
    daily = "daily"  # at ``at`` (HH:MM, Asia/Seoul)
    weekly = "weekly"  # on ``weekday`` (0 Monday … 6 Sunday) at ``at``


class AlertNotify(StrEnum):
    """What an alert tells about the programs its search matches."""

    new = "new"  # first collected while the alert was active
    changed = "changed"  # deadline or period moved, status changed
    reminders = "reminders"  # the deadline is reminder_days away, still open


class AlertState(StrEnum):
    ok = "ok"
    degraded = "degraded"  # a channel failed DEGRADED_AFTER times in a row
    paused = "paused"  # active is false


class DeliveryStatus(StrEnum):
    """Where one outbox message is: waiting (maybe for a retry), held by a sending worker,
    sent, or given up after its retries."""

    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class FetchStatus(StrEnum):
    """Where one program's attachment link is: not fetched yet, its file stored, or why not."""

    pending = "pending"
    fetched = "fetched"
    blocked = "blocked"  # robots.txt, or a redirect off the portal's and file hosts
    too_large = "too_large"  # over the size cap: never stored
    failed = "failed"  # the network or the server's answer; tried again on a later pass


class ExtractionStatus(StrEnum):
    """What became of a stored file's text."""

    pending = "pending"
    extracted = "extracted"
    unsupported = "unsupported"  # a format we don't read, a distributable or password HWP
    needs_ocr = "needs_ocr"  # a PDF without a text layer, while OCR is off
    failed = "failed"  # malformed, over the time or memory limit: the reason is recorded
