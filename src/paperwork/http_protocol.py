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
    (the status line and headers) is kept and sent together with the next one; from then on
    the response writes to the connection itself."""

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._head is None:
            if self._cycle.response_started:
                self._head = data
            else:  # "100 Continue", written before the response starts: it goes at once
                self._transport.write(data)
            return
        self._cycle.transport = self._transport
        self._transport.write(self._head + data)

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
