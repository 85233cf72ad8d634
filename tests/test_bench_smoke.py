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

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from paperwork.collectors.base import CollectorSettings
from paperwork.collectors.quality import quality_score
from paperwork.collectors.registry import parser_for
from paperwork.config import Settings, normalize_database_url
from paperwork.search.abbreviations import load_abbreviations
from paperwork.search.normalize import fold
from paperwork.search.tokens import query_terms

# bench/ sits beside src/ in the checkout and is not installed: import it from there.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database, load, queries, report, synthetic  # noqa: E402
from bench.targets import targets  # noqa: E402

PG_URL_VARIABLE = "PAPERWORK_TEST_DATABASE_URL"
SMOKE_TIMEOUT = 480  # seconds; the smoke run takes 1-2 minutes (3-4 on a busy machine)


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
    searches = result["searches"]
    assert searches["first_pages"] == 4_000 and searches["kinds"] == queries.COUNTS
    # Cursor pages when the server pages by cursor (a 2,000-program load has fewer pages).
    assert searches["cursor_pages"] > 100 or not searches["cursors"]
    # The alerts pass: every alert evaluated against the run's programs, some of them told.
    alerts = result["alerts_match"]
    assert (alerts["alerts"], alerts["new_programs"]) == (200, 50)
    assert alerts["messages"] > 0 and alerts["peak_rss_mb"] > 0
    # Attachments: 20 files of every format extracted in the sandbox, every program indexed.
    extraction, indexing = result["attachments"]["extraction"], result["attachments"]["indexing"]
    assert extraction["all"]["statuses"] == {"extracted": 20} and extraction["errors"] == 0
    assert all(figures["files"] > 0 for figures in extraction["formats"].values())
    assert indexing["programs"] == indexing["vectors"] == 2_000
    assert indexing["links"] == 2_000 + 200  # a notice each, the shared form every tenth
    # The table went to stdout; the database is gone afterwards.
    assert "collection_list" in done.stdout and "ingest" in done.stdout
    assert "messages queued" in done.stdout
    assert "files/s" in done.stdout and "ingest with attachment text" in done.stdout
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
    deep = [f"/api/v1/programs?q=deep&cursor={n}" for n in range(300)]
    chosen = {target.name: target for target in targets(1, deep_pages=deep, year=2026)}
    cold, facets = chosen["search_cold"], chosen["search_facets"]
    assert len(set(cold.paths)) == len(cold.paths) == 4_000 + len(deep)
    assert [path for path in cold.paths if "cursor=" in path] == deep  # spread, in order
    assert cold.paths.index(deep[0]) < 50 and cold.paths.index(deep[-1]) > 4_200
    assert len(set(facets.paths)) == len(facets.paths) == 4_000
    facets_param = "facets=portal_id%2Cstatus%2Cregion%2Ccategory"
    assert all(path.endswith(facets_param) for path in facets.paths)
    first_pages = [path for path in cold.paths if "cursor=" not in path]
    assert [path.removesuffix(f"&{facets_param}") for path in facets.paths] == first_pages
    assert targets(1, year=2026)[-2].paths == tuple(first_pages)  # the same every time


def test_cold_searches_have_every_kind_and_filter() -> None:
    searches = queries.cold_searches(2026)
    mix = queries.mix(searches)
    assert mix["kinds"] == queries.COUNTS and sum(queries.COUNTS.values()) == 4_000
    assert {"none", "status", "portal_id", "region", "category", "sort"} <= set(mix["filters"])
    words = queries.words_of_kind(2026)
    assert all(len(text) == 1 for text in words["one_syllable"])
    assert all(len(text) == 2 and " " not in text for text in words["two_syllables"])
    assert all(len(text) >= 3 and " " not in text for text in words["three_plus_syllables"])
    assert all(len(text.split()) == 2 for text in words["two_words"])
    assert all(any(char.isascii() and char.isalnum() for char in fold(text))
               for text in words["latin"])  # fmt: skip


