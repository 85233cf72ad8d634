"""Alert channels: the Apprise URLs (``mailto://``, ``slack://``, ``tgram://``, ``json://`` ...) an
alert notifies through, checked when a user saves them and used to send one message each.

Everything that knows about Apprise lives here, so the rest of the alerts code deals in plain
strings and two small results. Three concerns shape it:

* A channel URL is a credential (tokens, passwords, webhook paths), so nothing leaves this module
  with the URL in clear: answers and logs carry ``mask(url)``, and what Apprise logs while it
  works on a URL is scrubbed of that URL's secret parts before any log handler sees it.
* A failed delivery must say why in the service's own words ("HTTP 404", "connection error"), and
  Apprise only says so in its log, so each call collects the log lines of its own thread.
* A dead channel must fail in seconds, not hang a worker (see ``SOCKET_TIMEOUT``).
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import apprise

from paperwork.alerts.messages import Message
from paperwork.errors import InvalidInput

log = logging.getLogger(__name__)

MAX_CHANNELS = 10
MAX_URL_LENGTH = 2048

# No single socket wait (a connect, or one reply) lasts longer than this, so a dead channel costs
# a worker seconds. HTTP services keep Apprise's 4 s connect timeout and get 10 s to answer, which
# leaves slow-but-working webhooks room; for e-mail Apprise uses its connect timeout for the whole
# SMTP conversation, so its 15 s default comes down to 10 s (not 4: greeting delays against spam
# are common). A URL may ask for less (``?cto=2&rto=5``) but never for more.
SOCKET_TIMEOUT = 10.0

Rendering = Literal["text", "markdown", "html"]
_RENDERINGS: dict[str, Rendering] = {"text": "text", "markdown": "markdown", "html": "html"}

_ASSET = apprise.AppriseAsset(app_id="Paperwork", app_desc="Paperwork AI alerts")
_APPRISE_LOGGER = "apprise"  # apprise.LOGGER_NAME, which Apprise 1 does not export
# Apprise's own logger, and the one where urllib3 (under requests) logs each request line with
# its path, which for Slack, Discord and webhooks holds the secret.
_LOGGERS = (logging.getLogger(_APPRISE_LOGGER), logging.getLogger("urllib3.connectionpool"))
_PLUGINS = apprise.NotificationManager()  # type: ignore[no-untyped-call]
_MASK = "****"
# Shorter parts of a URL (ports, "to", "v1") are not secrets, and blanking them would garble
# Apprise's sentences.
_MIN_SECRET_LENGTH = 3
_TOKEN_DELIMITERS = re.compile(r"[/:@?&=#,;+\s]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}")
_MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    """How sending one message to one channel went; ``channel`` is the masked URL."""

    channel: str
    delivered: bool
    error: str | None


def check_channels(urls: Sequence[str], *, private_hosts: bool = True) -> list[str]:
    """The URLs stripped, once each of them is a channel Apprise can load; otherwise
    ``InvalidInput`` naming the first bad one by index and masked form, and why. Without
    ``private_hosts``, a channel addressed to this machine or a private network (by name
    "localhost" or by an IP literal) is refused too: a user must not make the server post into
    its own network."""
    if isinstance(urls, str):
        raise InvalidInput("channels: expected a list of URLs")
    if not urls:
        raise InvalidInput("channels: at least one channel is required")
    if len(urls) > MAX_CHANNELS:
        raise InvalidInput(f"channels: at most {MAX_CHANNELS} channels (got {len(urls)})")
    cleaned = [url.strip() for url in urls]
    seen: dict[str, int] = {}
    for index, url in enumerate(cleaned):
        plugin, problem = _load(url)
        if plugin is None:
            raise InvalidInput(f"channels[{index}] ({_mask_unloadable(url)}): {problem}")
        # The same service and credentials written two ways is still one channel.
        identity = plugin.url_id() or url  # type: ignore[no-untyped-call]
        if identity in seen:
            raise InvalidInput(
                f"channels[{index}] ({_masked(plugin)}): repeats channels[{seen[identity]}]"
            )
        seen[identity] = index
        private = None if private_hosts else _private_host(url)
        if private is not None:
            raise InvalidInput(
                f"channels[{index}] ({_masked(plugin)}): {private} is a local or private "
                "address, which only an admin token may use"
            )
    return cleaned


def _private_host(url: str) -> str | None:
    """The first host the URL sends to (its own, or an e-mail URL's ``smtp=`` server) that is
    this machine or a private, link-local or reserved network; None if there is none. Names
    other than "localhost" are not resolved: this stops the plain cases, not DNS tricks."""
    parts = urlsplit(url)
    hosts = [parts.hostname or ""]
    hosts += [value for name, value in parse_qsl(parts.query) if name.lower() == "smtp"]
    for host in hosts:
        name = host.strip("[]").lower()
        if name == "localhost" or name.endswith(".localhost"):
            return host
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            continue
        if not address.is_global:
            return host
    return None


def mask(url: str) -> str:
    """The URL with its secrets hidden, for answers and logs: Apprise's own privacy form, or
    only the scheme when Apprise cannot load the URL."""
    plugin, _problem = _load(url.strip())
    return _mask_unloadable(url) if plugin is None else _masked(plugin)


def body_limit(url: str) -> int | None:
    """The most characters the service takes in one message body; None if unknown.

    A service without a title field (Telegram) sends the title inside the body, so the title
    counts against this limit there."""
    url = url.strip()
    scheme = url.partition("://")[0].lower()
    if scheme in _PLUGINS:
        # Most services' limit is fixed: read from the class, without loading the URL (a pass
        # composes a message for each of ten thousand channels).
        fixed = inspect.getattr_static(_PLUGINS[scheme], "body_maxlen", None)
        if isinstance(fixed, int):
            return fixed if fixed > 0 else None
    plugin, _problem = _load(url)
    if plugin is None:
        return None
    limit = plugin.body_maxlen
    return limit if isinstance(limit, int) and limit > 0 else None


def preferred_format(url: str) -> Rendering | None:
    """Which rendering of a Message ``send`` gives this channel; None for an unusable URL."""
    plugin, _problem = _load(url.strip())
    return None if plugin is None else _rendering(plugin, url)


def send(url: str, message: Message) -> Outcome:
    """Send one message to one channel and wait for the service's answer (callers run this in a
    thread). Never raises for a failed delivery: the Outcome carries the service's reason."""
    url = url.strip()
    plugin, problem = _load(url)
    if plugin is None:
        return Outcome(channel=_mask_unloadable(url), delivered=False, error=problem)
    channel = _masked(plugin)
    _limit_timeouts(plugin)
    rendering = _rendering(plugin, url)
    body = {"html": message.html, "markdown": message.markdown}.get(rendering, message.text)
    secrets = _secrets_of(url, shown=channel)
    with _apprise_log(secrets) as lines:
        try:
            delivered = bool(plugin.notify(body=body, title=message.title, body_format=rendering))
        except Exception as exc:  # a plugin bug is one channel's failure, not the caller's
            delivered = False
            lines.append(f"{type(exc).__name__}: {_scrub(str(exc), secrets)}")
    error = None if delivered else _failure_reason(plugin, lines)
    log.info("alerts.channel.sent channel=%s delivered=%s error=%s", channel, delivered, error)
    return Outcome(channel=channel, delivered=delivered, error=error)


