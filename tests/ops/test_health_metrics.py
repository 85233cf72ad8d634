"""/health, /metrics and /metrics/prometheus report the real state of the service."""

from __future__ import annotations

from typing import Any

import httpx


async def test_health_is_healthy_with_the_seed_keys(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["service"] == "paperwork-ai-backend" and body["version"]
    database = body["checks"]["database"]
    assert database["status"] == "healthy" and database["version"]
    assert "/" in database["pool_size"]
    environment = body["checks"]["environment"]
    assert environment["keys_loaded"] == 1  # the test key file holds API_RATE_LIMIT only
    assert environment["has_naver_ocr"] is False and environment["has_ai_keys"] is False
    memory = body["checks"]["memory"]
    assert 0 < memory["usage_percent"] < 100 and memory["available_mb"] > 0
    assert body["checks"]["scheduler"]["running"] is False


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
    assert application["requests"]["/scraping-config"] == 1


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
