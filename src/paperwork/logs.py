"""Logging: one line per event with ``key=value`` fields, and a formatter that blanks any secret
value that slips into a message (defence in depth: code never logs keys on purpose)."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# What every LogRecord carries; anything else was passed as ``extra=`` fields of the event.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class EventFormatter(logging.Formatter):
    """The line, then the event's ``extra`` fields as ``key=value``; any secret value that
    slipped into either is blanked."""

    def __init__(self, fmt: str, *, secrets: list[str]) -> None:
        super().__init__(fmt)
        # Short values would blank ordinary words; real keys are long.
        self.secrets = [secret for secret in secrets if len(secret) >= 6]

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = [
            f"{key}={value}"
            for key, value in vars(record).items()
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_")
        ]
        if fields:
            line = " ".join([line, *fields])
        for secret in self.secrets:
            line = line.replace(secret, "****")
        return line


def configure_logging(level: str, *, secrets: list[str]) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    handler = next((h for h in root.handlers if getattr(h, "_paperwork", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._paperwork = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    handler.setFormatter(EventFormatter(FORMAT, secrets=secrets))
    # uvicorn's own access log would repeat ours without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs request URLs with their query strings, where portal keys travel.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The Redis client logs each reconnect attempt; while Redis is away the rate limiter tries
    # every few seconds, and says once itself that it is counting alone.
    logging.getLogger("coredis").setLevel(logging.WARNING)
