"""Extraction in a child process with a time and a memory limit, so that a zip bomb, a damaged
OLE file or a PDF that sends pypdf into a spin costs only its own extraction (recorded as
``failed`` with the reason), never the worker.

One long-lived child serves file after file (starting Python and importing pypdf for each would
cost more than most extractions). The parent writes a length-prefixed file to the child's stdin;
the child answers with two length-prefixed JSON frames on its stdout: the sniffed media type as
soon as it knows it, then the result. The parent reads with a deadline; on a timeout, a crash or
an out-of-memory the child is killed and the next file gets a fresh one.

Run as ``python -m paperwork.attachments.sandbox --memory-mb N`` it is the child: it imports only
the extraction modules, so it starts fast and never pulls in the web app.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import selectors
import struct
import subprocess
import sys
import threading
import time
from types import TracebackType
from typing import Any, BinaryIO

from paperwork.attachments.extract import (
    MAX_FILE_BYTES,
    Extraction,
    extract_sniffed,
    too_large,
)
from paperwork.attachments.sniff import BINARY, sniff
from paperwork.vocabulary import ExtractionStatus

CHILD_MODULE = "paperwork.attachments.sandbox"
_LENGTH = struct.Struct("!Q")
_CHUNK = 1024 * 1024
# How long an idle child is given to exit when closed, and one whose output closed (it is dying)
# to be reaped, so that its own exit status is reported rather than our SIGKILL.
_EXIT_GRACE = 2.0
_DYING_GRACE = 1.0
_MEMORY_RESERVE = 4 * 1024 * 1024


class _ChildGone(Exception):
    """The child's pipe closed: it died (or was killed) before answering."""


class _Timeout(Exception):
    """The deadline passed before the child answered."""


class ExtractionSandbox:
    """Extracts files in a child process limited to ``timeout`` seconds per file and
    ``memory_mb`` of address space. Thread-safe (one file at a time); async callers use
    ``asyncio.to_thread(sandbox.extract, data)``."""

    def __init__(self, timeout: float = 30.0, memory_mb: int = 1024) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._child: _Child | None = None

    def __enter__(self) -> ExtractionSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The running child's process id (None before the first file, or after close)."""
        child = self._child
        return child.process.pid if child is not None else None

    def extract(self, data: bytes) -> Extraction:
        """What ``extract.extract`` says of ``data``, or ``failed`` with the reason when the child
        ran out of time or memory or died. Blocks until then."""
        if len(data) > MAX_FILE_BYTES:
            return too_large(data)  # never shipped to the child at all
        with self._lock:
            started = self._hand_over(data)
            if isinstance(started, Extraction):
                return started
            child, media_type, deadline = started
            try:
                reply = child.receive(deadline)
            except _ChildGone:
                return Extraction.failed(self._discard(_DYING_GRACE), media_type)
            except _Timeout:
                self._discard()
                return Extraction.failed(self._timeout_reason(), media_type)
            if reply.get("retire"):  # out of memory: its heap is no place for the next file
                self._discard()
            return Extraction(
                status=ExtractionStatus(reply["status"]),
                text=str(reply["text"]),
                error=reply["error"],
                media_type=str(reply["media_type"]),
            )

    def close(self) -> None:
        """Stops the child (it exits at the end of its input; killed if it does not)."""
        with self._lock:
            child, self._child = self._child, None
            if child is not None:
                child.stop(grace=_EXIT_GRACE)

    def _hand_over(self, data: bytes) -> tuple[_Child, str, float] | Extraction:
        """Gives ``data`` to a live child: the child, the media type it sniffed and the deadline
        for its answer; or the failure, when it came before that."""
        for attempt in (1, 2):
            child = self._running_child()
            deadline = time.monotonic() + self.timeout
            try:
                child.send(data, deadline)
                return child, str(child.receive(deadline)["media_type"]), deadline
            except _Timeout:
                self._discard()
                return Extraction.failed(self._timeout_reason(), BINARY)
            except _ChildGone:
                # Dead before it looked at the file: killed between files, most likely. A
                # fresh child gets the file; if that one dies too, the file is the cause.
                reason = self._discard(_DYING_GRACE)
                if attempt == 2:
                    return Extraction.failed(reason, BINARY)
        raise AssertionError("unreachable")

    def _running_child(self) -> _Child:
        if self._child is not None and not self._child.alive():
            self._child.stop()
            self._child = None
        if self._child is None:
            self._child = _Child.start(self.memory_mb)
        return self._child

    def _discard(self, grace: float = 0.0) -> str:
        """Ends the current child (SIGKILL after ``grace`` seconds); how it ended, in the words
        recorded for the file."""
        child, self._child = self._child, None
        return child.stop(grace) if child is not None else "the extraction process died"

    def _timeout_reason(self) -> str:
        return f"took longer than {self.timeout:g} s"


