"""The shapes of ``/api/v1/alerts``: what a client sends (a saved search of ``/api/v1/programs``
parameters, Apprise channel URLs, what and when to notify) and what it gets back (the channels
masked)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from paperwork.programs.v1_params import make_filters
from paperwork.programs.v1_schemas import ProgramFilters
from paperwork.vocabulary import (
    AlertFrequency,
    AlertNotify,
    AlertState,
    DeliveryStatus,
    ProgramStatus,
)

Value = Annotated[str, StringConstraints(max_length=100)]
HourMinute = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
ReminderDay = Annotated[int, Field(ge=0, le=90)]

DEFAULT_AT = "09:00"  # a digest without a time comes in the morning, Asia/Seoul
DEFAULT_WEEKDAY = 0  # a weekly digest without a day comes on Monday
DEFAULT_REMINDER_DAYS = (7, 3, 1)
MAX_CHANNELS = 10

_LISTED = ("portal_id", "status", "category", "region", "agency", "target")


class AlertQuery(BaseModel):
    """The saved search: the filter parameters of ``/api/v1/programs``, by the same names and
    with the same meaning (a repeated parameter is a list here; one value may be given bare)."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200)
    portal_id: list[Value] = Field(default_factory=list, max_length=20)
    status: list[ProgramStatus] = Field(default_factory=list, max_length=5)
    category: list[Value] = Field(default_factory=list, max_length=20)
    region: list[Value] = Field(default_factory=list, max_length=20)
    agency: list[Value] = Field(default_factory=list, max_length=20)
    target: list[Value] = Field(default_factory=list, max_length=20)
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    updated_since: dt.datetime | None = None
    dedupe: bool = False

    @field_validator(*_LISTED, mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def filters(self, tz: ZoneInfo) -> ProgramFilters:
        """As ``/api/v1/programs`` reads the same parameters (InvalidInput when it would 422)."""
        return make_filters(
            q=self.q,
            portal_ids=self.portal_id,
            statuses=self.status,
            categories=self.category,
            regions=self.region,
            agencies=self.agency,
            targets=self.target,
            deadline_from=self.deadline_from,
            deadline_to=self.deadline_to,
            updated_since=self.updated_since,
            dedupe=self.dedupe,
            tz=tz,
        )

    def stored(self) -> dict[str, Any]:
        """The parameters given, as JSON (the defaults left out)."""
        return self.model_dump(mode="json", exclude_defaults=True)


ChannelUrl = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
CHANNELS_DOC = "Apprise URLs (mailto://, slack://, tgram://, discord://, json://, ...)."


class _AlertSettings(BaseModel):
    """What and when an alert notifies; a field left out keeps its value on update, and takes
    its default on create (notify ["new"], frequency instant, reminder_days [7, 3, 1], at 09:00
    for digests, weekday Monday for weekly ones, active)."""

    model_config = ConfigDict(extra="forbid")

    query: AlertQuery | None = None
    notify: list[AlertNotify] | None = Field(default=None, min_length=1, max_length=3)
    reminder_days: list[ReminderDay] | None = Field(default=None, max_length=10)
    frequency: AlertFrequency | None = None
    at: HourMinute | None = Field(default=None, description="HH:MM, Asia/Seoul (digests).")
    weekday: int | None = Field(default=None, ge=0, le=6, description="0 Monday … 6 Sunday.")
    active: bool | None = None


class AlertIn(_AlertSettings):
    """A new alert: a name and at least one channel."""

    name: str = Field(min_length=1, max_length=100)
    channels: list[ChannelUrl] = Field(
        min_length=1, max_length=MAX_CHANNELS, description=CHANNELS_DOC
    )


class AlertChanges(_AlertSettings):
    """An update: only the fields given change (the channels, never answered whole, need not
    be sent again)."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    channels: list[ChannelUrl] | None = Field(
        default=None, min_length=1, max_length=MAX_CHANNELS, description=CHANNELS_DOC
    )


class AlertRead(BaseModel):
    id: int
    owner: str = Field(description="The name of the token that owns the alert.")
    name: str
    query: dict[str, Any]
    channels: list[str] = Field(description="The channel URLs with their secrets masked.")
    notify: list[AlertNotify]
    reminder_days: list[int]
    frequency: AlertFrequency
    at: str | None
    weekday: int | None
    active: bool
    state: AlertState
    created_at: dt.datetime
    updated_at: dt.datetime


class AlertList(BaseModel):
    items: list[AlertRead]
    total: int


class ChannelOutcome(BaseModel):
    """How one channel took the test message."""

    channel: str = Field(description="The channel URL with its secrets masked.")
    delivered: bool
    error: str | None = Field(
        description="Why the channel refused or could not be reached (e.g. its HTTP status); "
        "null when delivered."
    )


class AlertTestResult(BaseModel):
    """A test message's outcome on every channel of an alert, in the alert's channel order."""

    alert_id: int
    delivered: int = Field(description="How many channels took the message.")
    failed: int = Field(description="How many did not (see each outcome's error).")
    outcomes: list[ChannelOutcome]


class DeliveryRead(BaseModel):
    """One outbox message of an alert: to which channel (masked), what, and how it went."""

    id: int
    channel: str
    kind: str
    title: str
    program_ids: list[int]
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None = Field(description="When it is tried next (pending).")
    last_error: str | None = Field(description="The channel's own error of the last attempt.")
    created_at: dt.datetime
    sent_at: dt.datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    limit: int
    offset: int


class PreviewMessage(BaseModel):
    channel: str = Field(description="The channel, masked.")
    kind: str = Field(description="new, changed, reminder")
    title: str
    text: str = Field(description="The plain-text body (channels get their own rendering).")
    program_ids: list[int]


class AlertPreview(BaseModel):
    """What the alert would send now if it were due, without sending or recording anything."""

    alert_id: int
    messages: list[PreviewMessage]
