"""Links of an announcement: absolute http(s) URLs and the attachment list (pure: no I/O).

Attachments are recorded as links and never fetched here; the URL rules live in one place so
every portal's attachments come out alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from paperwork.collectors.normalize.text import clean_text, unescape

# "www.nipa.kr/home" is a host without its scheme; "selectSIIA200Detail.do?x=1" is a relative
# path whose ".do" only looks like a top-level domain, hence the short list of real ones.
_BARE_HOST = re.compile(
    r"^(?:[a-z0-9-]+\.)+(?:kr|com|net|org|io|biz|info)(?::\d+)?(?:[/?#]|$)", re.IGNORECASE
)


def absolute_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL: entities decoded, scheme added to ``www.x.go.kr/...``."""
    if not url:
        return None
    value = unescape(str(url)).strip()
    if not value or value.lower() in ("null", "none", "-") or value.startswith("#"):
        return None
    if value.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    if value.startswith("//"):
        value = "https:" + value
    elif value[:8].lower().startswith(("http://", "https://")):
        pass  # already absolute: most portal links, and the quick way out
    elif not urlsplit(value).scheme and _BARE_HOST.match(value):
        value = "https://" + value
    elif base:
        value = urljoin(base, value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return value.replace(" ", "%20")


def dedupe_attachments(
    pairs: Iterable[tuple[str | None, str | None]], base: str
) -> list[dict[str, str]]:
    """``[{"name", "url"}]`` with absolute URLs, in order, each URL once; unnamed → 첨부파일 N."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for name, url in pairs:
        absolute = absolute_url(url, base)
        if absolute is None or absolute in seen:
            continue
        seen.add(absolute)
        out.append({"name": clean_text(name) or f"첨부파일 {len(out) + 1}", "url": absolute})
    return out


def attachments_from_joined(names: str | None, paths: str | None) -> list[tuple[str | None, str]]:
    """bizinfo's ``fileNm``/``flpthNm``: several files joined with ``@``, in the same order."""
    url_list = [p.strip() for p in (paths or "").split("@") if p.strip()]
    name_list = [n.strip() for n in (names or "").split("@")] if names else []
    # The two lists come from one upload form; when they disagree, a URL without its name is
    # still worth a link, a name without a URL is not.
    return [
        (name_list[i] if i < len(name_list) and name_list[i] else None, url)
        for i, url in enumerate(url_list)
    ]
