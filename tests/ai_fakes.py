"""A local fake of the AI and OCR providers' HTTP APIs (OpenAI Chat Completions, Anthropic
Messages, Gemini generateContent, NAVER CLOVA OCR General), so the gateway is tested over the
real wire formats, through the official SDKs' parsers, and without the internet. One threaded
HTTP server on 127.0.0.1 serves all four; a test scripts it and reads what it received.

    with FakeProviders() as fake:
        AsyncOpenAI(api_key=fake.keys["openai"], base_url=fake.openai_base_url)
        AsyncAnthropic(api_key=fake.keys["anthropic"], base_url=fake.anthropic_base_url)
        genai.Client(api_key=fake.keys["gemini"],
                     http_options=types.HttpOptions(base_url=fake.gemini_base_url))
        httpx.post(fake.clova_url, headers={"X-OCR-SECRET": fake.keys["clova"]}, json={...})
        fake.reply = '{"title": "..."}'   # the text every model answers
        fake.usage_in, fake.usage_out     # the token counts every answer reports
        fake.ocr_words = ["공고\\n", "본문"]  # CLOVA's fields; a trailing newline is a line break
        fake.status = 429                 # every request fails so (429 with Retry-After: 7)
        fake.delay = 2.0                  # seconds to hold each request before answering
        fake.requests_for("openai")       # [Recorded(provider, path, headers, body, json)]
        fake.wait_for(3), fake.peak_in_flight  # for the concurrency tests
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local_servers import free_port

LOCALHOST = "127.0.0.1"
WAIT_SECONDS = 5.0

PROVIDERS = ("openai", "anthropic", "gemini", "clova")
DEFAULT_KEYS: dict[str, str] = {
    "openai": "sk-fake-openai-0123456789",
    "anthropic": "sk-ant-fake-0123456789",
    "gemini": "AIzaFakeGeminiKey0123456789",
    "clova": "fake-clova-secret-0123456789",
}
DEFAULT_REPLY = "안녕하세요. 요약입니다."
DEFAULT_USAGE_IN = 12
DEFAULT_USAGE_OUT = 7
DEFAULT_OCR_WORDS: tuple[str, ...] = (
    "2025년",
    "창업지원사업",
    "공고\n",
    "신청기간:",
    "3월",
    "31일",
)
RETRY_AFTER_SECONDS = 7
CLOVA_PATH = "/custom/v1/10000/fake-domain/general"

_GEMINI_ROUTE = re.compile(
    r"^/v1(?:beta|alpha)?/models/([^/:]+):(generateContent|streamGenerateContent)$"
)
_GEMINI_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    503: "overloaded_error",
    504: "timeout_error",
    529: "overloaded_error",
}


@dataclass(frozen=True)
class Recorded:
    provider: str  # one of PROVIDERS, or "unknown" for a path no provider serves
    path: str  # with the query string (Gemini's ?key= and ?alt=sse)
    headers: dict[str, str]  # names lower-cased: the SDKs differ in the casing they send
    body: bytes
    json: Any | None  # the parsed body (CLOVA multipart: its `message` part); None if not JSON


@dataclass(frozen=True)
class _Settings:
    """What one request is answered with, taken at its arrival so a test that changes the fake
    meanwhile does not get an answer mixed from two configurations."""

    keys: dict[str, str]
    reply: str
    usage_in: int
    usage_out: int
    ocr_words: tuple[str, ...]
    status: int | None
    delay: float


@dataclass
class _Request:
    provider: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: Message
    body: bytes
    json: Any | None
    model: str = ""  # Gemini's, from the path
    gemini_stream: bool = False
    clova_file: bytes | None = None  # the multipart `file` part


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    events: list[bytes] | None = None  # an SSE stream, one flushed chunk per event
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Concurrency tests open dozens of connections at once; the default backlog of 5 would
    # make the kernel drop SYNs and the clients retry a second later.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Ends the kept-alive connections too, so a stopped fake is unreachable (as a provider
        that is down) even for a client whose pool still holds a connection to it."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (the timeout tests) resets its connection mid-answer: expected.
        pass


class FakeProviders:
    """One HTTP server on 127.0.0.1 that answers as OpenAI, Anthropic, Gemini and CLOVA OCR do,
    records every request, and fails, waits or answers as the test configures. The settings
    are plain attributes; each request copies them under a lock when it arrives."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()  # wakes requests held by `delay` at stop()
        self._in_flight = 0
        self._peak_in_flight = 0
        self._restore_defaults()
        self._server = self._bind()
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _restore_defaults(self) -> None:
        self.keys: dict[str, str] = dict(DEFAULT_KEYS)  # a provider left out accepts any key
        self.reply: str = DEFAULT_REPLY
        self.usage_in: int = DEFAULT_USAGE_IN
        self.usage_out: int = DEFAULT_USAGE_OUT
        self.ocr_words: list[str] = list(DEFAULT_OCR_WORDS)
        self.status: int | None = None
        self.delay: float = 0.0

    def _bind(self) -> _Server:
        # free_port() closes its probe before we bind, so another process may take the port in
        # between: try a few.
        for _ in range(5):
            try:
                return _Server((LOCALHOST, free_port()), _handler_for(self))
            except OSError:
                continue
        return _Server((LOCALHOST, free_port()), _handler_for(self))

    @property
    def base_url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """The OpenAI SDK's ``base_url`` (it appends ``/chat/completions``)."""
        return f"{self.base_url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        """The Anthropic SDK's ``base_url`` (it appends ``/v1/messages``)."""
        return self.base_url

    @property
    def gemini_base_url(self) -> str:
        """google-genai's ``HttpOptions(base_url=...)``: its 3.x releases append ``/v1/models/``,
        1.x ``/v1beta/models/``; both are served."""
        return self.base_url

    @property
    def clova_url(self) -> str:
        """A CLOVA General OCR invoke URL (any path ending in ``/general`` is served)."""
        return f"{self.base_url}{CLOVA_PATH}"

    @property
    def in_flight(self) -> int:
        """Requests received and not yet answered."""
        with self._lock:
            return self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """The most requests that were in flight at once since the start or the last reset."""
        with self._lock:
            return self._peak_in_flight

    def requests_for(self, provider: str) -> list[Recorded]:
        return self._matching(provider)

    def wait_for(
        self, count: int, provider: str | None = None, timeout: float = WAIT_SECONDS
    ) -> list[Recorded]:
        """The recorded requests (of ``provider``, or all) once there are ``count``; requests
        are recorded on arrival, before ``delay``, so this also sees the ones being held. It
        blocks, so an async test whose loop runs the held client awaits
        ``asyncio.to_thread(fake.wait_for, count)``."""
        deadline = time.monotonic() + timeout
        while len(found := self._matching(provider)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} request(s) within {timeout}s: {found}")
            time.sleep(0.02)
        return found

    def _matching(self, provider: str | None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if provider in (None, r.provider)]

    def reset(self) -> None:
        """Forget the recorded requests and put every setting back to its default."""
        with self._lock:
            self.requests.clear()
            self._peak_in_flight = self._in_flight
            self._restore_defaults()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(WAIT_SECONDS)

    def __enter__(self) -> FakeProviders:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # The request handler's side, on the server's threads.

    def _arrive(self, recorded: Recorded) -> _Settings:
        with self._lock:
            self.requests.append(recorded)
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
            return _Settings(
                keys=dict(self.keys),
                reply=self.reply,
                usage_in=self.usage_in,
                usage_out=self.usage_out,
                ocr_words=tuple(self.ocr_words),
                status=self.status,
                delay=self.delay,
            )

    def _hold(self, seconds: float) -> None:
        # Short sleeps, not Event.wait(seconds): under `make test-future`'s libfaketime a timed
        # wait's absolute deadline is two years away from the kernel's clock and never comes.
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.02))

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


