"""Real local servers for the alert tests (and the CLI's and dashboard's), so channels are
exercised over the real protocols: an SMTP server (aiosmtpd) that keeps every mail it receives,
and an HTTP webhook receiver that records every request and answers with the statuses a test
scripts. Both listen on free ports of 127.0.0.1; ``tests/conftest.py`` makes them the fixtures
``smtp_server``, ``webhook`` and ``closed_port``, stopped at teardown.

    def test_x(smtp_server, webhook, closed_port):
        smtp_server.url(to="a@example.kr")   # mailto://127.0.0.1:PORT/?to=...&from=...
        smtp_server.messages                  # [EmailMessage, ...] in arrival order
        webhook.url("/hook")                  # json://127.0.0.1:PORT/hook
        webhook.answer_with([500, 500, 200])  # then 200 for every later request
        webhook.delay = 2.0                   # seconds to wait before each answer
        webhook.requests                      # [ReceivedRequest(method, path, headers, body)]
        closed_port                           # a port where nothing listens
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller

LOCALHOST = "127.0.0.1"
WAIT_SECONDS = 5.0

T = TypeVar("T")


def free_port() -> int:
    """A port nothing listens on right now (the OS's pick for a socket that is then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(items: Callable[[], list[T]], count: int, timeout: float) -> list[T]:
    """Bounded polling: the items once there are ``count`` of them; fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while len(items()) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"expected {count} item(s) within {timeout}s, got {len(items())}")
        time.sleep(0.02)
    return items()


class SmtpServer:
    """An SMTP server on 127.0.0.1 that accepts every mail and keeps it, parsed."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO) per message
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname=LOCALHOST, port=self.port)

    def url(self, to: str = "alerts@example.kr", sender: str = "paperwork@example.kr") -> str:
        """An Apprise ``mailto://`` URL that delivers to this server, in plain SMTP."""
        return f"mailto://{LOCALHOST}:{self.port}/?{urlencode({'to': to, 'from': sender})}"

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS) -> list[EmailMessage]:
        return _wait_for(self._snapshot, count, timeout)

    # aiosmtpd handler hook: called once per mail, on the server's thread.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def _snapshot(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up waiting (the slow-webhook tests) resets the connection while
        # its answer is written: expected there, and a traceback on stderr would only be noise.
        pass


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records every request and answers with scripted
    statuses (200 until told otherwise)."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.delay = 0.0  # seconds to wait before answering, to play a slow service
        self._statuses: list[int] = [200]
        self._lock = threading.Lock()
        self._server = _QuietServer((LOCALHOST, 0), _handler_for(self))
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/hook", scheme: str = "json") -> str:
        """An Apprise URL (``json://``, ``form://``, ``xml://``) that posts to ``path`` here."""
        return f"{scheme}://{LOCALHOST}:{self.port}/{path.lstrip('/')}"

    def answer_with(self, statuses: Sequence[int]) -> None:
        """Answer the next requests with these statuses in order, then keep answering with the
        last one: ``[500, 500, 200]`` fails twice then succeeds, ``[404]`` always fails."""
        if not statuses:
            raise ValueError("answer_with needs at least one status")
        with self._lock:
            self._statuses = list(statuses)

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS) -> list[ReceivedRequest]:
        return _wait_for(self._snapshot, count, timeout)

    def record(self, request: ReceivedRequest) -> int:
        """Keep the request; the status to answer it with."""
        with self._lock:
            self.requests.append(request)
            return self._statuses.pop(0) if len(self._statuses) > 1 else self._statuses[0]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(WAIT_SECONDS)

    def _snapshot(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self.requests)


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = ReceivedRequest(
                method=self.command,
                path=self.path,
                headers=dict(self.headers.items()),
                body=self.rfile.read(length),
            )
            status = receiver.record(request)
            payload = json.dumps({"status": status}).encode()
            time.sleep(receiver.delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, which is what a slow answer tests

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test reads webhook.requests; stderr noise helps nobody

    return Handler