def test_every_cold_search_finds_programs_in_the_synthetic_data() -> None:
    """Each query text (filters aside) matches a program of a small synthetic load under the
    search rules of issue 12: realistic words, not searches that find nothing."""
    today = dt.date.today()
    settings = CollectorSettings.from_settings(Settings(_env_file=None))
    documents = []
    regions, categories = set(), set()
    for portal in synthetic.PORTALS:
        parser = parser_for(portal, settings)
        for item in synthetic.generate(portal, 1_000, seed=6, today=today, reject_rate=0):
            program = parser.normalize(item, today=today)
            fields = (
                program.title, program.implementing_agency, program.target_audience,
                program.description,
            )  # fmt: skip
            documents.append([fold(field) for field in fields if field])
            regions.add(program.region or "")
            categories.add(program.support_field or "")
    abbreviations = load_abbreviations()

    def finds(q: str) -> bool:
        groups = [abbreviations.alternatives(term) for term in query_terms(q)]
        assert groups, q
        return any(
            all(any(t.found_in(f) for t in group for f in fields) for group in groups)
            for fields in documents
        )

    texts = {text for kind in queries.words_of_kind(today.year).values() for text in kind}
    assert [text for text in sorted(texts) if not finds(text)] == []
    # The filters' values are ones the programs have (a filter is "contains").
    assert all(any(value in region for region in regions) for value in queries.REGIONS)
    assert all(any(value in field for field in categories) for value in queries.CATEGORIES)


def _cursor_server(
    pages: int, *, cursors: bool = True, fail_at: int | None = None
) -> httpx.MockTransport:
    """A /api/v1/programs that has ``pages`` pages, giving ``next_cursor`` "c2", "c3", ..."""

    def handle(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("cursor", "c1")[1:])
        if page == fail_at:
            return httpx.Response(422, json={"success": False})
        data: dict[str, object] = {"items": [], "total": pages * 20}
        if cursors:
            data["next_cursor"] = f"c{page + 1}" if page < pages else None
        return httpx.Response(200, json={"success": True, "data": data})

    return httpx.MockTransport(handle)


def test_deep_pages_follow_next_cursor_to_the_chains_depth_or_the_last_page() -> None:
    chains = (
        queries.Chain((("q", "창업"),), 5),
        queries.Chain((("q", "수출"), ("status", "open")), 50),
    )
    deep = queries.collect_deep_pages("http://bench", chains, transport=_cursor_server(8))
    assert deep.cursors and deep.pages == {chains[0].name: 5, chains[1].name: 8}
    assert len(deep.paths) == 4 + 7  # pages 2..5 and 2..8, each asked once
    assert deep.paths[:2] == [
        "/api/v1/programs?q=%EC%B0%BD%EC%97%85&cursor=c2",
        "/api/v1/programs?q=%EC%88%98%EC%B6%9C&status=open&cursor=c2",
    ]  # the chains in turn
    assert deep.paths[-1] == "/api/v1/programs?q=%EC%88%98%EC%B6%9C&status=open&cursor=c8"


def test_deep_pages_are_none_from_a_server_without_cursors_and_errors_are_not_hidden() -> None:
    chains = (queries.Chain((("q", "창업"),), 5),)
    none = queries.collect_deep_pages(
        "http://b", chains, transport=_cursor_server(8, cursors=False)
    )
    assert none.paths == [] and not none.cursors
    with pytest.raises(queries.CollectFailed, match="422"):
        queries.collect_deep_pages("http://b", chains, transport=_cursor_server(8, fail_at=3))


def test_report_never_overwrites_a_run_of_the_same_day(tmp_path: Path) -> None:
    first = report.save({"date": "2026-11-26"}, tmp_path)
    second = report.save({"date": "2026-11-26"}, tmp_path)
    assert first.name == "2026-11-26.json" and second != first
    assert json.loads(second.read_text(encoding="utf-8")) == {"date": "2026-11-26"}
