"""/metrics (the seed's JSON) and /metrics/prometheus (ops/metrics.py, ops/prometheus.py) report
the real state of the service: request counts and latency per route template (bounded labels,
whatever clients send), and, read from the database every process writes, collection runs and
items per portal, alert messages per channel kind and status, AI calls and spend per provider
and today's spend in Asia/Seoul."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import func, select, update

from ai_fakes import FakeProviders
from apptest import FIXTURES, Clock, bizinfo_api_pages, serve
from local_servers import SmtpServer, WebhookReceiver
from paperwork.alerts import delivery
from paperwork.alerts.v1_schemas import AlertIn
from paperwork.alerts.v1_service import create_alert
from paperwork.auth.tokens import create_token, verify_token
from paperwork.collectors.runner import PortalRun
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import ScrapeRun, ScrapingConfig
from paperwork.ops.seed_schemas import MetricsReport
from paperwork.timeutil import SEOUL
from paperwork.vocabulary import TokenRole


async def test_metrics_report_table_rows_and_requests(
    client: httpx.AsyncClient, make_program: Any, database_url: str
) -> None:
    await make_program()
    await make_program(portal_id="mss")
    await client.get("/scraping-config")
    body = (await client.get("/metrics")).json()
    tables = {table["name"]: table for table in body["database"]["tables"]}
    assert {"support_programs", "raw_scraped_data", "scraping_config"} <= set(tables)
    if database_url.startswith("sqlite"):
        # SQLite has no statistics collector: live rows are exact counts.
        assert tables["support_programs"]["live_tuples"] == 2
        assert tables["scraping_config"]["live_tuples"] == 3
    assert set(body["database"]["pool"]) == {"current_size", "max_size", "idle_connections"}
    application = body["application"]
    assert application["uptime_seconds"] >= 0 and application["endpoints"] >= 8
    # Endpoints, not routers: every documented operation counts, however the code is split.
    spec = (await client.get("/openapi.json")).json()
    assert application["endpoints"] >= sum(len(methods) for methods in spec["paths"].values())
    assert application["requests"]["/scraping-config"] == 1
    # What is sent is the documented model, key for key.
    assert MetricsReport.model_validate(body).model_dump(mode="json") == body


async def test_prometheus_exposition(client: httpx.AsyncClient, make_program: Any) -> None:
    await make_program()
    await client.get("/scraping-config")
    response = await client.get("/metrics/prometheus")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'paperwork_http_requests_total{method="GET",route="/scraping-config",status="200"} 1.0'
        in text
    )
    assert "paperwork_programs 1" in text


# --- /metrics/prometheus: what operators graph (ops/prometheus.py, ops/telemetry.py) ---

Sample = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: httpx.AsyncClient) -> Sample:
    """Every sample of the exposition, which must parse as Prometheus text."""
    response = await client.get("/metrics/prometheus")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Sample, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def label_values(samples: Sample, name: str, label: str) -> set[str]:
    return {dict(labels)[label] for sample, labels in samples if sample == name}


async def test_latency_histogram_per_route_template_with_bounded_labels(
    client: httpx.AsyncClient, make_program: Any
) -> None:
    first, second = await make_program(), await make_program()
    for program_id in (first, second, 999_999):
        await client.get(f"/api/v1/programs/{program_id}")
    for path in ("/no/such/page", "/wp-admin/setup.php", f"/api/v2/{first}"):
        assert (await client.get(path)).status_code == 404
    assert (await client.request("PROPFIND", "/api/v1/programs")).status_code == 405
    samples = await scrape(client)
    route = "/api/v1/programs/{program_id}"
    histogram = "paperwork_http_request_duration_seconds"
    # Three requests to one route template: one histogram, every bucket there, +Inf holding all.
    buckets = {
        dict(labels)["le"]: count
        for (name, labels), count in samples.items()
        if name == f"{histogram}_bucket" and dict(labels)["route"] == route
    }
    assert {"0.005", "0.1", "1.0", "5.0", "+Inf"} <= set(buckets)
    assert buckets["+Inf"] == 3
    assert value(samples, f"{histogram}_count", method="GET", route=route) == 3
    assert (
        value(samples, "paperwork_http_requests_total", method="GET", route=route, status="200")
        == 2
    )
    assert (
        value(samples, "paperwork_http_requests_total", method="GET", route=route, status="404")
        == 1
    )
    # Unknown paths and invented methods share one label each: no series per path a client sends.
    routes = label_values(samples, "paperwork_http_requests_total", "route")
    assert not [r for r in routes if "no/such" in r or "wp-admin" in r or "v2" in r]
    assert (
        value(
            samples, "paperwork_http_requests_total", method="GET", route="unmatched", status="404"
        )
        == 3
    )
    assert value(samples, f"{histogram}_count", method="GET", route="unmatched") == 3
    methods = label_values(samples, "paperwork_http_requests_total", "method")
    assert "PROPFIND" not in methods and "OTHER" in methods


async def test_collection_runs_and_items_per_portal(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    async with db.session_scope() as session:
        await session.execute(update(ScrapingConfig).values(random_delay_min=0, random_delay_max=0))
    keyed = settings.model_copy(
        update={
            "bizinfo_api_key": SecretStr("TEST-KEY-metrics-bizinfo"),
            "data_go_kr_key": SecretStr("TEST-KEY-metrics-datagokr"),
        }
    )

    async def run(portal: str, answer: Callable[[httpx.Request], httpx.Response]) -> str:
        transport = httpx.MockTransport(answer)
        result = await PortalRun(db, keyed, portal, trigger="cli", transport=transport).execute()
        return result.status

    def saved(name: str) -> Callable[[httpx.Request], httpx.Response]:
        return lambda _request: httpx.Response(200, content=(FIXTURES / name).read_bytes())

    assert await run("bizinfo", bizinfo_api_pages) == "succeeded"  # 4 new
    assert await run("bizinfo", bizinfo_api_pages) == "succeeded"  # the same 4, unchanged
    assert await run("bizinfo", saved("bizinfo_api_reqerr_invalid.json")) == "failed"
    assert await run("mss", saved("mss_error.xml")) == "failed"
    async with db.session_scope() as session:
        last_success = await session.scalar(
            select(func.max(ScrapeRun.finished_at)).where(ScrapeRun.status == "succeeded")
        )
        # A run still going (another process's) is not counted until it ends.
        session.add(ScrapeRun(portal_id="mss", trigger="schedule", status="running"))
    samples = await scrape(client)

    def runs(portal: str, status: str) -> float | None:
        return value(samples, "paperwork_collection_runs_total", portal=portal, status=status)

    assert (runs("bizinfo", "succeeded"), runs("bizinfo", "failed")) == (2, 1)
    assert (runs("mss", "failed"), runs("mss", "running"), runs("mss", "succeeded")) == (
        1,
        None,
        None,
    )
    items = {
        dict(labels)["outcome"]: count
        for (name, labels), count in samples.items()
        if name == "paperwork_collection_items_total" and dict(labels)["portal"] == "bizinfo"
    }
    assert items == {
        "fetched": 8, "new": 4, "updated": 0, "unchanged": 4, "rejected": 0, "failed": 0
    }  # fmt: skip
    assert last_success is not None
    success = "paperwork_collection_last_success_timestamp_seconds"
    assert value(samples, success, portal="bizinfo") == pytest.approx(last_success.timestamp())
    assert value(samples, success, portal="mss") is None  # never succeeded


async def test_alert_deliveries_per_channel_kind_and_status(
    client: httpx.AsyncClient,
    db: Database,
    clock: Clock,
    make_program: Any,
    webhook: WebhookReceiver,
    smtp_server: SmtpServer,
    closed_port: int,
) -> None:
    dead = f"json://127.0.0.1:{closed_port}/hook"
    await make_alert(db, clock, [webhook.url("/hook"), smtp_server.url()])
    await make_alert(db, clock, [dead])
    clock.now += dt.timedelta(seconds=1)
    await make_program(title="청년 창업 사관학교 모집")

    async def delivery_pass() -> None:
        await delivery.run_once(
            db, owner="worker-1", clock=lambda: clock.now, tz=SEOUL, public_url=None
        )

    def deliveries(samples: Sample) -> dict[tuple[str, str], float]:
        return {
            (dict(labels)["channel"], dict(labels)["status"]): count
            for (name, labels), count in samples.items()
            if name == "paperwork_alert_deliveries_total"
        }

    await delivery_pass()
    # Labelled by the channel's kind: no part of a channel's URL (a secret) is in the text.
    text = (await client.get("/metrics/prometheus")).text
    assert "127.0.0.1" not in text and "/hook" not in text and "mailto://" not in text
    assert deliveries(await scrape(client)) == {
        ("json", "sent"): 1, ("mailto", "sent"): 1, ("json", "pending"): 1
    }  # fmt: skip
    for wait in delivery.BACKOFF:  # the dead channel's retries, until it is given up
        clock.now += wait
        await delivery_pass()
    assert deliveries(await scrape(client)) == {
        ("json", "sent"): 1, ("mailto", "sent"): 1, ("json", "failed"): 1
    }  # fmt: skip


async def make_alert(db: Database, clock: Clock, channels: list[str]) -> int:
    """An alert on every program, made by a client token of its own at the test clock's now."""
    async with db.session_scope() as session:
        token = await create_token(
            session, name=f"owner-{uuid.uuid4().hex[:8]}", role=TokenRole.client
        )
        caller = await verify_token(session, token)
        assert caller is not None
        body = AlertIn(name="모든 공고", channels=channels)
        created = await create_alert(
            session, caller, body, tz=SEOUL, now=clock.now, private_hosts_for_clients=True
        )
        return created.id


