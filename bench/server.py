"""The server under test, started as production starts it (``paperwork serve`` with uvicorn
workers, no scheduler), and a sampler of its workers' resident memory."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

# The server's own per-client limit would turn the load into 429s after 100 requests a minute:
# the benchmark's key file lifts it far above anything a 2-core machine can serve.
BENCH_RATE_LIMIT = 10_000_000
START_TIMEOUT = 60.0
STOP_GRACE = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerFailed(RuntimeError):
    """The server (ours, or the PostgreSQL one) did not come up, or died under load."""


class Server:
    """``python -m paperwork serve`` in its own session (Ctrl-C reaches the harness, which then
    stops the server itself), logging into ``workdir/server.log``."""

    def __init__(self, database_url: str, *, workers: int, workdir: Path) -> None:
        self.database_url = database_url
        self.workers = workers
        self.workdir = workdir
        self.port = free_port()
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _environment(self) -> dict[str, str]:
        key_file = self.workdir / ".env.ai"
        key_file.write_text(f"API_RATE_LIMIT={BENCH_RATE_LIMIT}\n", encoding="utf-8")
        key_file.chmod(0o600)  # else the server warns about a readable key file
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWORK_")}
        env.update(
            {
                "PAPERWORK_DATABASE_URL": self.database_url,
                "PAPERWORK_ENV_AI_FILE": str(key_file),
                # One access line per request at 1,000+ req/s would measure logging.
                "PAPERWORK_LOG_LEVEL": "WARNING",
                "PAPERWORK_SCHEDULER": "false",
            }
        )
        # The pool size is the one production knob worth comparing runs over: pass it through.
        if "PAPERWORK_DB_POOL_SIZE" in os.environ:
            env["PAPERWORK_DB_POOL_SIZE"] = os.environ["PAPERWORK_DB_POOL_SIZE"]
        return env

    def start(self) -> None:
        command = [
            sys.executable, "-m", "paperwork", "serve", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", str(self.workers),
            "--no-scheduler", "--no-migrate",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=self._environment(),
                cwd=self.workdir,  # no stray ./.env of the caller's directory is read
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(httpx.HTTPError):
                healthy = httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200
                # Every worker up, or the first targets would be served by fewer of them.
                if healthy and len(self.worker_pids()) >= self.workers:
                    return
            time.sleep(0.2)
        raise ServerFailed(f"no healthy /health within {START_TIMEOUT:.0f} s\n{self.log_tail()}")

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise ServerFailed(f"the server exited (code {code})\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's spawned workers, or the process itself
        when it runs a single worker in-process."""
        if self.process is None:
            return []
        if self.workers == 1:
            return [self.process.pid]
        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []
        pids = []
        for child in children:
            with contextlib.suppress(psutil.Error):
                # multiprocessing's resource tracker is a child too, but serves nothing.
                if "resource_tracker" not in " ".join(child.cmdline()):
                    pids.append(child.pid)
        return pids

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM (uvicorn stops its workers gracefully), then SIGKILL for whatever is left."""
        if self.process is None:
            return
        try:
            family = [
                self.process.pid,
                *(c.pid for c in psutil.Process(self.process.pid).children(recursive=True)),
            ]
        except psutil.NoSuchProcess:
            family = [self.process.pid]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in family[1:]:  # workers orphaned by a killed supervisor
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        self.process = None


class RssSampler:
    """Samples each worker's RSS in a thread; ``peaks`` is the highest seen per worker (MB)."""

    def __init__(self, server: Server, *, interval: float = 0.25) -> None:
        self.server = server
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.server.worker_pids():
                with contextlib.suppress(psutil.Error):
                    rss = psutil.Process(pid).memory_info().rss / 1024 / 1024
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(self.peaks.values(), default=0.0)