def _load(url: str) -> tuple[apprise.NotifyBase | None, str]:
    """The Apprise plugin for ``url``, or None and why it cannot be used."""
    if not url:
        return None, "empty URL"
    if len(url) > MAX_URL_LENGTH:
        return None, f"longer than {MAX_URL_LENGTH} characters"
    scheme, separator, _rest = url.partition("://")
    if not separator or not _SCHEME.fullmatch(scheme):
        return None, "not an Apprise URL (expected scheme://...)"
    # Until the plugin says which parts it shows, every part but the scheme counts as secret.
    secrets = _secrets_of(url, shown=f"{scheme}://")
    plugin: apprise.NotifyBase | None = None
    with _apprise_log(secrets) as lines:
        try:
            plugin = apprise.Apprise.instantiate(url, asset=_ASSET, suppress_exceptions=False)
        except TypeError as exc:  # how a plugin says which part is missing or malformed
            lines.append(_scrub(str(exc), secrets))
        except Exception as exc:  # Apprise tripping over input it did not expect: a bad URL
            # Only the type: the text may quote the URL.
            log.debug("alerts.channel.unloadable scheme=%s error=%s", scheme, type(exc).__name__)
    if plugin is not None:
        return plugin, ""
    if scheme.lower() not in _PLUGINS:
        if scheme.lower() in ("http", "https"):
            return None, "a web address Apprise does not recognise (use the service's scheme)"
        return None, f"unknown scheme '{scheme}' (not a service Apprise supports)"
    reasons = dict.fromkeys(line.strip().rstrip(":").strip() for line in lines)
    return None, "; ".join(reason for reason in reasons if reason) or f"malformed {scheme}:// URL"


def _masked(plugin: apprise.NotifyBase) -> str:
    return _hide_leftovers(str(plugin.url(privacy=True)))  # type: ignore[no-untyped-call]


def _mask_unloadable(url: str) -> str:
    scheme = url.strip().partition("://")[0]
    return f"{scheme}://{_MASK}" if _SCHEME.fullmatch(scheme) else _MASK


