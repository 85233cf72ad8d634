"""Load from a second process: ``wrk`` when installed (its latency histogram read by a Lua
``done()``), otherwise the bundled generator below, run as ``python -m bench.load`` — raw asyncio
streams speaking HTTP/1.1 keep-alive, ``connections`` loops each with one request in flight,
like wrk. (An httpx client would cost more CPU per request than the server under test, on the
same two cores.)

Errors are non-2xx answers plus transport errors (refused, reset, timed out). wrk counts only
statuses ≥ 400 as errors; no target redirects and no ``If-None-Match`` is sent, so no 3xx occur.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REQUEST_TIMEOUT = 10.0  # seconds; a slower answer counts as an error, as in wrk --timeout
ROOT = Path(__file__).resolve().parent.parent

# Several paths: each wrk thread asks them in turn, the threads starting apart.
WRK_PATHS = """
local paths = {%s}
local threads = 0
setup = function(thread)
  thread:set("first", threads * 997)
  threads = threads + 1
end
init = function(args)
  n = first or 0
end
request = function()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n])
end
"""
WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT %d %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(95)),
    math.floor(latency:percentile(99)), math.floor(latency.max)))
end
"""


@dataclass
class LoadResult:
    tool: str
    requests: int  # answers received, whatever their status
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    status_errors: int = 0  # non-2xx answers
    transport_errors: dict[str, int] = field(default_factory=dict)  # by kind

    @property
    def errors(self) -> int:
        return self.status_errors + sum(self.transport_errors.values())

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "errors": self.errors, "rps": round(self.rps, 1)}


def tool_for(choice: str) -> str:
    """``auto`` → ``wrk`` when on the PATH, else the bundled ``python`` generator."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--loadgen wrk: wrk is not installed (apt-get install wrk)")
    return choice


def measure(urls: Sequence[str], *, seconds: float, connections: int, tool: str) -> LoadResult:
    """Load one target: its URLs (one, or several asked in turn) for ``seconds``."""
    if tool == "wrk":
        return run_wrk(urls, seconds=seconds, connections=connections)
    return run_bundled([urls], seconds=seconds, connections=connections)[0]


def _wrk_script(urls: Sequence[str]) -> str:
    if len(urls) == 1:
        return WRK_DONE
    paths = []
    for url in urls:
        parts = urlsplit(url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    # Percent-encoded paths hold no quote or backslash: safe inside a Lua string.
    return WRK_PATHS % ", ".join(f'"{path}"' for path in paths) + WRK_DONE


def run_wrk(urls: Sequence[str], *, seconds: float, connections: int) -> LoadResult:
    threads = max(1, min(2, connections, os.cpu_count() or 1))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_wrk_script(urls))
    try:
        command = [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, math.ceil(seconds))}s",
            f"--timeout={REQUEST_TIMEOUT:.0f}s", "-s", script.name, urls[0],
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    requests, duration_us, connect, read, write, status, timeout, p50, p95, p99, top = (
        int(value) for value in line.split()[1:]
    )
    transport = {"connect": connect, "read": read, "write": write, "timeout": timeout}
    return LoadResult(
        tool="wrk",
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        p99_ms=p99 / 1000,
        max_ms=top / 1000,
        status_errors=status,
        transport_errors={k: v for k, v in transport.items() if v},
    )


def run_bundled(
    targets: Sequence[Sequence[str]], *, seconds: float, connections: int
) -> list[LoadResult]:
    """The bundled generator in a child process, one target after the other. The targets go
    through stdin as JSON: thousands of URLs would overflow an argument list."""
    command = [
        sys.executable, "-m", "bench.load", "--seconds", str(seconds),
        "--connections", str(connections),
    ]  # fmt: skip
    done = subprocess.run(
        command,
        input=json.dumps([list(urls) for urls in targets]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.load failed ({done.returncode}): {done.stderr[-2000:]}")
    results = json.loads(done.stdout)
    return [LoadResult(**result) for result in results]


# --- the bundled generator (runs in the child process) ---------------------------------------


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.status_errors = 0
        self.transport: dict[str, int] = {}

    def fail(self, kind: str) -> None:
        self.transport[kind] = self.transport.get(kind, 0) + 1


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole answer; returns its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    if b"content-length" in headers:
        await reader.readexactly(int(headers[b"content-length"]))
    elif headers.get(b"transfer-encoding") == b"chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers, then the empty line that ends the answer
                break
            await reader.readexactly(size + 2)
    return status, headers.get(b"connection") != b"close"


def _request(url: str) -> bytes:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: paperwork-bench\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode("ascii")


async def _connection(
    requests: Sequence[bytes], first: int, address: tuple[str, int], deadline: float, tally: _Tally
) -> None:
    """One keep-alive connection asking ``requests`` in turn from ``first``, until ``deadline``."""
    host, port = address
    turn = first
    stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.perf_counter() < deadline:
        try:
            if stream is None:
                opening = asyncio.open_connection(host, port)
                stream = await asyncio.wait_for(opening, REQUEST_TIMEOUT)
            reader, writer = stream
            started = time.perf_counter()
            writer.write(requests[turn % len(requests)])
            turn += 1
            status, keep_alive = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT)
            tally.latencies.append(time.perf_counter() - started)
            tally.status_errors += not 200 <= status < 300
        except TimeoutError:
            tally.fail("timeout")
            keep_alive = False
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            tally.fail(type(exc).__name__)
            keep_alive = False
            await asyncio.sleep(0.01)  # a refused connection must not spin the loop
        if not keep_alive and stream is not None:
            stream[1].close()
            stream = None
    if stream is not None:
        stream[1].close()
        with contextlib.suppress(OSError):
            await stream[1].wait_closed()


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (seconds → milliseconds)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1] * 1000


async def generate(urls: Sequence[str], *, seconds: float, connections: int) -> LoadResult:
    parts = urlsplit(urls[0])
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    requests = [_request(url) for url in urls]
    tally = _Tally()
    started = time.perf_counter()
    deadline = started + seconds
    spread = max(1, len(requests) // connections)  # connections start apart in the list
    await asyncio.gather(
        *(_connection(requests, i * spread, address, deadline, tally) for i in range(connections))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(tally.latencies)
    return LoadResult(
        tool="python",
        requests=len(ordered),
        seconds=elapsed,
        p50_ms=_percentile(ordered, 50),
        p95_ms=_percentile(ordered, 95),
        p99_ms=_percentile(ordered, 99),
        max_ms=ordered[-1] * 1000 if ordered else 0.0,
        status_errors=tally.status_errors,
        transport_errors=tally.transport,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument(
        "urls", nargs="*", help="one target per URL; none: a JSON list of URL lists on stdin"
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    targets: list[list[str]] = [[url] for url in args.urls] or json.load(sys.stdin)
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    try:  # uvloop (installed with uvicorn[standard]) roughly halves the client's CPU per request
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        pass
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        results = [
            runner.run(generate(urls, seconds=args.seconds, connections=args.connections))
            for urls in targets
        ]
    json.dump([asdict(result) for result in results], sys.stdout)


if __name__ == "__main__":
    main()
