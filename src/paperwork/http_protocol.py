"""The HTTP protocol ``paperwork serve`` runs: uvicorn's httptools protocol, except that a
response's status line and headers go to the socket in one write with the first part of its
body.

Why: uvicorn writes the headers as soon as the app starts its response, and the body in a
second write. A process killed between the two (``kill -9``, the OOM killer) leaves nginx with
headers and no body; nginx has started the client's answer by then and cannot pass the request
to another process, so the client sees a cut response. With one write, a dead process has sent
either the whole of a small response or nothing, and nothing is a connection error that nginx
retries elsewhere (``proxy_next_upstream error``; make chaos, scenario 2).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


class _HeadWithBody:
    """One response's view of the connection: its first write after the response has started
    (the status line and headers) is kept and sent together with the next one."""

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head_seen = False
        self._head = b""

    def write(self, data: bytes) -> None:
        if not self._head_seen and self._cycle.response_started:
            # Before the response starts the cycle may write "100 Continue": that goes at once.
            self._head_seen = True
            self._head = data
            return
        if self._head:
            data, self._head = self._head + data, b""
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        # Everything else (close, is_closing, get_extra_info, ...) is the connection's own.
        return getattr(self._transport, name)


class HeadWithBodyProtocol(HttpToolsProtocol):
    """``uvicorn.run(..., http=HeadWithBodyProtocol)``."""

    def on_headers_complete(self) -> None:
        previous = self.cycle
        super().on_headers_complete()
        if self.cycle is not previous:  # a request began (not an upgrade): its task has not run
            self.cycle.transport = _HeadWithBody(self.transport, self.cycle)  # type: ignore[assignment]