def _hide_leftovers(private_url: str) -> str:
    """Hide what Apprise's privacy form still shows: the values of custom headers and payload
    fields (``+Authorization=...``, ``-token=...`` on json/xml/form URLs), and path segments that
    look like the secret of a generic webhook (n8n, Make, Home Assistant put it in the path)."""
    parts = urlsplit(private_url)
    path = "/".join(_hide_token(segment) for segment in parts.path.split("/"))
    query = urlencode(
        [
            (key, _MASK if key[:1] in "+-" else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urlunsplit(parts._replace(path=path, query=query))


def _hide_token(segment: str) -> str:
    text = unquote(segment)
    looks_like_token = (
        len(text) >= 16
        and "@" not in text
        and "..." not in text
        and any(c.isdigit() for c in text)
        and any(c.isalpha() for c in text)
    )
    # Apprise's own style for a token it hides: first and last character.
    return f"{text[0]}...{text[-1]}" if looks_like_token else segment


def _rendering(plugin: apprise.NotifyBase, url: str) -> Rendering:
    """The richest rendering the service itself declares it renders (its ``notify_format``,
    default first): HTML or Markdown when that is its default (e-mail, Telegram, Slack),
    Markdown when it declares Markdown but not HTML (Discord), text otherwise. A service that
    declares every format (json://, xml://) only passes the body on, so it gets plain text."""
    formats = _declared_formats(plugin)
    requested = dict(parse_qsl(urlsplit(url).query)).get("format", "").lower()
    for rendering in formats:
        if rendering == requested:
            return rendering
    if formats[0] in ("html", "markdown"):
        return formats[0]
    if "markdown" in formats and "html" not in formats:
        return "markdown"
    return "text"


def _declared_formats(plugin: apprise.NotifyBase) -> list[Rendering]:
    # Apprise 2 declares a tuple (default first); Apprise 1 a single format.
    declared = plugin.notify_format
    values = declared if isinstance(declared, tuple | list) else [declared]
    names = [str(getattr(value, "value", value)).lower() for value in values]
    formats = [_RENDERINGS[name] for name in names if name in _RENDERINGS]
    return formats or ["text"]


def _limit_timeouts(plugin: apprise.NotifyBase) -> None:
    read_asked = plugin.socket_read_timeout != type(plugin).socket_read_timeout
    plugin.socket_read_timeout = (
        min(plugin.socket_read_timeout, SOCKET_TIMEOUT) if read_asked else SOCKET_TIMEOUT
    )
    plugin.socket_connect_timeout = min(plugin.socket_connect_timeout, SOCKET_TIMEOUT)


def _failure_reason(plugin: apprise.NotifyBase, lines: list[str]) -> str:
    reason = "; ".join(dict.fromkeys(lines))  # one plugin may log the same line per target
    if not reason:
        reason = f"{plugin.service_name} did not accept the message (Apprise gave no reason)"
    return reason[:_MAX_ERROR_LENGTH]


@dataclass
class _Capture:
    secrets: Sequence[str]
    lines: list[str] = field(default_factory=list)


class _ThreadLog(logging.Filter):
    """Installed once on the loggers above (adding and removing a filter per call would race
    with other threads iterating the filter list). A record logged by a thread inside
    ``_apprise_log`` gets that URL's secrets blanked before any handler formats it, and
    Apprise's warnings are kept as the call's lines; other records pass untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        capture: _Capture | None = getattr(self.local, "capture", None)
        if capture is None:
            return True
        try:
            text = _scrub(record.getMessage(), capture.secrets)
        except Exception:  # a malformed record is the handler's to report, not the caller's
            return True
        record.msg, record.args = text, None
        if record.levelno >= logging.WARNING and record.name == _APPRISE_LOGGER:
            capture.lines.append(text)
        return True


_THREAD_LOG = _ThreadLog()
for _logger in _LOGGERS:
    _logger.addFilter(_THREAD_LOG)


@contextmanager
def _apprise_log(secrets: Sequence[str]) -> Iterator[list[str]]:
    """The warnings Apprise logs in this thread while the block runs, secrets blanked."""
    previous = getattr(_THREAD_LOG.local, "capture", None)
    capture = _THREAD_LOG.local.capture = _Capture(secrets)
    try:
        yield capture.lines
    finally:
        _THREAD_LOG.local.capture = previous


def _secrets_of(url: str, *, shown: str) -> list[str]:
    """The parts of ``url`` (raw and percent-decoded) that its masked form ``shown`` does not
    show, longest first so a secret is blanked before any part of it."""
    visible = set(_TOKEN_DELIMITERS.split(shown)) | set(_TOKEN_DELIMITERS.split(unquote(shown)))
    candidates = {url, unquote(url)}
    candidates.update(_TOKEN_DELIMITERS.split(url))
    candidates.update(_TOKEN_DELIMITERS.split(unquote(url)))
    candidates.update(_userinfo(url))
    secrets = {
        part for part in candidates if len(part) >= _MIN_SECRET_LENGTH and part not in visible
    }
    return sorted(secrets, key=len, reverse=True)


def _userinfo(url: str) -> list[str]:
    # A password may hold delimiters ("p@ss:w/rd" percent-encoded), so take it whole as well.
    try:
        parts = urlsplit(url)
        return [unquote(part) for part in (parts.username, parts.password) if part]
    except ValueError:
        return []


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _MASK)
    return text
