"""The alert outbox with two API processes and two workers (checked during the soak): an
instant alert on every bizinfo program, its channel a local webhook receiver; the soak's
collections bring new programs, both workers run delivery passes, and every message the
outbox marks ``sent`` reached the receiver exactly once — none twice, none lost."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from sqlalchemy import select

from chaos import database
from chaos.stack import Stack
from paperwork.models import AlertDelivery


class WebhookReceiver:
    """Records the body of every POST; answers 200."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.bodies.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.channel = f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def create_alert(stack: Stack, channel: str) -> int:
    """An admin's instant alert on every bizinfo program, made through nginx as a client would."""
    token = stack.paperwork("token", "create", "chaos-outbox").strip().splitlines()[-1]
    response = httpx.post(
        f"{stack.base_url}/api/v1/alerts",
        json={
            "name": "chaos: every bizinfo program",
            "channels": [channel],
            "query": {"portal_id": ["bizinfo"]},
            "frequency": "instant",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    if response.status_code != 201:
        raise RuntimeError(f"creating the alert: {response.status_code} {response.text[:300]}")
    return int(response.json()["data"]["id"])


@dataclass(frozen=True)
class Outbox:
    statuses: Counter[str]  # the alert's messages by status
    programs_told: int  # program ids over its sent messages, repeats included
    distinct_programs: int

    @property
    def settled(self) -> bool:
        return not (self.statuses["pending"] or self.statuses["sending"])


async def _outbox(url: str, alert_id: int) -> Outbox:
    async def job(session: Any) -> Outbox:
        rows = (
            await session.execute(
                select(AlertDelivery.status, AlertDelivery.program_ids).where(
                    AlertDelivery.alert_id == alert_id
                )
            )
        ).all()
        told = [pid for status, ids in rows if status == "sent" for pid in ids]
        return Outbox(Counter(status for status, _ in rows), len(told), len(set(told)))

    result: Outbox = await database.with_database(url, job)
    return result


def outbox(stack: Stack, alert_id: int) -> Outbox:
    return database.run(_outbox(stack.database_url, alert_id))
