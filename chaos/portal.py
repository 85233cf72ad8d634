"""The saved-portal server: a local HTTP server answering like the bizinfo Open API
(``/uss/rss/bizinfoApi.do``, paged by ``pageIndex``/``pageUnit``, ``totCnt`` on top) — from
the saved fixture pages by default, as ``tests/apptest.SavedPortal`` does, or from a known set
of synthetic items (``bench.synthetic``) with distinct ids, so a run's outcome can be compared
with exactly what the portal answered. ``delay`` (seconds per request) makes a run slow enough
to be broken in the middle."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from bench import synthetic
from paperwork.collectors.base import RawItem
from paperwork.timeutil import SEOUL, today_in

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "portals"
API_PATH = "/uss/rss/bizinfoApi.do"
SEED = 16  # the number: any fixed seed makes the same items every run


def synthetic_items(count: int, *, first_index: int) -> list[RawItem]:
    """``count`` bizinfo items that all pass the quality threshold (no rejects: every item the
    portal answers becomes exactly one program), ids numbered from ``first_index``."""
    return synthetic.generate(
        "bizinfo", count, seed=SEED, today=today_in(SEOUL), reject_rate=0, first_index=first_index
    )


def api_answer(payloads: Sequence[dict[str, Any]], total: int) -> bytes:
    """One page in the live Open API's shape (``jsonArray`` plus the total)."""
    return json.dumps({"jsonArray": list(payloads), "totCnt": total}, ensure_ascii=False).encode()


class SavedPortal:
    def __init__(self) -> None:
        self.delay = 0.0
        self.requests = 0
        self._items: list[RawItem] | None = None  # None: the saved fixture pages
        self._lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = parse_qs(url.query)
                with portal._lock:
                    portal.requests += 1
                    delay, items = portal.delay, portal._items
                time.sleep(delay)
                if url.path != API_PATH:
                    self._answer(404, b"{}")
                    return
                page = int(query.get("pageIndex", ["1"])[0])
                unit = int(query.get("pageUnit", ["100"])[0])
                self._answer(200, portal._page(items, page, unit))

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _page(self, items: list[RawItem] | None, page: int, unit: int) -> bytes:
        if items is None:
            name = "bizinfo_api_live.json" if page == 1 else "bizinfo_api_live_page2.json"
            return (FIXTURES / name).read_bytes()
        chunk = items[(page - 1) * unit : page * unit]
        return api_answer([item.payload for item in chunk], len(items))

    def start(self) -> None:
        self.thread.start()

    def serve(self, items: list[RawItem] | None, *, delay: float = 0.0) -> None:
        """From now on answer ``items`` (None: the saved pages), ``delay`` s per request."""
        with self._lock:
            self._items, self.delay = items, delay

    def close(self) -> None:
        if self.thread.is_alive():  # shutdown() waits for a serve_forever that never started
            self.server.shutdown()
        self.server.server_close()
