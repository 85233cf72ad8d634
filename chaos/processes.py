"""A child process the suite starts, logs to a file of its own and can break on purpose
(``kill -9``, SIGTERM), plus the bounded waits every scenario uses."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

STOP_GRACE = 10.0


class StackFailed(RuntimeError):
    """A part of the stack did not come up or could not be restored."""


class ScenarioFailed(AssertionError):
    """A scenario's assertion did not hold (its message says which and with what figures)."""


def wait_for(
    what: str, check: Callable[[], bool], *, timeout: float, interval: float = 0.2
) -> None:
    """Poll ``check`` until it holds; past ``timeout`` the scenario fails instead of hanging."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise ScenarioFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Managed:
    """One long-running child in its own session (the suite's Ctrl-C reaches the suite, which
    then stops it), stdout and stderr in ``log_path`` (appended across restarts)."""

    def __init__(
        self, name: str, command: Sequence[str], *, env: dict[str, str], cwd: Path, log_path: Path
    ) -> None:
        self.name = name
        self.command = list(command)
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            log.write(f"--- {self.name} starting: {' '.join(self.command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check_alive(self) -> None:
        if not self.alive:
            code = None if self.process is None else self.process.returncode
            raise StackFailed(f"{self.name} exited (code {code})\n{self.log_tail()}")

    def kill(self) -> None:
        """``kill -9``: no handler runs, nothing is closed, no lease is released."""
        if self.process is not None and self.alive:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after the grace; the whole session, so no child outlives it."""
        if self.process is None:
            return
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_GRACE)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_GRACE)
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        return tail(self.log_path, lines)