@pytest.fixture
async def ai_api(
    db: Database, clock: Clock, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, FakeProviders, dict[str, str]]]:
    """The app reaching the fake AI providers (tests/ai_fakes.py), and a client token's header."""
    with FakeProviders() as fake:
        key_file = tmp_path / ".env.ai"
        keys = {
            "OPENAI_API_KEY": fake.keys["openai"],
            "ANTHROPIC_API_KEY": fake.keys["anthropic"],
            "DAILY_COST_LIMIT_USD": 5,
        }
        key_file.write_text("".join(f"{k}={v}\n" for k, v in keys.items()), encoding="utf-8")
        key_file.chmod(0o600)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=db.url,
            env_ai_file=key_file,
            scheduler=False,
            openai_base_url=fake.openai_base_url,
            anthropic_base_url=fake.anthropic_base_url,
        )
        async with db.session_scope() as session:
            token = await create_token(session, name="founder", role=TokenRole.client)
        async for api in serve(settings, clock):
            yield api, fake, {"Authorization": f"Bearer {token}"}


async def chat(api: httpx.AsyncClient, headers: dict[str, str], provider: str) -> float:
    """One chat call; what it cost in US dollars (0 when it failed)."""
    body = {"provider": provider, "messages": [{"role": "user", "content": "지원대상 요약"}]}
    answer = await api.post("/api/v1/ai/chat", headers=headers, json=body)
    return float(answer.json()["data"]["cost_usd"]) if answer.is_success else 0.0


