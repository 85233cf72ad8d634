"""A portal's file host for the attachment tests: a real HTTP server on 127.0.0.1 that serves a
robots.txt and the files a test puts on it, honours conditional GETs (ETag), redirects where told
to, and records every request. The attachments pass reaches it over real HTTP.

    server.put("/cmm/fms/getImageFile.do?atchFileId=F1&fileSn=0", data)  # 200, with an ETag
    server.redirect("/moved", "http://localhost:PORT/elsewhere")
    server.robots = "User-agent: *\\nDisallow: /afile"
    server.requests          # [(path with query, headers)]
    server.url("/path")      # http://127.0.0.1:PORT/path
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOCALHOST = "127.0.0.1"


class FileServer:
    def __init__(self) -> None:
        self.robots = "User-agent: *\nAllow: /\n"
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.declared_length: dict[str, int] = {}  # path → a Content-Length to send instead
        self._files: dict[str, bytes] = {}
        self._redirects: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((LOCALHOST, 0), _handler_for(self))
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str, host: str = LOCALHOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def put(self, path: str, data: bytes) -> str:
        with self._lock:
            self._files[path] = data
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        with self._lock:
            self._redirects[path] = location
        return self.url(path)

    def downloads(self, path: str) -> int:
        """Requests for ``path`` answered with its bytes (not 304s, not robots.txt)."""
        with self._lock:
            return sum(1 for seen, headers in self.requests if seen == path and "served" in headers)

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            if path == "/robots.txt":
                return 200, {"Content-Type": "text/plain"}, self.robots.encode()
            if path in self._redirects:
                return 302, {"Location": self._redirects[path]}, b""
            data = self._files.get(path)
        if data is None:
            return 404, {}, b"not found"
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        headers["served"] = "1"
        return 200, {"ETag": etag, "Content-Type": "application/octet-stream"}, data

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer_headers, body = server.answer(self.path, headers)
            with server._lock:
                server.requests.append((self.path, headers))
            self.send_response(status)
            for name, value in answer_headers.items():
                self.send_header(name, value)
            length = server.declared_length.get(self.path, len(body))
            self.send_header("Content-Length", str(length))
            self.end_headers()
            # (A client refusing a file too large hangs up mid-answer: expected.)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
