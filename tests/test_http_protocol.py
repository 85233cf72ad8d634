"""``paperwork serve``'s HTTP protocol: a response's headers reach the socket only together with
its body, so a process that dies while answering has sent nothing a proxy could not retry.
A real uvicorn server on a free port, spoken to over a raw socket to see exactly what arrives
when."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from local_servers import LOCALHOST, free_port
from paperwork.http_protocol import HeadWithBodyProtocol

QUIET = 0.5  # seconds a test listens to be sure nothing arrives


class ControlledApp:
    """An ASGI app whose responses the test paces: ``/held`` starts its response and sends the
    body only once ``release`` is set; ``/broken`` starts its response and then fails;
    ``/echo`` reads the request body (a client that sent ``Expect: 100-continue`` is told to
    go on) and answers it."""

    def __init__(self) -> None:
        self.release = threading.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/echo":
            message = await receive()
            await send(_start(len(message["body"]) + 5))
            await send({"type": "http.response.body", "body": b"echo:" + message["body"]})
            return
        await send(_start(len(b"the body")))
        if scope["path"] == "/broken":
            raise RuntimeError("the handler failed after starting its answer")
        await asyncio.to_thread(self.release.wait)
        await send({"type": "http.response.body", "body": b"the body"})


def _start(length: int) -> dict[str, Any]:
    headers = [(b"content-length", str(length).encode())]
    return {"type": "http.response.start", "status": 200, "headers": headers}


@pytest.fixture
def served() -> Iterator[tuple[ControlledApp, int]]:
    app = ControlledApp()
    port = free_port()
    config = uvicorn.Config(
        app, host=LOCALHOST, port=port, http=HeadWithBodyProtocol, lifespan="off", log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield app, port
    app.release.set()
    server.should_exit = True
    thread.join(15)


def connect(port: int) -> socket.socket:
    connection = socket.create_connection((LOCALHOST, port), timeout=5)
    connection.settimeout(QUIET)
    return connection


def nothing_arrives(connection: socket.socket) -> bool:
    try:
        return connection.recv(65536) == b""  # b"": closed with nothing sent
    except TimeoutError:
        return True


def read_response(connection: socket.socket, ends_with: bytes) -> bytes:
    connection.settimeout(5)
    received = b""
    while not received.endswith(ends_with):
        chunk = connection.recv(65536)
        assert chunk, f"the connection closed after {received!r}"
        received += chunk
    return received


def test_headers_wait_for_the_body_and_go_with_it(served: tuple[ControlledApp, int]) -> None:
    app, port = served
    with connect(port) as connection:
        connection.sendall(b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
        assert nothing_arrives(connection), "the headers went out before the body existed"
        app.release.set()
        response = read_response(connection, b"the body")
        assert response.startswith(b"HTTP/1.1 200 OK\r\n")
        # The connection stays usable: the next request on it is answered the same way.
        connection.sendall(b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_response(connection, b"the body").startswith(b"HTTP/1.1 200 OK\r\n")


def test_an_answer_that_fails_after_starting_sends_nothing(
    served: tuple[ControlledApp, int],
) -> None:
    _, port = served
    with connect(port) as connection:
        connection.sendall(b"GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.settimeout(5)
        # Closed with no byte of the status line: to nginx a connection error, which it retries
        # on another process, not a cut response it must pass on.
        assert connection.recv(65536) == b""


def test_continue_is_still_sent_before_the_request_body(
    served: tuple[ControlledApp, int],
) -> None:
    _, port = served
    with connect(port) as connection:
        connection.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        )
        assert read_response(connection, b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
        connection.sendall(b"hello")
        response = read_response(connection, b"echo:hello")
        assert response.startswith(b"HTTP/1.1 200 OK\r\n")