# Routing and body parsing.


def _route(path: str, query: dict[str, list[str]], headers: Message, body: bytes) -> _Request:
    request = _Request("unknown", path, query, headers, body, _parse_json(body))
    if path == "/v1/chat/completions":
        request.provider = "openai"
    elif path == "/v1/messages":
        request.provider = "anthropic"
    elif match := _GEMINI_ROUTE.match(path):
        request.provider = "gemini"
        request.model = match.group(1)
        request.gemini_stream = match.group(2) == "streamGenerateContent"
    elif path.endswith("/general"):
        request.provider = "clova"
        if headers.get_content_type() == "multipart/form-data":
            parts = _multipart(headers.get("Content-Type", ""), body)
            request.json = _parse_json(parts.get("message", b""))
            request.clova_file = parts.get("file")
    return request


def _parse_json(body: bytes) -> Any | None:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    """The parts of a multipart/form-data body by field name (the stdlib email parser, since
    the cgi module is gone from newer Pythons)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts: dict[str, bytes] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            parts[name] = payload
    return parts


# Answers, provider by provider.


def _answer(request: _Request, settings: _Settings) -> _Answer:
    if request.provider == "unknown":
        return _json_answer(404, {"error": f"the fake serves no {request.path}"})
    if settings.status is not None:
        return _error(request, settings.status)
    expected = settings.keys.get(request.provider)
    presented = _presented_key(request)
    if expected is not None and presented != expected:
        return _auth_error(request, presented)
    if request.provider == "openai":
        return _openai(request, settings)
    if request.provider == "anthropic":
        return _anthropic(request, settings)
    if request.provider == "gemini":
        return _gemini(request, settings)
    return _clova(request, settings)


def _presented_key(request: _Request) -> str:
    headers = request.headers
    bearer = str(headers.get("Authorization", "")).removeprefix("Bearer ").strip()
    if request.provider == "openai":
        return bearer
    if request.provider == "anthropic":
        # x-api-key is the documented header; the SDK's 2.x releases send the key as a Bearer.
        return str(headers.get("x-api-key") or bearer)
    if request.provider == "gemini":
        return str(headers.get("x-goog-api-key") or request.query.get("key", [""])[0])
    return str(headers.get("X-OCR-SECRET", ""))


def _auth_error(request: _Request, presented: str) -> _Answer:
    # The real services echo (part of) a wrong key back; the fake echoes all of it, so a test
    # can prove the gateway never passes a provider's error text on to its own callers.
    provider = request.provider
    if provider == "openai":
        message = (
            f"Incorrect API key provided: {presented}. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
            if presented
            else "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        )
        return _openai_error(401, message, code="invalid_api_key" if presented else None)
    if provider == "anthropic":
        message = f"invalid x-api-key: {presented}" if presented else "x-api-key header is required"
        return _anthropic_error(401, message)
    if provider == "gemini":
        message = (
            f"API key not valid. Please pass a valid API key. (key: {presented})"
            if presented
            else "Method doesn't allow unregistered callers (callers without established "
            "identity). Please use API Key or other form of API consumer identity to call "
            "this API."
        )
        return _gemini_error(401, message, reason="API_KEY_INVALID")
    message = f"Secret key validate failed. (X-OCR-SECRET: {presented})"
    return _clova_error(request, 401, "0002", message)


def _error(request: _Request, status: int) -> _Answer:
    """The configured failure, in the provider's error shape."""
    provider = request.provider
    if provider == "openai":
        if status == 429:
            answer = _openai_error(
                429,
                f"Rate limit reached for requests. Please try again in {RETRY_AFTER_SECONDS}s.",
                type_="requests",
                code="rate_limit_exceeded",
            )
        elif status == 503:
            answer = _openai_error(
                503, "The engine is currently overloaded, please try again later."
            )
        elif status >= 500:
            answer = _openai_error(
                status, "The server had an error while processing your request. Sorry about that!"
            )
        else:
            answer = _openai_error(status, f"The fake was told to answer {status}.")
    elif provider == "anthropic":
        messages = {429: "Number of requests has exceeded your rate limit", 529: "Overloaded"}
        answer = _anthropic_error(status, messages.get(status, "Internal server error"))
    elif provider == "gemini":
        messages = {
            429: "Resource has been exhausted (e.g. check quota).",
            503: "The model is overloaded. Please try again later.",
        }
        default = "An internal error has occurred. Please retry or report the problem."
        answer = _gemini_error(status, messages.get(status, default))
    elif status == 429:
        answer = _clova_error(
            request, 429, "0025", "Calls to this api have exceeded the rate limit."
        )
    elif status >= 500:
        code, message = ("0500", "Unknown service error.")
        if status != 500:
            code, message = ("0501", "OCR service error.")
        answer = _clova_error(request, status, code, message)
    else:
        answer = _clova_error(request, status, "0011", "Request body invalid.")
    if status == 429:
        answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