class _Child:
    """One child process and the two pipes to it, read and written against deadlines."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process = process
        self._stdin = process.stdin
        self._stdout = process.stdout.fileno()
        os.set_blocking(self._stdin.fileno(), False)
        os.set_blocking(self._stdout, False)
        self._buffer = bytearray()

    @classmethod
    def start(cls, memory_mb: int) -> _Child:
        command = [sys.executable, "-m", CHILD_MODULE, "--memory-mb", str(memory_mb)]
        # Its own session: a Ctrl-C meant for the worker must not reach the child mid-file.
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
        )
        return cls(process)

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, data: bytes, deadline: float) -> None:
        message = memoryview(_LENGTH.pack(len(data)) + data)
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdin.fileno(), selectors.EVENT_WRITE)
            while message:
                self._wait(selector, deadline)
                try:
                    written = os.write(self._stdin.fileno(), message[:_CHUNK])
                except BlockingIOError:
                    continue
                except (BrokenPipeError, ConnectionResetError) as exc:
                    raise _ChildGone from exc
                message = message[written:]

    def receive(self, deadline: float) -> dict[str, Any]:
        """The next JSON frame from the child."""
        header = self._read_exactly(_LENGTH.size, deadline)
        (length,) = _LENGTH.unpack(header)
        try:
            answer: dict[str, Any] = json.loads(self._read_exactly(length, deadline))
        except ValueError as exc:  # garbled output: a child in that state is as good as dead
            raise _ChildGone from exc
        return answer

    def stop(self, grace: float = 0.0) -> str:
        """Ends the child: closes its input, gives it ``grace`` seconds to exit (a child whose
        output closed because it is dying needs a moment to be reaped), then SIGKILL. Says how
        it ended."""
        with contextlib.suppress(OSError):
            self._stdin.close()
        try:
            code = self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if code < 0:
            return f"the extraction process died: signal {-code}"
        return f"the extraction process died: exit code {code}"

    def _read_exactly(self, count: int, deadline: float) -> bytes:
        with selectors.DefaultSelector() as selector:
            selector.register(self._stdout, selectors.EVENT_READ)
            while len(self._buffer) < count:
                self._wait(selector, deadline)
                try:
                    chunk = os.read(self._stdout, _CHUNK)
                except BlockingIOError:
                    continue
                if not chunk:
                    raise _ChildGone
                self._buffer += chunk
        frame = bytes(self._buffer[:count])
        del self._buffer[:count]
        return frame

    @staticmethod
    def _wait(selector: selectors.BaseSelector, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            raise _Timeout


# The child's side.


def _serve(memory_mb: int) -> int:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash should not leave a core behind
    # pypdf logs every defect it repairs as a warning: noise on the worker's stderr.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # The protocol owns stdout: anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    out_of_memory = f"ran out of memory (limit {memory_mb} MB)"
    while True:
        header = source.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            return 0  # the parent closed our input: done
        # Room to answer in when the file has taken all the rest.
        reserve: bytearray | None = bytearray(_MEMORY_RESERVE)
        media_type, told, exhausted = BINARY, False, False
        data, reply = b"", dict[str, Any]()
        try:
            data = source.read(_LENGTH.unpack(header)[0])
            media_type = sniff(data)
            _write_frame(out, {"media_type": media_type})
            told = True
            result = extract_sniffed(data, media_type)
            reply = {
                "status": result.status.value,
                "text": result.text,
                "error": result.error,
                "media_type": result.media_type,
            }
        except MemoryError:
            # Only note it: until this block ends, the traceback keeps the reader's frames, and
            # with them the memory, alive.
            reserve = None
            exhausted = True
        del data, reserve
        if exhausted:
            reply = {
                "status": ExtractionStatus.failed.value,
                "text": "",
                "error": out_of_memory,
                "media_type": media_type,
                "retire": True,
            }
        if not told:  # the parent reads the media type first, whatever happened
            _write_frame(out, {"media_type": media_type})
        _write_frame(out, reply)


def _write_frame(out: BinaryIO, payload: dict[str, Any]) -> None:
    # ASCII JSON: any str goes through, even one holding a lone surrogate from a broken file.
    body = json.dumps(payload).encode("ascii")
    out.write(_LENGTH.pack(len(body)) + body)
    out.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the extraction sandbox's child process")
    parser.add_argument("--memory-mb", type=int, required=True)
    return _serve(parser.parse_args(argv).memory_mb)


if __name__ == "__main__":
    sys.exit(main())
