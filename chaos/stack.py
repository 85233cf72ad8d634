"""The whole stack a scenario breaks: its own PostgreSQL, Redis, the saved-portal server, two
API processes behind nginx, two workers. ``restore`` brings back whatever a scenario broke;
``stop`` takes everything down (the suite calls it whatever happens)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from bench.server import free_port
from chaos import database
from chaos.portal import SavedPortal
from chaos.postgres import PostgresCluster
from chaos.processes import Managed, StackFailed, wait_for
from chaos.proxy import Nginx

# The load scenarios must never meet the per-client limit; 7 and 4 use their own pair at 60.
LOAD_RATE_LIMIT = 10_000_000
# Short, so a dead worker's lease runs out within a scenario's bound; long enough that a
# five-second database outage does not let the other worker take a live run away.
TICK_SECONDS = 1.0
LEASE_SECONDS = 12.0
START_TIMEOUT = 60.0
# Not a secret: the local portal accepts any key; a key makes bizinfo's source use its Open API.
PORTAL_KEY = "chaos-local-portal"


def redis_command(port: int, command: bytes) -> bytes:
    """One inline command to the Redis on ``port`` and the start of its answer (no client
    library needed for PING and FLUSHALL)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(command + b"\r\n")
        return sock.recv(64)


def redis_ping(port: int) -> bool:
    try:
        return redis_command(port, b"PING").startswith(b"+PONG")
    except OSError:
        return False


def write_key_file(path: Path, rate_limit: int) -> Path:
    path.write_text(f"API_RATE_LIMIT={rate_limit}\n", encoding="utf-8")
    path.chmod(0o600)  # else the server warns about a readable key file
    return path