def _openai(request: _Request, settings: _Settings) -> _Answer:
    body = request.json
    if not isinstance(body, dict) or "messages" not in body:
        return _openai_error(400, "We could not parse the JSON body of your request.")
    # response_format (json_object, json_schema) needs nothing special: the reply is sent as
    # it is, and a test that wants JSON configures a JSON string.
    model = str(body.get("model", "gpt-fake"))
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    usage = {
        "prompt_tokens": settings.usage_in,
        "completion_tokens": settings.usage_out,
        "total_tokens": settings.usage_in + settings.usage_out,
    }
    if not body.get("stream"):
        return _json_answer(
            200,
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": settings.reply,
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
                "system_fingerprint": "fp_fake",
            },
        )
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and bool(options.get("include_usage"))

    def chunk(choices: list[dict[str, Any]], chunk_usage: dict[str, int] | None) -> bytes:
        payload: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": choices,
        }
        if include_usage:
            payload["usage"] = chunk_usage  # null on every chunk but the last, as OpenAI does
        return _sse(payload)

    def choice(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}

    events = [chunk([choice({"role": "assistant", "content": "", "refusal": None})], None)]
    events += [chunk([choice({"content": piece})], None) for piece in _pieces(settings.reply)]
    events.append(chunk([choice({}, "stop")], None))
    if include_usage:
        events.append(chunk([], usage))
    events.append(b"data: [DONE]\n\n")
    return _Answer(200, events=events, content_type="text/event-stream; charset=utf-8")


