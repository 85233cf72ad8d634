"""The registry: every portal of the catalog has one parser and one source, built on demand
from a dict made once; unknown ids are the collection layer's ``UnknownPortal``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from importlib.resources import files

import pytest

from paperwork.collectors.base import CollectorSettings, StructuralError, UnknownPortal
from paperwork.collectors.parsers.bizinfo import BizinfoParser
from paperwork.collectors.parsers.kstartup import KStartupParser
from paperwork.collectors.parsers.mss import MssParser
from paperwork.collectors.registry import (
    PORTALS,
    Portal,
    by_portal_id,
    is_configured,
    parser_for,
    source_for,
)
from paperwork.collectors.sources.bizinfo import BizinfoSource
from paperwork.collectors.sources.kstartup import KStartupSource
from paperwork.collectors.sources.mss import MssSource
from paperwork.portals.catalog import PORTAL_NAMES

TODAY = dt.date(2026, 11, 26)
SettingsMaker = Callable[..., CollectorSettings]


def test_every_portal_has_a_parser_a_source_and_a_name() -> None:
    assert list(PORTALS) == ["bizinfo", "kstartup", "mss"]
    assert set(PORTALS) == set(PORTAL_NAMES)
    assert all(entry.portal_id == portal_id for portal_id, entry in PORTALS.items())


@pytest.mark.parametrize(
    ("portal_id", "parser", "source"),
    [
        ("bizinfo", BizinfoParser, BizinfoSource),
        ("kstartup", KStartupParser, KStartupSource),
        ("mss", MssParser, MssSource),
    ],
)
def test_registry_finds_the_parser_and_the_source(
    portal_settings: SettingsMaker, portal_id: str, parser: type, source: type
) -> None:
    settings = portal_settings()
    assert PORTALS[portal_id].source is source
    assert type(parser_for(portal_id, settings)) is parser
    assert type(source_for(portal_id, _NoNetwork(), settings)) is source
    assert parser.portal_id == source.portal_id == portal_id


def test_portal_names() -> None:
    assert set(PORTALS) == set(PORTAL_NAMES) == {"bizinfo", "kstartup", "mss"}
    assert PORTAL_NAMES["bizinfo"] == "정부지원사업통합정보시스템"


def test_two_portals_cannot_claim_one_id() -> None:
    impostor = Portal("bizinfo", MssParser.from_settings, MssSource, MssSource.check_configured)
    with pytest.raises(RuntimeError, match="bizinfo"):
        by_portal_id(PORTALS["bizinfo"], impostor)
    assert PORTALS["bizinfo"].source is BizinfoSource


def test_an_unknown_portal_is_a_collection_error(portal_settings: SettingsMaker) -> None:
    with pytest.raises(UnknownPortal, match="naver"):
        parser_for("naver", portal_settings())
    with pytest.raises(UnknownPortal, match="naver"):
        source_for("naver", _NoNetwork(), portal_settings())


def test_is_configured(portal_settings: SettingsMaker) -> None:
    keyless = portal_settings()
    assert is_configured("bizinfo", keyless) and is_configured("kstartup", keyless)
    assert not is_configured("mss", keyless)  # no public HTML list: a key is required
    assert is_configured("mss", portal_settings(data_go_kr_key="TEST-KEY"))
    assert not is_configured("naver", keyless)


class _NoNetwork:
    async def get(self, url: str, **_: object) -> object:
        raise AssertionError(f"building a source makes no request, got {url}")


@pytest.mark.parametrize(
    ("portal_id", "name"),
    [("bizinfo", "bizinfo.json"), ("kstartup", "kstartup.json"), ("mss", "mss.xml")],
)
def test_shipped_samples_import_with_varied_statuses(
    portal_settings: SettingsMaker, portal_id: str, name: str
) -> None:
    # the path `paperwork import` takes: parse_saved, then normalize; a parser has no client
    parser = parser_for(portal_id, portal_settings())
    body = (files("paperwork") / "samples" / name).read_bytes()
    programs = [parser.normalize(item, today=TODAY) for item in parser.parse_saved(body)]
    assert len(programs) >= 10
    assert len({p.external_id for p in programs}) == len(programs)
    statuses = Counter(p.application_status for p in programs)
    assert {"접수중", "접수예정", "마감"} <= set(statuses)


def test_saved_file_of_the_wrong_kind_is_structural(portal_settings: SettingsMaker) -> None:
    parser = parser_for("mss", portal_settings())
    with pytest.raises(StructuralError):
        parser.parse_saved((files("paperwork") / "samples" / "bizinfo.json").read_bytes())
