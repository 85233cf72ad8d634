"""Shapes of the seed's ``/scraping-config`` endpoints, with the seed's field names and bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from paperwork.envelope import iso
from paperwork.models import ScrapingConfig

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
NULLABLE_FIELDS = frozenset({"start_time", "end_time"})


class ScrapingConfigRead(BaseModel):
    portal_id: str
    is_enabled: bool
    daily_limit: int
    interval_hours: int
    interval_minutes: int
    random_delay_min: int
    random_delay_max: int
    start_time: str | None
    end_time: str | None
    weekdays_only: bool
    quality_threshold: float
    auto_retry: bool
    max_retries: int
    attachment_daily_limit: int = Field(
        description="Attachment downloads a day (Asia/Seoul), apart from daily_limit; 0: none."
    )
    updated_at: str | None

    @classmethod
    def from_row(cls, config: ScrapingConfig) -> ScrapingConfigRead:
        return cls(
            portal_id=config.portal_id,
            is_enabled=config.is_enabled,
            daily_limit=config.daily_limit,
            interval_hours=config.interval_hours,
            interval_minutes=config.interval_minutes,
            random_delay_min=config.random_delay_min,
            random_delay_max=config.random_delay_max,
            start_time=_time(config.start_time),
            end_time=_time(config.end_time),
            weekdays_only=config.weekdays_only,
            quality_threshold=float(config.quality_threshold),
            auto_retry=config.auto_retry,
            max_retries=config.max_retries,
            attachment_daily_limit=config.attachment_daily_limit,
            updated_at=iso(config.updated_at),
        )


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


class ScrapingConfigUpdate(BaseModel):
    """A partial update: only the fields sent change. Bounds are the seed's."""

    model_config = ConfigDict(extra="forbid")

    is_enabled: bool | None = None
    daily_limit: int | None = Field(None, ge=1, le=1000)
    interval_hours: int | None = Field(None, ge=1, le=24)
    interval_minutes: int | None = Field(None, ge=0, le=59)
    random_delay_min: int | None = Field(None, ge=0, le=60)
    random_delay_max: int | None = Field(None, ge=0, le=120)
    start_time: str | None = Field(None, pattern=TIME_PATTERN, description="HH:MM or HH:MM:SS")
    end_time: str | None = Field(None, pattern=TIME_PATTERN, description="HH:MM or HH:MM:SS")
    weekdays_only: bool | None = None
    quality_threshold: float | None = Field(None, ge=0.0, le=10.0)
    auto_retry: bool | None = None
    max_retries: int | None = Field(None, ge=0, le=10)
    attachment_daily_limit: int | None = Field(None, ge=0, le=5000)

    @model_validator(mode="after")
    def _no_nulls_where_a_value_is_required(self) -> ScrapingConfigUpdate:
        if not self.model_fields_set:
            raise ValueError("업데이트할 필드가 없습니다 (empty update)")
        nulls = sorted(
            name for name in self.model_fields_set - NULLABLE_FIELDS if getattr(self, name) is None
        )
        if nulls:
            raise ValueError(f"null is not allowed for: {', '.join(nulls)}")
        return self

    def changes(self) -> dict[str, Any]:
        """The sent fields as column values (times parsed)."""
        values = self.model_dump(exclude_unset=True)
        for name in NULLABLE_FIELDS & values.keys():
            if values[name] is not None:
                values[name] = dt.time.fromisoformat(values[name])
        return values


class ScrapingConfigUpdated(BaseModel):
    message: str
    portal_id: str
    updated_fields: list[str]
