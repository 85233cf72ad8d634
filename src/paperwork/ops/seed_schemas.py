"""Shapes of the seed's operations endpoints (``/health``, ``/metrics``, ``/env-config``,
``/admin/stats``), with the seed's keys exactly: the services build these, so what is sent is
what the OpenAPI schema says."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from paperwork.vocabulary import CheckStatus, HealthStatus

# -- /health ---------------------------------------------------------------------------------


class DatabaseCheck(BaseModel):
    status: Literal[HealthStatus.healthy] = HealthStatus.healthy
    dialect: str
    version: str
    pool_size: str  # "current/max"


class DatabaseDown(BaseModel):
    status: Literal[HealthStatus.unhealthy] = HealthStatus.unhealthy
    dialect: str
    error: str  # the exception's class name only: never a message that could leak internals


class EnvironmentCheck(BaseModel):
    status: CheckStatus
    keys_loaded: int
    has_naver_ocr: bool
    has_ai_keys: bool


class MemoryCheck(BaseModel):
    status: CheckStatus
    usage_percent: float
    available_mb: int


class SchedulerCheck(BaseModel):
    status: Literal["running", "stopped"]
    running: bool
    owner: str
    last_tick: str | None
    runs_in_progress: list[str]
    degraded_portals: list[str]
    # Alerts whose sends failed DEGRADED_AFTER times in a row (a user's channel is broken: shown,
    # but the service itself is not degraded by it).
    degraded_alerts: list[int] = []


class RateLimitCheck(BaseModel):
    """Where the request counts live (``memory`` or ``redis``), and whether this process counts
    alone because that storage is unreachable (then the limit holds per process only)."""

    status: CheckStatus
    storage: str
    fallback: bool


class HealthChecks(BaseModel):
    database: DatabaseCheck | DatabaseDown
    environment: EnvironmentCheck
    memory: MemoryCheck
    scheduler: SchedulerCheck
    rate_limit: RateLimitCheck


class HealthReport(BaseModel):
    success: bool  # false only when unhealthy
    status: HealthStatus
    timestamp: str
    service: str
    version: str
    checks: HealthChecks


# -- /metrics --------------------------------------------------------------------------------


class TableStat(BaseModel):
    name: str
    inserts: int | None  # null on SQLite, which keeps no write statistics
    updates: int | None
    deletes: int | None
    live_tuples: int | None


class PoolStatus(BaseModel):
    current_size: int
    max_size: int
    idle_connections: int


class DatabaseMetrics(BaseModel):
    dialect: str
    tables: list[TableStat]
    pool: PoolStatus


class ApplicationMetrics(BaseModel):
    uptime_seconds: float
    endpoints: int
    middleware_count: int
    requests: dict[str, int]  # by route template
    rate_limit: RateLimitCheck


class MetricsReport(BaseModel):
    success: Literal[True] = True
    timestamp: str
    database: DatabaseMetrics
    application: ApplicationMetrics


# -- /env-config (the seed's camelCase keys) -------------------------------------------------


class NaverConfig(BaseModel):
    ocrApiKey: str
    domainCode: str


class AIConfig(BaseModel):
    geminiApiKey: str
    openaiApiKey: str
    anthropicApiKey: str


class CLIConfig(BaseModel):
    claudeEnabled: bool
    geminiEnabled: bool


class SystemConfig(BaseModel):
    rateLimit: int
    timeout: int  # milliseconds
    maxTokens: int
    temperature: float
    dailyCostLimit: float


class EnvMeta(BaseModel):
    timestamp: str
    keysFound: int
    hasNaverOCR: bool
    hasAIKeys: bool
    source: str


class GatewayConfig(BaseModel):
    """What a client needs to use the AI gateway (issue 14) instead of keys of its own."""

    providers: list[str] = Field(description="The chat providers this server offers.")
    defaultProvider: str | None
    defaultModels: dict[str, str] = Field(description="Each offered provider's default model.")
    models: dict[str, list[str]] = Field(description="The models each provider has a price for.")
    ocr: bool = Field(description="Whether POST /api/v1/ai/ocr is configured (CLOVA OCR).")
    maxTokens: int
    temperature: float
    dailyCostLimitUsd: float
    endpoints: dict[str, str] = Field(description="The gateway's paths, by name.")


class EnvConfig(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    naver: NaverConfig
    ai: AIConfig
    cli: CLIConfig
    system: SystemConfig
    gateway: GatewayConfig
    meta: EnvMeta = Field(alias="_meta")  # the seed's key; pydantic fields can't start with _


# -- /admin/stats ----------------------------------------------------------------------------


class PortalAdminStats(BaseModel):
    portal_id: str
    programs: int
    raw_by_status: dict[str, int]  # "pending" for items without an outcome yet
    runs_last_24h: dict[str, int]  # by run status
    error_rate_last_24h: float  # failed and partial runs over all runs, 0.0 without runs


class AdminStats(BaseModel):
    programs_total: int
    portals: list[PortalAdminStats]
    active_admin_tokens: int
    attachments: dict[str, int] = Field(
        default_factory=dict,
        description="Attachment links by fetch status (links_<status>) and stored files by "
        "extraction status (files_<status>).",
    )
