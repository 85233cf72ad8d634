from __future__ import annotations

import datetime as dt
from collections import Counter
from importlib.resources import files
from typing import ClassVar

import httpx
import pytest

from paperwork.collectors import PORTAL_NAMES, bizinfo, collector_classes, register
from paperwork.collectors.base import CollectorSettings, StructuralError

TODAY = dt.date(2026, 11, 26)


def test_every_portal_has_a_collector_and_a_name() -> None:
    classes = collector_classes()
    assert list(classes) == ["bizinfo", "kstartup", "mss"]
    assert set(classes) == set(PORTAL_NAMES)
    assert all(cls.portal_id == portal_id for portal_id, cls in classes.items())


def test_two_collectors_cannot_claim_one_portal() -> None:
    class Impostor:
        portal_id: ClassVar[str] = "bizinfo"

    with pytest.raises(RuntimeError, match="bizinfo"):
        register(Impostor)  # type: ignore[type-var]
    assert collector_classes()["bizinfo"] is bizinfo.BizinfoCollector


class _NoNetwork:
    async def get(
        self, url: str, *, params: dict[str, str] | None = None, html: bool = False
    ) -> httpx.Response:
        raise AssertionError(f"a saved answer needs no request, got {url}")


@pytest.mark.parametrize(
    ("portal_id", "name"),
    [("bizinfo", "bizinfo.json"), ("kstartup", "kstartup.json"), ("mss", "mss.xml")],
)
def test_shipped_samples_import_with_varied_statuses(portal_id: str, name: str) -> None:
    # the path `paperwork import` takes: parse_saved, then normalize
    collector = collector_classes()[portal_id](_NoNetwork(), CollectorSettings())
    body = (files("paperwork") / "samples" / name).read_bytes()
    programs = [collector.normalize(item, today=TODAY) for item in collector.parse_saved(body)]
    assert len(programs) >= 10
    assert len({p.external_id for p in programs}) == len(programs)
    statuses = Counter(p.application_status for p in programs)
    assert {"접수중", "접수예정", "마감"} <= set(statuses)


def test_saved_file_of_the_wrong_kind_is_structural() -> None:
    collector = collector_classes()["mss"](_NoNetwork(), CollectorSettings())
    with pytest.raises(StructuralError):
        collector.parse_saved((files("paperwork") / "samples" / "bizinfo.json").read_bytes())
