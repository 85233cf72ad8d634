"""A real Redis for the shared rate-limit tests: Debian's ``redis-server`` on a free port of
127.0.0.1, keeping nothing on disk, that a test can stop and start again on the same port (an
outage and a recovery). The fixture ``redis_server`` (registered in ``tests/conftest.py``) gives a
running one and stops it at teardown:

    def test_x(redis_server):
        redis_server.url        # redis://127.0.0.1:PORT/0
        redis_server.stop()     # connections now refused
        redis_server.start()    # the same port answers again, empty
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from local_servers import LOCALHOST, free_port

START_SECONDS = 10.0


class RedisServer:
    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOCALHOST}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--bind", LOCALHOST, "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def answers(self) -> bool:
        try:
            with socket.create_connection((LOCALHOST, self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def redis_executable(in_ci: bool) -> str:
    """Debian's redis-server; skipped without it, except in CI where it must be installed."""
    executable = shutil.which("redis-server")
    if executable is None:
        if in_ci:
            pytest.fail("CI=true but redis-server is not installed (Debian package redis-server)")
        pytest.skip("these tests need Debian's redis-server")
    return executable


def running_redis(in_ci: bool) -> Iterator[RedisServer]:
    server = RedisServer(redis_executable(in_ci))
    server.start()
    try:
        yield server
    finally:
        server.stop()
