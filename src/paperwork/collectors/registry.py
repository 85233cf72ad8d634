"""Every portal's parser and source, by portal id: one dict, built once when this module is
imported (adding a portal is one line here).

Callers build what they need once: a run one source and one parser, an import one parser; the
scheduler asks ``is_configured`` without building anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from paperwork.collectors.base import (
    CollectorSettings,
    NotConfigured,
    Parser,
    PortalFetcher,
    Source,
    UnknownPortal,
)
from paperwork.collectors.parsers.bizinfo import BizinfoParser
from paperwork.collectors.parsers.kstartup import KStartupParser
from paperwork.collectors.parsers.mss import MssParser
from paperwork.collectors.sources.bizinfo import BizinfoSource
from paperwork.collectors.sources.kstartup import KStartupSource
from paperwork.collectors.sources.mss import MssSource


@dataclass(frozen=True)
class Portal:
    """How to build one portal's parser and source, and whether it can be collected."""

    portal_id: str
    parser: Callable[[CollectorSettings], Parser]
    source: Callable[[PortalFetcher, CollectorSettings], Source]
    # Raises NotConfigured when the portal cannot be collected with these settings.
    check_configured: Callable[[CollectorSettings], None]


def by_portal_id(*portals: Portal) -> Mapping[str, Portal]:
    """The portals as a read-only dict sorted by id; two with one id are a programming error."""
    by_id: dict[str, Portal] = {}
    for portal in portals:
        if portal.portal_id in by_id:
            raise RuntimeError(f"two portals claim the id {portal.portal_id!r}")
        by_id[portal.portal_id] = portal
    return MappingProxyType(dict(sorted(by_id.items())))


PORTALS: Mapping[str, Portal] = by_portal_id(
    Portal("bizinfo", BizinfoParser.from_settings, BizinfoSource, BizinfoSource.check_configured),
    Portal(
        "kstartup", KStartupParser.from_settings, KStartupSource, KStartupSource.check_configured
    ),
    Portal("mss", MssParser.from_settings, MssSource, MssSource.check_configured),
)


def portal(portal_id: str) -> Portal:
    """The portal's entry; ``UnknownPortal`` when no portal has this id."""
    try:
        return PORTALS[portal_id]
    except KeyError:
        raise UnknownPortal(portal_id) from None


def parser_for(portal_id: str, settings: CollectorSettings) -> Parser:
    return portal(portal_id).parser(settings)


def source_for(portal_id: str, fetcher: PortalFetcher, settings: CollectorSettings) -> Source:
    return portal(portal_id).source(fetcher, settings)


def is_configured(portal_id: str, settings: CollectorSettings) -> bool:
    """Whether the portal exists and can be collected with these settings (keys present)."""
    entry = PORTALS.get(portal_id)
    if entry is None:
        return False
    try:
        entry.check_configured(settings)
    except NotConfigured:
        return False
    return True