class ApiProcess(Managed):
    """``paperwork serve`` without its scheduler (the workers run the schedule)."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "paperwork", "serve", "--host", "127.0.0.1",
            "--port", str(self.port), "--no-migrate",
        ]  # fmt: skip
        super().__init__(name, command, env=env, cwd=workdir, log_path=workdir / f"{name}.log")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthy(self) -> bool:
        self.check_alive()
        try:
            return httpx.get(f"{self.base_url}/health", timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    def start_and_wait(self) -> None:
        self.start()
        wait_for(f"{self.name} /health", self.healthy, timeout=START_TIMEOUT, interval=0.3)


class Stack:
    def __init__(self, workdir: Path, *, nginx_site: Path) -> None:
        self.workdir = workdir
        self.nginx_site = nginx_site
        self.postgres = PostgresCluster(workdir)
        self.redis_port = free_port()
        self.redis = Managed(
            "redis",
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),  # nothing kept: a restart starts empty
            ],
            env=dict(os.environ),
            cwd=workdir,
            log_path=workdir / "redis.log",
        )
        self.portal = SavedPortal()
        self.apis: list[ApiProcess] = []
        self.workers: list[Managed] = []
        self.nginx: Nginx | None = None
        self.extra: list[Managed | Nginx] = []  # scenario-owned processes, stopped by restore

    # -- environment --------------------------------------------------------------------------

    @property
    def database_url(self) -> str:
        return self.postgres.url

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def base_url(self) -> str:
        assert self.nginx is not None
        return self.nginx.base_url

    def environment(self, *, key_file: Path, log_level: str = "WARNING") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWORK_")}
        env.update(
            {
                "PAPERWORK_DATABASE_URL": self.database_url,
                "PAPERWORK_ENV_AI_FILE": str(key_file),
                "PAPERWORK_LOG_LEVEL": log_level,
                "PAPERWORK_SCHEDULER": "false",
                "PAPERWORK_SCHEDULER_TICK_SECONDS": str(TICK_SECONDS),
                "PAPERWORK_SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS),
                "PAPERWORK_BIZINFO_URL": self.portal.url,
                "PAPERWORK_BIZINFO_API_KEY": PORTAL_KEY,
                # Attachment links point at the real portals: never reached from here.
                "PAPERWORK_ATTACHMENTS": "false",
                "PAPERWORK_FILES_DIR": str(self.workdir / "files"),
                "PAPERWORK_RATE_LIMIT_STORAGE": self.redis_url,
                "PAPERWORK_TRUSTED_PROXIES": "127.0.0.1",
            }
        )
        return env

    def paperwork(self, *args: str, timeout: float = 120) -> str:
        """A ``paperwork`` command against the suite's database; its output."""
        done = subprocess.run(
            [sys.executable, "-m", "paperwork", *args],
            env=self.environment(key_file=self.workdir / "load.env.ai"),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise StackFailed(f"paperwork {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def api_pair(self, prefix: str, *, rate_limit: int) -> list[ApiProcess]:
        """Two API processes (not started) sharing a key file with this rate limit."""
        key_file = write_key_file(self.workdir / f"{prefix}.env.ai", rate_limit)
        env = self.environment(key_file=key_file)
        return [ApiProcess(f"{prefix}-{n}", env, self.workdir) for n in (1, 2)]

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self, *, seed_programs: int) -> None:
        self.postgres.create()
        write_key_file(self.workdir / "load.env.ai", LOAD_RATE_LIMIT)
        self.paperwork("db", "upgrade")
        database.run(database.prepare_portals(self.database_url))
        database.run(database.seed_programs(self.database_url, seed_programs))
        self.redis.start()
        wait_for("redis", self._redis_answers, timeout=15)
        self.portal.start()
        self.apis = self.api_pair("api", rate_limit=LOAD_RATE_LIMIT)
        for api in self.apis:
            api.start_and_wait()
        worker_env = self.environment(key_file=self.workdir / "load.env.ai", log_level="INFO")
        self.workers = [
            Managed(
                f"worker-{n}",
                [sys.executable, "-m", "paperwork", "worker"],
                env=worker_env,
                cwd=self.workdir,
                log_path=self.workdir / f"worker-{n}.log",
            )
            for n in (1, 2)
        ]
        for worker in self.workers:
            worker.start()
        self.nginx = Nginx(self.workdir, "nginx", [api.port for api in self.apis], self.nginx_site)
        self.nginx.start()

    def _redis_answers(self) -> bool:
        self.redis.check_alive()
        return redis_ping(self.redis_port)

    def worker_by_pid(self, pid: int) -> Managed | None:
        return next((w for w in self.workers if w.pid == pid), None)

    def restore(self) -> None:
        """Whatever a scenario broke, brought back (an error here rebuilds the stack)."""
        for process in self.extra:
            process.stop()
        self.extra.clear()
        if not self.postgres.running:
            self.postgres.start()
        if not self.redis.alive:
            self.redis.start()
            wait_for("redis", self._redis_answers, timeout=15)
        self.portal.serve(None)
        database.run(database.pause_collection(self.database_url))
        for api in self.apis:
            if not api.alive:
                api.start_and_wait()
            wait_for(f"{api.name} /health", api.healthy, timeout=START_TIMEOUT, interval=0.3)
        for worker in self.workers:
            if not worker.alive:
                worker.start()
        if self.nginx is not None and (self.nginx.managed is None or not self.nginx.managed.alive):
            self.nginx.start()

    def logs(self) -> dict[str, str]:
        """The tail of every process's log (printed when a scenario fails)."""
        tails = {p.name: p.log_tail(15) for p in (*self.apis, *self.workers, self.redis)}
        for extra in self.extra:
            tails[getattr(extra, "name", "extra")] = extra.log_tail(15)
        if self.nginx is not None:
            tails["nginx"] = self.nginx.log_tail(15)
        with contextlib.suppress(OSError):
            tails["postgres"] = "\n".join(
                self.postgres.log_path.read_text(errors="replace").splitlines()[-15:]
            )
        return tails

    def stop(self) -> None:
        for process in [*self.extra, self.nginx, *self.workers, *self.apis, self.redis]:
            if process is not None:
                with contextlib.suppress(Exception):
                    process.stop()
        with contextlib.suppress(Exception):
            self.portal.close()
        self.postgres.remove()