def _anthropic(request: _Request, settings: _Settings) -> _Answer:
    if not request.headers.get("anthropic-version"):
        return _anthropic_error(400, "anthropic-version: header is required")
    body = request.json
    if not isinstance(body, dict) or "messages" not in body:
        return _anthropic_error(400, "messages: Field required")
    model = str(body.get("model", "claude-fake"))
    message_id = f"msg_{uuid.uuid4().hex[:24]}"
    if not body.get("stream"):
        return _json_answer(
            200,
            {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": settings.reply}],
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": _anthropic_usage(settings.usage_in, settings.usage_out),
            },
            headers={"request-id": f"req_{uuid.uuid4().hex[:24]}"},
        )
    start: dict[str, Any] = {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": _anthropic_usage(settings.usage_in, 1),
    }
    events = [
        _sse({"type": "message_start", "message": start}, event="message_start"),
        _sse(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
            event="content_block_start",
        ),
        _sse({"type": "ping"}, event="ping"),  # the real stream has one; clients must skip it
    ]
    events += [
        _sse(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": piece},
            },
            event="content_block_delta",
        )
        for piece in _pieces(settings.reply)
    ]
    events += [
        _sse({"type": "content_block_stop", "index": 0}, event="content_block_stop"),
        _sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": settings.usage_out},
            },
            event="message_delta",
        ),
        _sse({"type": "message_stop"}, event="message_stop"),
    ]
    return _Answer(200, events=events, content_type="text/event-stream; charset=utf-8")


