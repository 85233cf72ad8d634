"""A PostgreSQL cluster of the suite's own (scenario 3 restarts the server, so never the shared
one at :5432): ``initdb`` into the work directory, ``pg_ctl`` on a free port, trust on
127.0.0.1, removed at the end. initdb refuses root: as root (CI) the tools run as ``postgres``."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.server import free_port
from chaos.processes import StackFailed, tail

PG_BIN = Path(os.environ.get("CHAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))
START_TIMEOUT = 60
# Durability is not what the suite tests (a restart is a clean stop): no fsync, so the
# 50,000-item import and the runs are not paced by this machine's disk.
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PostgresCluster:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "postgres"
        self.data = self.dir / "data"
        self.log_path = self.dir / "server.log"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/paperwork"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [*_as_postgres(), *args]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            raise StackFailed(
                f"{' '.join(args[:2])} failed ({done.returncode}): {done.stderr or done.stdout}"
                f"\n{tail(self.log_path)}"
            )
        return done

    def create(self) -> None:
        self.dir.mkdir(mode=0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            # The work directories above must let the postgres user reach its own folder.
            for parent in self.dir.parents:
                if parent == Path(tempfile.gettempdir()) or parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)  # search (x) only, no listing
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        self._run(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "paperwork",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {SERVER_OPTIONS}"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_path), "-o", options,
            "-w", "-t", str(START_TIMEOUT), "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def running(self) -> bool:
        done = self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return done.returncode == 0

    def remove(self) -> None:
        """Stop (immediately: nothing is kept) and delete; safe to call twice."""
        if self.data.exists() and self.running:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                      check=False)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)
