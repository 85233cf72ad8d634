"""The seed's /scraping-config (portals/seed_router.py): every seed field, admin-only partial
updates with the seed's bounds, and every failure a documented status in the envelope."""

from __future__ import annotations

import httpx
import pytest

CONFIG_KEYS = {
    "portal_id", "is_enabled", "daily_limit", "interval_hours", "interval_minutes",
    "random_delay_min", "random_delay_max", "start_time", "end_time", "weekdays_only",
    "quality_threshold", "auto_retry", "max_retries", "updated_at",
    "attachment_daily_limit",  # issue 15: beside the seed's fields, never instead of one
}  # fmt: skip


async def test_lists_every_portal_with_every_seed_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/scraping-config")
    assert response.status_code == 200
    configs = response.json()["data"]
    assert [config["portal_id"] for config in configs] == ["bizinfo", "kstartup", "mss"]
    assert all(set(config) == CONFIG_KEYS for config in configs)
    assert configs[0]["start_time"] == "09:00:00" and configs[0]["end_time"] == "18:00:00"
    assert {config["attachment_daily_limit"] for config in configs} == {200}


async def test_filter_by_portal_and_unknown_portal(client: httpx.AsyncClient) -> None:
    one = (await client.get("/scraping-config", params={"portal_id": "mss"})).json()["data"]
    assert [config["portal_id"] for config in one] == ["mss"]
    missing = await client.get("/scraping-config", params={"portal_id": "naver"})
    assert missing.status_code == 404 and missing.json()["success"] is False


async def test_partial_update_changes_only_what_was_sent(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    before = (await client.get("/scraping-config?portal_id=kstartup")).json()["data"][0]
    response = await client.put(
        "/scraping-config/kstartup",
        json={"daily_limit": 250, "start_time": "08:30", "weekdays_only": False},
        headers=admin_headers,
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["portal_id"] == "kstartup"
    assert sorted(data["updated_fields"]) == ["daily_limit", "start_time", "weekdays_only"]
    assert data["message"]
    after = (await client.get("/scraping-config?portal_id=kstartup")).json()["data"][0]
    assert (after["daily_limit"], after["start_time"], after["weekdays_only"]) == (
        250,
        "08:30:00",
        False,
    )
    assert after["interval_hours"] == before["interval_hours"]
    assert after["updated_at"] >= before["updated_at"]


async def test_window_can_be_cleared_to_all_day(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.put(
        "/scraping-config/mss", json={"start_time": None, "end_time": None}, headers=admin_headers
    )
    assert response.status_code == 200
    config = (await client.get("/scraping-config?portal_id=mss")).json()["data"][0]
    assert config["start_time"] is None and config["end_time"] is None


async def test_update_needs_a_valid_admin_token(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic eDp5"}):
        response = await client.put(
            "/scraping-config/bizinfo", json={"daily_limit": 5}, headers=headers
        )
        assert response.status_code == 401, headers
        assert response.json()["success"] is False
        assert response.headers["WWW-Authenticate"] == "Bearer"
    config = (await client.get("/scraping-config?portal_id=bizinfo")).json()["data"][0]
    assert config["daily_limit"] == 100


@pytest.mark.parametrize(
    "body",
    [
        {"daily_limit": 0},
        {"daily_limit": 1001},
        {"interval_hours": 0},
        {"interval_hours": 25},
        {"interval_minutes": 60},
        {"random_delay_min": 61},
        {"random_delay_max": 121},
        {"quality_threshold": 10.5},
        {"quality_threshold": -1},
        {"max_retries": 11},
        {"daily_limit": "many"},
        {"is_enabled": "perhaps"},
        {"start_time": "25:00"},
        {"start_time": "9시"},
        {"is_enabled": None},
        {"unknown_field": 1},
        {},
    ],
)
async def test_out_of_bounds_or_malformed_updates_are_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], body: dict[str, object]
) -> None:
    response = await client.put("/scraping-config/bizinfo", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["success"] is False and response.json()["error"]
    config = (await client.get("/scraping-config?portal_id=bizinfo")).json()["data"][0]
    assert config["daily_limit"] == 100 and config["is_enabled"] is True


async def test_non_json_body_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.put(
        "/scraping-config/bizinfo",
        content=b"daily_limit=5",
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"\xff not utf-8"),  # FastAPI's bare 400 before the fix
        ("application/json", b'{"daily_limit": \xed\xa0}'),
        ("text/plain", b"\xff"),
        ("application/x-www-form-urlencoded", b"daily_limit=5"),
    ],
)
async def test_a_body_that_is_not_json_is_the_documented_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], content_type: str, body: bytes
) -> None:
    # Schemathesis found a 400 here that the OpenAPI entry did not list: every answer to an
    # unreadable body is now the documented 422 in the failure envelope.
    response = await client.put(
        "/scraping-config/bizinfo",
        content=body,
        headers={**admin_headers, "Content-Type": content_type},
    )
    assert response.status_code == 422
    assert response.json()["success"] is False and response.json()["error"]
    spec = (await client.get("/openapi.json")).json()
    assert "422" in spec["paths"]["/scraping-config/{portal_id}"]["put"]["responses"]
    config = (await client.get("/scraping-config?portal_id=bizinfo")).json()["data"][0]
    assert config["daily_limit"] == 100


async def test_delay_min_above_max_after_merge_is_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    # The stored max is 5: a min of 10 alone breaks the pair even though it is in bounds.
    response = await client.put(
        "/scraping-config/bizinfo", json={"random_delay_min": 10}, headers=admin_headers
    )
    assert response.status_code == 422
    assert "random_delay_min" in response.json()["error"]
    both = await client.put(
        "/scraping-config/bizinfo",
        json={"random_delay_min": 10, "random_delay_max": 20},
        headers=admin_headers,
    )
    assert both.status_code == 200


async def test_unknown_portal_is_404(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.put(
        "/scraping-config/naver", json={"daily_limit": 5}, headers=admin_headers
    )
    assert response.status_code == 404
    assert response.json()["success"] is False
