"""/metrics (the seed's JSON) and /metrics/prometheus (ops/metrics.py) report the real state of
the service."""

from __future__ import annotations

from typing import Any

import httpx

from paperwork.ops.seed_schemas import MetricsReport


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
