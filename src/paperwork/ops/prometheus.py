"""The figures every process shares, as Prometheus metric families: collection runs and their
items per portal, alert messages per channel kind and status, AI calls and spend per provider,
today's AI spend and the programs stored.

Runs, sends and AI calls happen in the workers and the other API processes, so a per-process
counter would show one process's share: these are read from the database (the one record all
processes write) each time Prometheus scrapes, in a few grouped statements. Being totals over
the tables, the "counters" only grow as the rows do; any process answers the same."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession

from paperwork.ai import budget, budget_repository
from paperwork.ai.prices import NANOS_PER_USD
from paperwork.ops import repository
from paperwork.programs.repository import count_programs
from paperwork.timeutil import SEOUL, today_in
from paperwork.vocabulary import RunStatus

# ``paperwork_collection_items_total``'s outcomes, from the ``scrape_runs`` columns that record
# them; ``errors`` (items that could not be parsed or normalised) is the raw items' "failed".
ITEM_OUTCOMES = {
    "fetched": "fetched",
    "new": "new",
    "updated": "updated",
    "unchanged": "unchanged",
    "rejected": "rejected",
    "errors": "failed",
}
# A channel label is an Apprise scheme; anything else (an unreadable URL saved before channels
# were checked) is counted as this, so no part of a secret URL becomes a label.
OTHER_CHANNEL = "other"
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,31}")


class SharedFigures(NamedTuple):
    runs: list[repository.RunTotals]
    deliveries: list[tuple[str, str, int]]
    ai_usage: list[tuple[str, str, int, int]]
    ai_spent_today_nanos: int
    programs: int


async def read_shared_figures(session: AsyncSession, *, now: dt.datetime) -> SharedFigures:
    # The budget's day: the Asia/Seoul date, as ai/budget charges it.
    today = today_in(SEOUL, now=now)
    spent, _reserved = await budget_repository.spend_of(session, day=today, scope=budget.EVERYONE)
    return SharedFigures(
        runs=await repository.runs_by_portal_and_status(session),
        deliveries=await repository.deliveries_by_scheme_and_status(session),
        ai_usage=await repository.ai_usage_by_provider_and_status(session),
        ai_spent_today_nanos=spent,
        programs=await count_programs(session),
    )


def shared_families(figures: SharedFigures) -> list[Metric]:
    return [
        *_run_families(figures.runs),
        _delivery_family(figures.deliveries),
        *_ai_families(figures.ai_usage, figures.ai_spent_today_nanos),
        GaugeMetricFamily("paperwork_programs", "Support programs stored.", value=figures.programs),
    ]


def render(families: Iterable[Metric]) -> bytes:
    """The families in the text exposition format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(list(families)))
    return generate_latest(registry)


class _Snapshot(Collector):
    """Families read once for one scrape."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


def _run_families(runs: list[repository.RunTotals]) -> list[Metric]:
    by_status = CounterMetricFamily(
        "paperwork_collection_runs",
        "Finished collection runs by portal and outcome (a running run counts once it ends).",
        labels=["portal", "status"],
    )
    items = CounterMetricFamily(
        "paperwork_collection_items",
        "Items handled by collection runs, by portal and what the run recorded of them.",
        labels=["portal", "outcome"],
    )
    last_success = GaugeMetricFamily(
        "paperwork_collection_last_success_timestamp_seconds",
        "When the portal's last succeeded run finished (Unix time); absent until one has.",
        labels=["portal"],
    )
    item_sums: dict[str, Counter[str]] = {}
    for run in sorted(runs):
        if run.status != RunStatus.running:
            by_status.add_metric([run.portal_id, run.status], run.runs)
        item_sums.setdefault(run.portal_id, Counter()).update(
            {ITEM_OUTCOMES[column]: count for column, count in run.items._asdict().items()}
        )
        if run.status == RunStatus.succeeded and run.last_finished_at is not None:
            last_success.add_metric([run.portal_id], run.last_finished_at.timestamp())
    for portal, sums in item_sums.items():
        for outcome in ITEM_OUTCOMES.values():
            items.add_metric([portal, outcome], sums[outcome])
    return [by_status, items, last_success]


def _delivery_family(deliveries: list[tuple[str, str, int]]) -> Metric:
    family = CounterMetricFamily(
        "paperwork_alert_deliveries",
        "Alert messages in the outbox by channel kind (the Apprise scheme) and status: sent, "
        "failed (given up after its retries), and those there now: pending (waiting, maybe for "
        "a retry) and sending, which move on to sent or failed.",
        labels=["channel", "status"],
    )
    counts: Counter[tuple[str, str]] = Counter()
    for scheme, status, messages in deliveries:
        channel = scheme if _SCHEME.fullmatch(scheme) else OTHER_CHANNEL
        counts[(channel, status)] += messages
    for (channel, status), messages in sorted(counts.items()):
        family.add_metric([channel, status], messages)
    return family


def _ai_families(usage: list[tuple[str, str, int, int]], spent_today_nanos: int) -> list[Metric]:
    spend = CounterMetricFamily(
        "paperwork_ai_spend_usd", "AI and OCR spend in US dollars by provider.", labels=["provider"]
    )
    calls = CounterMetricFamily(
        "paperwork_ai_requests",
        "AI and OCR calls by provider and outcome (ok, failed, refused over the cap, abandoned).",
        labels=["provider", "outcome"],
    )
    spent: Counter[str] = Counter()
    for provider, status, count, nanos in sorted(usage):
        calls.add_metric([provider, status], count)
        spent[provider] += nanos
    for provider, nanos in sorted(spent.items()):
        spend.add_metric([provider], nanos / NANOS_PER_USD)
    today = GaugeMetricFamily(
        "paperwork_ai_spend_today_usd",
        "AI and OCR spend of today (Asia/Seoul), the figure the daily cost cap is checked against.",
        value=spent_today_nanos / NANOS_PER_USD,
    )
    return [spend, calls, today]