def _anthropic_usage(input_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def _gemini(request: _Request, settings: _Settings) -> _Answer:
    body = request.json
    if not isinstance(body, dict) or "contents" not in body:
        return _gemini_error(400, "Invalid JSON payload received.")
    response_id = uuid.uuid4().hex[:22]

    def response(text: str, last: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {
            "content": {"role": "model", "parts": [{"text": text}]},
            "index": 0,
        }
        payload: dict[str, Any] = {
            "candidates": [candidate],
            "modelVersion": request.model,
            "responseId": response_id,
        }
        if last:
            candidate["finishReason"] = "STOP"
            payload["usageMetadata"] = {
                "promptTokenCount": settings.usage_in,
                "candidatesTokenCount": settings.usage_out,
                "totalTokenCount": settings.usage_in + settings.usage_out,
            }
        return payload

    if not request.gemini_stream:
        return _json_answer(200, response(settings.reply, last=True))
    pieces = _pieces(settings.reply)
    chunks = [response(piece, last=i == len(pieces) - 1) for i, piece in enumerate(pieces)]
    if request.query.get("alt") != ["sse"]:
        return _json_answer(200, chunks)  # without alt=sse Gemini streams one JSON array
    return _Answer(200, events=[_sse(c) for c in chunks], content_type="text/event-stream")


def _clova(request: _Request, settings: _Settings) -> _Answer:
    body = request.json
    images = body.get("images") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(images, list) or not images:
        return _clova_error(request, 400, "0011", "Request body invalid.")
    has_image = request.clova_file is not None or all(
        isinstance(i, dict) and (i.get("data") or i.get("url")) for i in images
    )
    if not has_image:
        return _clova_error(request, 400, "0011", "Request body invalid.")
    results = [
        {
            "uid": uuid.uuid4().hex,
            "name": str(image.get("name", "")) if isinstance(image, dict) else "",
            "inferResult": "SUCCESS",
            "message": "SUCCESS",
            "validationResult": {"result": "NO_REQUESTED"},
            "fields": _ocr_fields(settings.ocr_words),
        }
        for image in images
    ]
    return _json_answer(
        200,
        {
            "version": str(body.get("version", "V2")),
            "requestId": str(body.get("requestId", "")),
            "timestamp": int(time.time() * 1000),
            "images": results,
        },
    )


def _ocr_fields(words: tuple[str, ...]) -> list[dict[str, Any]]:
    """One field per word, laid out left to right; a word ending in a newline ends its line."""
    fields: list[dict[str, Any]] = []
    x, y = 20, 20
    for number, word in enumerate(words, start=1):
        text = word.rstrip("\n")
        width, height = 24 * max(len(text), 1), 30
        vertices = [
            {"x": float(x), "y": float(y)},
            {"x": float(x + width), "y": float(y)},
            {"x": float(x + width), "y": float(y + height)},
            {"x": float(x), "y": float(y + height)},
        ]
        line_break = word.endswith("\n") or number == len(words)
        fields.append(
            {
                "valueType": "ALL",
                "inferText": text,
                "inferConfidence": 0.9987,
                "type": "NORMAL",
                "lineBreak": line_break,
                "boundingPoly": {"vertices": vertices},
            }
        )
        x, y = (20, y + 40) if line_break else (x + width + 12, y)
    return fields


# Error shapes.


def _openai_error(
    status: int, message: str, *, type_: str | None = None, code: str | None = None
) -> _Answer:
    kind = type_ or ("server_error" if status >= 500 else "invalid_request_error")
    error = {"message": message, "type": kind, "param": None, "code": code}
    return _json_answer(status, {"error": error})


def _anthropic_error(status: int, message: str) -> _Answer:
    kind = _ANTHROPIC_TYPES.get(status, "api_error")
    request_id = f"req_{uuid.uuid4().hex[:24]}"
    return _json_answer(
        status,
        {"type": "error", "error": {"type": kind, "message": message}, "request_id": request_id},
        headers={"request-id": request_id},
    )


def _gemini_error(status: int, message: str, *, reason: str | None = None) -> _Answer:
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "status": _GEMINI_STATUS.get(status, "UNKNOWN"),
    }
    if reason:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ]
    return _json_answer(status, {"error": error})


def _clova_error(request: _Request, status: int, code: str, message: str) -> _Answer:
    return _json_answer(
        status,
        {
            "code": code,
            "message": message,
            "path": request.path,
            "traceId": uuid.uuid4().hex,
            "timestamp": int(time.time() * 1000),
        },
    )


# Wire helpers.


def _json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> _Answer:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return _Answer(status, body=body, headers=dict(headers or {}))


def _sse(payload: Any, event: str | None = None) -> bytes:
    data = f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
    return (f"event: {event}\n{data}" if event else data).encode()


def _pieces(text: str, count: int = 3) -> list[str]:
    """The reply cut into up to ``count`` non-empty pieces, so a stream carries several deltas
    that the client must join."""
    if len(text) < 2:
        return [text]
    size = -(-len(text) // min(count, len(text)))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _read_chunked(handler: BaseHTTPRequestHandler) -> Iterator[bytes]:
    while size := int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16):
        yield handler.rfile.read(size)
        handler.rfile.readline()
    while handler.rfile.readline().strip():
        pass  # trailers


def _handler_for(fake: FakeProviders) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1, so the SDKs keep their connections alive and streams go out chunked as the
        # real services send them.
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                body = b"".join(_read_chunked(self))
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = urlsplit(self.path)
            request = _route(target.path, parse_qs(target.query), self.headers, body)
            recorded = Recorded(
                provider=request.provider,
                path=self.path,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
                json=request.json,
            )
            settings = fake._arrive(recorded)
            try:
                fake._hold(settings.delay)
                self._send(_answer(request, settings))
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up, as the timeout tests want
            finally:
                fake._leave()

        def _send(self, answer: _Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.events is None:
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            for event in answer.events:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test reads fake.requests; stderr noise helps nobody

    return Handler
