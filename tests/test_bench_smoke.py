"""The benchmark harness works (issue 6, "Not a test"): the smoke run end to end on PostgreSQL,
its synthetic data, and its bundled load generator. No timing is asserted anywhere: figures
depend on the machine; only that every target was measured, without errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from paperwork.collectors.base import CollectorSettings
from paperwork.collectors.quality import quality_score
from paperwork.collectors.registry import parser_for
from paperwork.config import Settings, normalize_database_url

# bench/ sits beside src/ in the checkout and is not installed: import it from there.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database, load, report, synthetic  # noqa: E402
from bench.targets import targets  # noqa: E402

PG_URL_VARIABLE = "PAPERWORK_TEST_DATABASE_URL"
SMOKE_TIMEOUT = 240  # seconds; the smoke run takes about 30


def _run_smoke(results: Path, server_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAPERWORK_BENCH_DATABASE_URL": server_url}
    command = [sys.executable, "-m", "bench", "--smoke", "--results-dir", str(results)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = process.communicate(timeout=SMOKE_TIMEOUT)
    except subprocess.TimeoutExpired:
        # SIGTERM, not a kill: the harness then stops its server and drops its database.
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
        pytest.fail(f"the smoke run took over {SMOKE_TIMEOUT} s\n{stderr[-3000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


async def _database_exists(server_url: str, name: str) -> bool:
    engine = create_async_engine(normalize_database_url(server_url))
    try:
        async with engine.connect() as conn:
            query = text("SELECT count(*) FROM pg_database WHERE datname = :name")
            return bool(await conn.scalar(query, {"name": name}))
    finally:
        await engine.dispose()


@pytest.mark.postgres
def test_smoke_run_measures_every_target_without_errors(tmp_path: Path) -> None:
    server_url = os.environ.get(PG_URL_VARIABLE)
    if not server_url:
        pytest.skip(f"the benchmark needs PostgreSQL: set {PG_URL_VARIABLE}")
    done = _run_smoke(tmp_path, server_url)
    assert done.returncode == 0, done.stderr[-3000:]
    [saved] = tmp_path.glob("*.json")
    result = json.loads(saved.read_text(encoding="utf-8"))
    measured = {entry["name"]: entry for entry in result["targets"]}
    assert set(measured) == {target.name for target in targets(1)}
    for name, entry in measured.items():
        assert entry["requests"] > 0, name
        assert entry["errors"] == 0, (name, entry)
    assert result["ingest"]["rate"] > 0
    assert result["ingest"]["stored"] == 2_000  # every good item stored, every reject not
    assert result["ingest"]["rejected"] > 0
    assert result["rss"]["peak_mb"] > 0 and len(result["rss"]["per_worker_mb"]) == 2
    assert result["errors"] == 0
    # The table went to stdout; the database is gone afterwards.
    assert "collection_list" in done.stdout and "ingest" in done.stdout
    name = next(w for w in done.stderr.split() if w.startswith("paperwork_bench_"))
    assert not asyncio.run(_database_exists(server_url, name))


def test_synthetic_items_are_deterministic_and_score_as_built() -> None:
    today = dt.date(2026, 11, 26)
    settings = Settings(_env_file=None)
    kinds: set[str] = set()
    for portal in synthetic.PORTALS:
        items = synthetic.generate(portal, 400, seed=3, today=today)
        again = synthetic.generate(portal, 400, seed=3, today=today)
        assert [i.payload for i in items] == [i.payload for i in again]
        assert len({i.external_id for i in items}) == len(items) == 400 + 24
        parser = parser_for(portal, CollectorSettings.from_settings(settings))
        programs = [parser.normalize(item, today=today) for item in items]
        passing = [p for p in programs if quality_score(p).score >= 7.0]
        assert len(passing) == 400  # the good ones pass, the rejects are rejected
        kinds |= {p.period_kind for p in programs}
        assert {p.application_status for p in passing} >= {"접수중", "마감", "접수예정"}
    assert kinds == {"dated", "rolling", "until_budget", "tba", "unknown"}
    assert synthetic.portal_counts(1001) == {"bizinfo": 501, "kstartup": 300, "mss": 200}


def test_run_plan_generates_every_id_once_and_the_requested_count() -> None:
    plan = database.run_plan(100_000)
    assert sum(good for _portal, _first, good in plan) == 100_000
    seen: set[tuple[str, int]] = set()
    for portal, first, good in plan:
        ids = {(portal, index) for index in range(first, first + synthetic.items_for(good))}
        assert not ids & seen  # rejects number on too: a later run must not reuse their ids
        seen |= ids
    assert [portal for portal, _first, _good in plan[:3]] == list(synthetic.PORTALS)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the server under test

    def do_GET(self) -> None:
        assert isinstance(self.server, _TinyServer)
        self.server.asked.add(self.path)
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b'{"a":', b"1}"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        body = b'{"success": true}'
        self.send_response(404 if self.path == "/x" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _TinyServer(ThreadingHTTPServer):
    asked: set[str]  # every path requested


@pytest.fixture
def tiny() -> Iterator[_TinyServer]:
    """A keep-alive HTTP/1.1 server on localhost: 200 everywhere, 404 on /x."""
    server = _TinyServer(("127.0.0.1", 0), _Handler)
    server.asked = set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _url(server: _TinyServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_bundled_load_generator_counts_answers_and_errors(tiny: _TinyServer) -> None:
    ok, chunked, missing = load.run_bundled(
        [[_url(tiny, "/")], [_url(tiny, "/chunked"), _url(tiny, "/")], [_url(tiny, "/x")]],
        seconds=0.3,
        connections=2,
    )
    for result in (ok, chunked):
        assert result.requests > 0 and result.errors == 0, result
        assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms
    assert missing.requests > 0 and missing.status_errors == missing.requests


# wrk when this machine has it (not a skip otherwise: CI counts skips as failures).
TOOLS = ["python", *(["wrk"] if shutil.which("wrk") else [])]


@pytest.mark.parametrize("tool", TOOLS)
def test_a_target_of_several_paths_asks_every_one(tiny: _TinyServer, tool: str) -> None:
    paths = [f"/a?page={n}" for n in range(5)]
    result = load.measure([_url(tiny, p) for p in paths], seconds=1, connections=2, tool=tool)
    assert result.tool == tool
    assert result.requests > 0 and result.errors == 0
    assert tiny.asked == set(paths)


def test_cold_search_asks_thousands_of_different_questions() -> None:
    [cold] = [target for target in targets(1) if target.name == "search_cold"]
    assert len(set(cold.paths)) == len(cold.paths) >= 4_000


def test_report_never_overwrites_a_run_of_the_same_day(tmp_path: Path) -> None:
    first = report.save({"date": "2026-11-26"}, tmp_path)
    second = report.save({"date": "2026-11-26"}, tmp_path)
    assert first.name == "2026-11-26.json" and second != first
    assert json.loads(second.read_text(encoding="utf-8")) == {"date": "2026-11-26"}
