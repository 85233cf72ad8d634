"""Logging: one line per event with ``key=value`` fields, and a filter that blanks any secret
value that slips into a message (defence in depth: code never logs keys on purpose)."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Short values would blank ordinary words; real keys are long.
        self.secrets = [secret for secret in secrets if len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "****")
                record.msg, record.args = message, None
        return True


def configure_logging(level: str, *, secrets: list[str]) -> None:
    root = logging.getLogger()
    root.setLevel(level.upper())
    handler = next((h for h in root.handlers if getattr(h, "_paperwork", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._paperwork = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    handler.filters = [RedactSecrets(secrets)]
    # uvicorn's own access log would repeat ours without the request id.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs request URLs with their query strings, where portal keys travel.
    logging.getLogger("httpx").setLevel(logging.WARNING)
