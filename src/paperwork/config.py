"""Settings: one validated class read from the environment (prefix ``PAPERWORK_``) and ``.env``,
plus the reader of the seed's ``.env.ai`` key file (AI/OCR keys, rate limit, timeout)."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from paperwork.client_address import IPNetwork, parse_networks
from paperwork.rate_limit import storage_scheme

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/paperwork.db"

# The seed's key names (CONTRACT.md, Settings); the values are secrets unless listed in PLAIN_KEYS.
SECRET_KEYS = ("NAVER_OCR_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")


def normalize_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` / ``sqlite://`` URLs and pick the async driver for them."""
    for plain, async_prefix in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_prefix + url[len(plain) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PAPERWORK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8006
    env_ai_file: Path = Path(".env.ai")
    cors_origins: Annotated[list[str], NoDecode] = []
    log_level: str = "INFO"
    timezone: str = "Asia/Seoul"
    # Above the requests one worker has in flight under load: connections past the pool are
    # opened and closed per request, which is where latency tails came from (make bench).
    db_pool_size: int = 20
    scheduler: bool = True  # run the scheduler inside `paperwork serve` ("off" to disable)
    scheduler_tick_seconds: float = 30.0
    scheduler_lease_seconds: float = 120.0
    # The operator's own agency/program abbreviations, extending the package's (search/
    # abbreviations.tsv; same format: names of one thing on a line, separated by TABs).
    search_abbreviations_file: Path | None = None
    # Where people reach this service (https://paperwork.example.kr): alert messages link to
    # the saved search's RSS feed there. Without it they carry no such link.
    public_url: str | None = None
    # Where the per-client request counts live: ``memory://`` (this process alone) or
    # ``redis://host:port/db``, shared by every API process so N processes still allow the limit
    # once, not N times. Proxies whose X-Forwarded-For names the client (addresses or CIDRs,
    # comma-separated; none by default: the connection's own address is the client).
    rate_limit_storage: str = "memory://"
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = []
    # Whether a client token's alert channels may point at this machine or a private network
    # (admins' always may): off, a user cannot make the server post into its own network.
    alerts_private_hosts: bool = False

    # Portals (issue 3): where to reach them and their keys.
    bizinfo_url: str = "https://www.bizinfo.go.kr"
    bizinfo_api_key: SecretStr | None = None
    kstartup_api_url: str = (
        "https://apis.data.go.kr/B552735/kisedKstartupService01/getAnnouncementInformation01"
    )
    kstartup_url: str = "https://www.k-startup.go.kr"
    mss_api_url: str = "https://apis.data.go.kr/1421000/mssBizService_v2/getbizList_v2"
    data_go_kr_key: SecretStr | None = None

    # The AI gateway (issue 14). The keys, the daily cap and the defaults are in the key file
    # (.env.ai); these say where the providers are (None: their own public APIs; a proxy or a
    # test server can stand in) and what the gateway offers.
    openai_base_url: str | None = None
    anthropic_base_url: str | None = None
    gemini_base_url: str | None = None
    clova_ocr_url: str | None = None  # the CLOVA OCR domain's invoke URL (…/general)
    ai_default_provider: str = "openai"  # when a request names none (if it is configured)
    ai_prices_file: Path | None = None  # replaces or extends the packaged price table
    ai_token_daily_limit_usd: float | None = None  # each token's own daily cap (None: none)
    ai_requests_per_minute: int = Field(default=30, ge=1)  # paid calls per token

    # Attachments (issue 15): where their files are kept — a folder, or one URL for a store
    # many hosts share (``s3://bucket/prefix?endpoint_url=…&region=…``; credentials from the
    # AWS_* variables, never the URL) —, how many one worker pass downloads, and extraction.
    attachments: bool = True  # the worker fetches and reads attachments after each tick
    files_dir: Path = Path("./data/files")
    files_url: str | None = None
    attachments_per_pass: int = Field(default=25, ge=1, le=1000)
    extraction_timeout_seconds: float = Field(default=30.0, gt=0)
    extraction_memory_mb: int = Field(default=1024, ge=128)
    # A PDF without a text layer goes to the OCR gateway only when this is on: it costs money
    # (within the AI daily cap).
    attachments_ocr: bool = False

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        storage_scheme(value)  # raises for an unknown scheme: fail at start
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_proxies(cls, value: object) -> object:
        return parse_networks(value) if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone: fail at start, not at the first request
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def keys(self) -> KeyFile:
        return read_key_file(self.env_ai_file)

    def secret_values(self) -> list[str]:
        """Every secret this process knows, so logs can blank any that slips into a message."""
        values = self.keys.secrets()
        for secret in (self.bizinfo_api_key, self.data_go_kr_key):
            if secret is not None and secret.get_secret_value():
                values.append(secret.get_secret_value())
        return values


@dataclass(frozen=True)
class KeyFile:
    """The values of the ``.env.ai`` key file, with the seed's defaults."""

    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def get_int(self, name: str, default: int) -> int:
        try:
            return int(self.values.get(name, default))
        except ValueError:
            log.warning("env_ai.bad_value key=%s expected=int", name)
            return default

    def get_float(self, name: str, default: float) -> float:
        try:
            return float(self.values.get(name, default))
        except ValueError:
            log.warning("env_ai.bad_value key=%s expected=float", name)
            return default

    def get_bool(self, name: str, default: bool) -> bool:
        raw = self.values.get(name)
        return default if raw is None else raw.strip().lower() in ("1", "true", "yes", "on")

    @property
    def rate_limit_per_minute(self) -> int:
        return max(1, self.get_int("API_RATE_LIMIT", 100))

    @property
    def timeout_seconds(self) -> float:
        return max(1.0, self.get_float("API_TIMEOUT", 30))

    def secrets(self) -> list[str]:
        """Every secret value, so tests and log filters can check none leaks."""
        return [self.values[key] for key in SECRET_KEYS if self.values.get(key)]


def read_key_file(path: Path) -> KeyFile:
    """Parse KEY=VALUE lines (``#`` comments, quotes stripped). A missing file means no keys."""
    if not path.exists():
        log.warning("env_ai.missing path=%s (no AI/OCR keys loaded)", path)
        return KeyFile()
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != 0o600:
        log.warning("env_ai.insecure_mode path=%s mode=%o (expected 600)", path, mode)
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            # Never echo the line: it may hold a secret.
            log.warning("env_ai.bad_line path=%s line=%d", path, number)
            continue
        values[key.strip()] = value.strip().strip("\"'")
    return KeyFile(values)
