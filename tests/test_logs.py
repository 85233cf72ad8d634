"""Log lines: an event with its fields as key=value, and never a secret value."""

from __future__ import annotations

import logging

from paperwork.logs import FORMAT, EventFormatter


def format_line(record_args: dict[str, object], secrets: list[str]) -> str:
    record = logging.makeLogRecord(record_args)
    return EventFormatter(FORMAT, secrets=secrets).format(record)


def test_extra_fields_follow_the_event_as_key_value() -> None:
    line = format_line({"msg": "http.retry", "url": "https://host/path", "attempt": 2}, [])
    assert line.endswith("http.retry url=https://host/path attempt=2")


def test_secret_values_are_blanked_in_message_and_fields() -> None:
    secret = "SENTINEL-key-123456"
    line = format_line(
        {"msg": "calling with %s", "args": (secret,), "url": f"https://h/p?crtfcKey={secret}"},
        [secret, "abc"],  # too short to blank safely: ordinary words would vanish
    )
    assert secret not in line and line.count("****") == 2
