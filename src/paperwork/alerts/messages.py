"""The Korean notification messages an alert sends: a title and one body rendered three ways
(plain text, Markdown, HTML) so every channel can pick the one it shows. Pure: no database, no
network; ``today`` is given, so D-days are the caller's clock.

Every body is an intro sentence, the program lines, then the footer, with a blank line between
(HTML: a paragraph, a ``<ul>``, a paragraph). One line per program; the agency is left out when
unknown, the URL when there is none:

- text: ``• {title} · {agency} · {D-day}``, and ``  {url}`` on the line under it.
- Markdown: ``• [{title}]({url}) · {agency} · {D-day}``. All text is backslash-escaped (the
  characters Telegram's MarkdownV2 reserves, plus ``\\ < &``; CommonMark and Discord read the
  same escapes), so a title can neither format nor link; the URL is percent-encoded where it
  could end the link. A URL that is not http(s) is no link: the title stays plain and the URL
  follows as text, `` · {url}``.
- HTML: ``<li><a href="{url}">{title}</a> · {agency} · <strong>{D-day}</strong></li>``, all
  escaped, http(s) URLs only as links (others follow as text, as in Markdown).

D-day words: ``D-3``, ``D-Day`` on the last day, ``마감`` once closed, ``상시`` without a deadline.
Titles, agencies, URLs and the alert's name have whitespace runs (newlines too) collapsed.

Footer lines: ``알림 설정: {alert_url}`` when given (Markdown/HTML: a link labelled 알림 설정),
then always ``Paperwork 알림 '{alert_name}'에서 보냈습니다.``.

``limit`` (characters) bounds ``text`` and ``markdown``, each on its own: they keep as many whole
program lines as fit, in order, and end the list with ``외 {k}건 · 전체 목록: {feed_url}`` (the
link part only with ``feed_url``). When not even one line fits, that line's title is cut with
"…"; when not even that fits, the body is cut as plain text. ``html`` (e-mail) always lists all.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol
from urllib.parse import quote, urlsplit

from paperwork.programs.program_status import d_day


@dataclass(frozen=True)
class Message:
    """What a channel sends (``paperwork.alerts.channels`` takes it from here)."""

    title: str
    text: str  # plain-text body
    markdown: str  # Markdown body (Slack/Discord/Telegram render it)
    html: str  # HTML body (e-mail; a text part is sent beside it from `text`)


class Kind(StrEnum):
    """Why the message is sent."""

    new = "new"  # programs the alert has not sent before
    changed = "changed"  # programs whose announcement changed since they were sent
    reminder = "reminder"  # programs whose deadline is near
    test = "test"  # the user checking the alert's channels


@dataclass(frozen=True)
class ProgramLine:
    """One program as a message lists it."""

    title: str
    agency: str | None
    apply_end: dt.date | None
    url: str | None  # the announcement's page


_WHITESPACE = re.compile(r"\s+")
# Telegram's MarkdownV2 rejects a message with any of these unescaped; CommonMark and Discord
# take a backslash before any ASCII punctuation, so one escaping serves all three. "<" and "&"
# are added for CommonMark, where they would start raw HTML or an entity.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~=&])")
# Left as they are in a Markdown link's URL; everything else (parentheses, spaces, backslashes,
# non-ASCII) is percent-encoded, so the URL cannot close the link early.
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"
_ELLIPSIS = "…"
_FONT = (
    "font-family:'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',sans-serif;"
    "font-size:15px;line-height:1.6;color:#222;word-break:keep-all"
)


def compose(
    alert_name: str,
    kind: Kind,
    programs: Sequence[ProgramLine],
    *,
    today: dt.date,
    feed_url: str | None = None,
    alert_url: str | None = None,
    reminder_days: int | None = None,
    limit: int | None = None,
) -> Message:
    """The message for ``programs`` (listed in the order given). ``reminder_days`` is required
    for a reminder; ``limit`` bounds the text and Markdown bodies (see the module's docstring).

    Raises ValueError for no programs on new/changed/reminder (the caller sends nothing then),
    a reminder without ``reminder_days`` or with a negative one, and a limit below 1."""
    if kind is not Kind.test and not programs:
        raise ValueError(f"a {kind} message needs at least one program")
    if kind is Kind.reminder and (reminder_days is None or reminder_days < 0):
        raise ValueError("a reminder needs reminder_days >= 0")
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    name = _collapse(alert_name)
    parts = _Parts(
        title=_title(name, kind, len(programs), reminder_days),
        intro=_intro(name, kind, len(programs), reminder_days),
        lines=[_lines(program, today) for program in programs],
        feed_url=_clean_url(feed_url),
        alert_url=_clean_url(alert_url),
        sender=f"Paperwork 알림 '{name}'에서 보냈습니다.",
    )
    return Message(
        title=parts.title,
        text=_fit(_TEXT, parts, limit),
        markdown=_fit(_MARKDOWN, parts, limit),
        html=_html_document(parts),
    )


def message_title(
    alert_name: str, kind: Kind, count: int, *, reminder_days: int | None = None
) -> str:
    """The title ``compose`` gives a message of ``count`` programs (the outbox keeps it; the
    body is rendered when the message is sent)."""
    return _title(_collapse(alert_name), kind, count, reminder_days)


# --- the parts, built once ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A program line's words, cleaned: what every rendering shows."""

    title: str
    agency: str | None
    when: str  # the D-day word
    url: str | None


@dataclass(frozen=True)
class _Lines:
    """A program's line in each rendering."""

    item: _Item
    text: str
    markdown: str
    html: str


@dataclass(frozen=True)
class _Parts:
    title: str
    intro: str
    lines: list[_Lines]
    feed_url: str | None
    alert_url: str | None
    sender: str  # the footer line saying where the message comes from


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _clean_url(url: str | None) -> str | None:
    return _collapse(url) or None if url is not None else None


def _is_web(url: str) -> bool:
    """Only these become links: a ``javascript:`` or ``data:`` URL must never be clickable."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _d_day_word(days: int | None) -> str:
    if days is None:
        return "상시"
    if days < 0:
        return "마감"
    return "D-Day" if days == 0 else f"D-{days}"


def _item(program: ProgramLine, today: dt.date) -> _Item:
    return _Item(
        title=_collapse(program.title) or "(제목 없음)",
        agency=_collapse(program.agency or "") or None,
        when=_d_day_word(d_day(program.apply_end, today)),
        url=_clean_url(program.url),
    )


@functools.lru_cache(maxsize=4_096)
def _lines(program: ProgramLine, today: dt.date) -> _Lines:
    """Rendered once per program and day: a pass lists a new program in the messages of every
    alert it matches (thousands), each rendered three ways."""
    item = _item(program, today)
    return _Lines(item, _TEXT.item(item), _MARKDOWN.item(item), _HTML.item(item))


def _title(name: str, kind: Kind, count: int, reminder_days: int | None) -> str:
    what = {
        Kind.new: f"새 지원사업 {count:,}건",
        Kind.changed: f"변경된 지원사업 {count:,}건",
        Kind.reminder: f"마감 {_d_day_word(reminder_days)} 지원사업 {count:,}건",
        Kind.test: "테스트 알림",
    }[kind]
    return f"[Paperwork] {what} — {name}"


def _intro(name: str, kind: Kind, count: int, reminder_days: int | None) -> str:
    if kind is Kind.test:
        sample = f" 지원사업 {count:,}건을 예시로 함께 보냅니다." if count else ""
        return f"알림 '{name}'의 채널이 잘 연결되었는지 확인하는 테스트 메시지입니다.{sample}"
    if kind is Kind.reminder:
        if reminder_days == 0:
            return f"조건에 맞는 지원사업 {count:,}건의 신청이 오늘 마감됩니다."
        return f"조건에 맞는 지원사업 {count:,}건의 신청 마감이 {reminder_days}일 남았습니다."
    if kind is Kind.changed:
        return f"조건에 맞는 지원사업 {count:,}건의 공고 내용이 바뀌었습니다."
    return f"조건에 맞는 새 지원사업 {count:,}건이 올라왔습니다."


# --- three renderings ---------------------------------------------------------------------------


class _Renderer(Protocol):
    def escape(self, text: str) -> str: ...

    def line(self, lines: _Lines) -> str: ...

    def link(self, label: str, url: str) -> str: ...

    def emphasis(self, text: str) -> str: ...

    def item(self, item: _Item) -> str: ...


class _Text:
    def escape(self, text: str) -> str:
        return text

    def line(self, lines: _Lines) -> str:
        return lines.text

    def link(self, label: str, url: str) -> str:
        return f"{label}: {url}"

    def emphasis(self, text: str) -> str:
        return text

    def item(self, item: _Item) -> str:
        agency = [item.agency] if item.agency else []
        line = " · ".join(["• " + item.title, *agency, item.when])
        return f"{line}\n  {item.url}" if item.url else line


class _Markdown:
    def escape(self, text: str) -> str:
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text)

    def line(self, lines: _Lines) -> str:
        return lines.markdown

    def link(self, label: str, url: str) -> str:
        if _is_web(url):
            return f"[{self.escape(label)}]({quote(url, safe=_URL_SAFE)})"
        return self.escape(f"{label}: {url}")

    def emphasis(self, text: str) -> str:
        # Plain: bold would be "**" in CommonMark but "*" in Telegram.
        return self.escape(text)

    def item(self, item: _Item) -> str:
        return "• " + _linked_line(self, item)


class _Html:
    def escape(self, text: str) -> str:
        return html.escape(text)

    def line(self, lines: _Lines) -> str:
        return lines.html

    def link(self, label: str, url: str) -> str:
        if _is_web(url):
            return f'<a href="{html.escape(url)}" style="color:#1a56db">{html.escape(label)}</a>'
        return html.escape(f"{label}: {url}")

    def emphasis(self, text: str) -> str:
        return f"<strong>{html.escape(text)}</strong>"

    def item(self, item: _Item) -> str:
        return f'<li style="margin-bottom:6px">{_linked_line(self, item)}</li>'


_TEXT, _MARKDOWN, _HTML = _Text(), _Markdown(), _Html()


def _linked_line(renderer: _Renderer, item: _Item) -> str:
    """Title (a link when the URL is web), agency, D-day, and a non-web URL as text at the end."""
    web = item.url if item.url and _is_web(item.url) else None
    words = [renderer.link(item.title, web) if web else renderer.escape(item.title)]
    if item.agency:
        words.append(renderer.escape(item.agency))
    words.append(renderer.emphasis(item.when))
    if item.url and not web:
        words.append(renderer.escape(item.url))
    return " · ".join(words)


def _footer(renderer: _Renderer, parts: _Parts) -> list[str]:
    settings = [renderer.link("알림 설정", parts.alert_url)] if parts.alert_url else []
    return [*settings, renderer.escape(parts.sender)]


def _overflow(renderer: _Renderer, hidden: int, feed_url: str | None) -> str:
    more = renderer.escape(f"외 {hidden:,}건")
    return f"{more} · {renderer.link('전체 목록', feed_url)}" if feed_url else more


def _body(renderer: _Renderer, parts: _Parts, shown: list[str], hidden: int) -> str:
    """The text or Markdown body listing ``shown`` (lines) and counting ``hidden`` programs
    after them."""
    listing = list(shown)
    if hidden:
        listing.append(_overflow(renderer, hidden, parts.feed_url))
    sections = [
        renderer.escape(parts.intro),
        "\n".join(listing),
        "\n".join(_footer(renderer, parts)),
    ]
    return "\n\n".join(section for section in sections if section)


def _fit(renderer: _Renderer, parts: _Parts, limit: int | None) -> str:
    """The body within ``limit`` characters: the most whole lines that fit, else the first line
    with its title cut, else no line; else (a limit too small for the footer) the plain text cut."""
    lines = [renderer.line(program) for program in parts.lines]
    items, count = [program.item for program in parts.lines], len(lines)
    full = _body(renderer, parts, lines, 0)
    if limit is None or len(full) <= limit:
        return full

    def showing(shown: int) -> str:
        return _body(renderer, parts, lines[:shown], count - shown)

    def cut_title(keep: int) -> str:
        title = items[0].title[:keep].rstrip() + _ELLIPSIS
        return _body(renderer, parts, [renderer.item(replace(items[0], title=title))], count - 1)

    # Each finds the longest fitting text by binary search, which holds because the body grows
    # with every line shown (a line is longer than the digits "외 k건" loses) or character kept.
    fitted = _longest(showing, 1, count - 1, limit)
    if fitted is None and items:
        fitted = _longest(cut_title, 1, len(items[0].title) - 1, limit)
    if fitted is not None:
        return fitted
    if items and len(showing(0)) <= limit:
        return showing(0)
    plain = _body(_TEXT, parts, [], count)
    cut = _longest(lambda keep: renderer.escape(plain[:keep]) + _ELLIPSIS, 0, len(plain), limit)
    return cut or _ELLIPSIS


def _longest(make: Callable[[int], str], low: int, high: int, limit: int) -> str | None:
    """``make(n)`` for the largest ``n`` in ``low..high`` whose text fits ``limit``; None when
    none does. ``make(n)`` must grow with ``n``."""
    best: str | None = None
    while low <= high:
        middle = (low + high) // 2
        text = make(middle)
        if len(text) <= limit:
            best, low = text, middle + 1
        else:
            high = middle - 1
    return best


def _html_document(parts: _Parts) -> str:
    """A whole small HTML document (mail clients show fragments unevenly); never limited."""
    listing = "\n".join(program.html for program in parts.lines)
    blocks = [f"<p>{_HTML.escape(parts.intro)}</p>"]
    if listing:
        blocks.append(f'<ul style="padding-left:20px">\n{listing}\n</ul>')
    footer = "<br>".join(_footer(_HTML, parts))
    blocks.append(f'<p style="margin-top:24px;font-size:13px;color:#666">{footer}</p>')
    body = "\n".join(blocks)
    return (
        '<!DOCTYPE html>\n<html lang="ko">\n<head><meta charset="utf-8">'
        f"<title>{_HTML.escape(parts.title)}</title></head>\n"
        f'<body style="margin:0;padding:16px">\n<div style="{_FONT}">\n{body}\n</div>\n'
        "</body>\n</html>\n"
    )