async def test_ai_calls_and_spend_per_provider_and_today_in_seoul(
    ai_api: tuple[httpx.AsyncClient, FakeProviders, dict[str, str]], clock: Clock
) -> None:
    api, fake, headers = ai_api
    fake.usage_in, fake.usage_out = 120_000, 30_000
    first = await chat(api, headers, "openai") + await chat(api, headers, "openai")
    anthropic = await chat(api, headers, "anthropic")
    fake.status = 500
    assert await chat(api, headers, "anthropic") == 0.0  # failed: charged nothing
    fake.status = None
    assert first > 0 and anthropic > 0
    samples = await scrape(api)
    calls = "paperwork_ai_requests_total"
    assert value(samples, calls, provider="openai", outcome="ok") == 2
    assert value(samples, calls, provider="anthropic", outcome="ok") == 1
    assert value(samples, calls, provider="anthropic", outcome="failed") == 1
    assert value(samples, calls, provider="openai", outcome="failed") is None
    spend = "paperwork_ai_spend_usd_total"
    assert value(samples, spend, provider="openai") == pytest.approx(first)
    assert value(samples, spend, provider="anthropic") == pytest.approx(anthropic)
    today = "paperwork_ai_spend_today_usd"
    assert value(samples, today) == pytest.approx(first + anthropic)

    # 00:30 in Seoul on the same UTC date: a new budget day begins; the totals stay.
    clock.now = dt.datetime(2026, 12, 15, 15, 30, tzinfo=dt.UTC)
    samples = await scrape(api)
    assert value(samples, today) == 0
    assert value(samples, spend, provider="openai") == pytest.approx(first)
    later = await chat(api, headers, "openai")
    samples = await scrape(api)
    assert value(samples, today) == pytest.approx(later)
    assert value(samples, spend, provider="openai") == pytest.approx(first + later)
