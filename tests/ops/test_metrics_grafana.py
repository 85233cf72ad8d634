"""The Grafana dashboard shipped in ``deploy/grafana`` graphs what ``/metrics/prometheus``
exposes: a metric renamed in the code (or misspelt in the board) fails here, not on an
operator's empty panel."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

DASHBOARD = Path(__file__).parents[2] / "deploy" / "grafana" / "paperwork-dashboard.json"
METRIC_NAME = re.compile(r"\bpaperwork_[a-z0-9_]+\b")
# The series names each family type puts in the exposition.
SERIES_SUFFIXES = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
}


def _panels(panels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every panel, those inside collapsed rows too."""
    found = []
    for panel in panels:
        found.append(panel)
        found.extend(_panels(panel.get("panels", [])))
    return found


async def _exposed_series(client: httpx.AsyncClient) -> tuple[set[str], set[str]]:
    """(every series name a query may use, the families' names)."""
    text = (await client.get("/metrics/prometheus")).text
    series: set[str] = set()
    families: set[str] = set()
    for family in text_string_to_metric_families(text):
        families.add(family.name)
        series.update(family.name + suffix for suffix in SERIES_SUFFIXES[family.type])
        series.update(sample.name for sample in family.samples)
    return series, families


async def test_every_metric_the_dashboard_queries_is_exposed(client: httpx.AsyncClient) -> None:
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    # Importable: a Prometheus data source chosen at import, a recent schema.
    assert [entry["name"] for entry in board["__inputs"]] == ["DS_PROMETHEUS"]
    assert board["schemaVersion"] >= 36 and board["uid"] and board["title"]
    panels = _panels(board["panels"])
    assert len({panel["id"] for panel in panels}) == len(panels)
    queried: dict[str, set[str]] = {}
    for panel in panels:
        for target in panel.get("targets", []):
            assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}", panel["title"]
            for name in METRIC_NAME.findall(target["expr"]):
                queried.setdefault(name, set()).add(panel["title"])
    series, families = await _exposed_series(client)
    unknown = {name: titles for name, titles in queried.items() if name not in series}
    assert not unknown, f"panels query metrics /metrics/prometheus does not expose: {unknown}"
    # And the other way: every family the service exposes has a panel.
    ungraphed = [
        family
        for family in families
        if family.startswith("paperwork_") and not any(name.startswith(family) for name in queried)
    ]
    assert not ungraphed, f"exposed but on no panel: {ungraphed}"


async def test_the_operators_panels_are_there() -> None:
    board = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    expressions = " ".join(
        target["expr"] for panel in _panels(board["panels"]) for target in panel.get("targets", [])
    )
    for quantile in ("0.5", "0.95", "0.99"):
        assert (
            f"histogram_quantile({quantile}, sum by (route, le) "
            "(rate(paperwork_http_request_duration_seconds_bucket" in expressions
        )
    assert 'status=~"5.."' in expressions and 'status="429"' in expressions
    assert "time() - max by (portal) (paperwork_collection_last_success_timestamp_seconds)" in (
        expressions
    )
