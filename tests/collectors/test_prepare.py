"""Preparing items without a database: promoted, rejected below the threshold, or failed alone
with the reason, whatever the parser raised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib.resources import files

from paperwork.collectors.base import CollectorSettings, NormalizedProgram, RawItem
from paperwork.collectors.prepare import prepare, prepare_all
from paperwork.collectors.registry import parser_for
from paperwork.vocabulary import RawStatus

TODAY = dt.date(2026, 11, 26)
SettingsMaker = Callable[..., CollectorSettings]


def test_items_are_promoted_rejected_or_failed(portal_settings: SettingsMaker) -> None:
    parser = parser_for("bizinfo", portal_settings())
    items = parser.parse_saved((files("paperwork") / "samples" / "bizinfo.json").read_bytes())
    untitled = RawItem("bizinfo", "PBLN_UNTITLED", None, {"pblancId": "PBLN_UNTITLED"})
    prepared = prepare_all(
        [*items, untitled], parser.normalize, today=TODAY, threshold=7.0, dialect="sqlite"
    )
    statuses = [p.status for p in prepared]
    assert statuses.count(RawStatus.promoted) == 12
    assert statuses.count(RawStatus.rejected) == 2
    assert statuses[-1] == RawStatus.failed
    failed = prepared[-1]
    assert failed.program is None and failed.reason and "pblancNm" in failed.reason
    for p in prepared[:-1]:
        assert p.program is not None and p.score is not None and p.content_hash
        if p.status == RawStatus.rejected:
            assert p.reason and p.reason.startswith(f"quality {p.score} < 7.0")


def test_a_parser_bug_fails_the_item_not_the_batch() -> None:
    def broken(item: RawItem, *, today: dt.date) -> NormalizedProgram:
        raise KeyError("surprise")

    item = RawItem("bizinfo", "PBLN_1", None, {})
    prepared = prepare(item, broken, today=TODAY, threshold=7.0, dialect="sqlite")
    assert prepared.status == RawStatus.failed
    assert prepared.reason == "normalize failed: KeyError: 'surprise'"
