"""``/api/v1/alerts`` (alerts/v1_router.py → v1_service → repository): creating an alert with its
defaults, the saved search validated as ``/api/v1/programs`` validates it, channels checked by
Apprise and never answered whole, partial updates, and who may see what — a client token only
its own alerts (another's is a 404), an admin every alert; client tokens may not use admin
endpoints."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from apptest import Clock, serve
from paperwork.config import Settings

ALERTS = "/api/v1/alerts"
# A webhook whose path is its secret, and an e-mail account's password: neither may come back.
WEBHOOK = "json://hooks.example.com/paperwork-secret-path-7f3a"
MAIL = "mailtos://founder:mail-pw-9931@example.com"


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    body = {"name": "서울 창업", "channels": [WEBHOOK], **fields}
    answer = await client.post(ALERTS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def test_an_alert_is_created_with_the_issues_defaults(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    created = await _create(client, alice, query={"q": "창업", "region": "서울"})
    assert created["owner"] == "alice"
    assert created["query"] == {"q": "창업", "region": ["서울"]}
    assert created["notify"] == ["new"]
    assert created["reminder_days"] == [7, 3, 1]
    assert created["frequency"] == "instant"
    assert (created["at"], created["weekday"]) == (None, None)
    assert created["active"] is True and created["state"] == "ok"
    read = await client.get(f"{ALERTS}/{created['id']}", headers=alice)
    assert read.status_code == 200 and read.json()["data"] == created


async def test_digests_get_a_morning_time_and_weekly_ones_a_monday(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    daily = await _create(client, alice, frequency="daily")
    assert (daily["at"], daily["weekday"]) == ("09:00", None)
    weekly = await _create(client, alice, frequency="weekly", at="18:30")
    assert (weekly["at"], weekly["weekday"]) == ("18:30", 0)
    # Made instant again, an alert keeps no schedule.
    instant = await client.patch(
        f"{ALERTS}/{weekly['id']}", json={"frequency": "instant"}, headers=alice
    )
    assert (instant.json()["data"]["at"], instant.json()["data"]["weekday"]) == (None, None)


async def test_channels_come_back_masked_never_whole(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    created = await _create(client, alice, channels=[WEBHOOK, MAIL])
    listed = await client.get(ALERTS, headers=alice)
    for answer in (str(created), listed.text):
        assert "paperwork-secret-path-7f3a" not in answer
        assert "mail-pw-9931" not in answer
    assert [channel.split("://")[0] for channel in created["channels"]] == ["json", "mailtos"]


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"name": "x", "channels": ["nonsense://whatever"]}, "channels[0]"),
        ({"name": "x", "channels": [WEBHOOK, "not a url"]}, "channels[1]"),
        ({"name": "x", "channels": []}, "channels"),
        ({"name": "x", "channels": [WEBHOOK], "query": {"portal_id": "nowhere"}}, "portal_id"),
        ({"name": "x", "channels": [WEBHOOK], "query": {"sort": "deadline"}}, "sort"),
        ({"name": "x", "channels": [WEBHOOK], "query": {"q": "가" * 201}}, "q"),
        ({"name": "x", "channels": [WEBHOOK], "frequency": "hourly"}, "frequency"),
        ({"name": "x", "channels": [WEBHOOK], "at": "25:00"}, "at"),
        ({"name": "x", "channels": [WEBHOOK], "weekday": 7}, "weekday"),
        ({"name": "x", "channels": [WEBHOOK], "notify": ["everything"]}, "notify"),
        ({"name": "x", "channels": [WEBHOOK], "reminder_days": [-1]}, "reminder_days"),
        ({"name": "   ", "channels": [WEBHOOK]}, "name"),
        ({"channels": [WEBHOOK]}, "name"),
    ],
)
async def test_a_bad_alert_is_a_422_that_says_what_is_wrong(
    client: httpx.AsyncClient, alice: dict[str, str], body: dict[str, Any], complaint: str
) -> None:
    answer = await client.post(ALERTS, json=body, headers=alice)
    assert answer.status_code == 422, answer.text
    assert complaint in answer.text
    assert "paperwork-secret-path-7f3a" not in answer.text
    assert (await client.get(ALERTS, headers=alice)).json()["data"]["total"] == 0


async def test_an_update_changes_only_what_it_sends(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    created = await _create(client, alice, channels=[WEBHOOK, MAIL], query={"q": "수출"})
    answer = await client.patch(
        f"{ALERTS}/{created['id']}",
        json={"name": "수출 바우처", "notify": ["new", "reminders"], "active": False},
        headers=alice,
    )
    assert answer.status_code == 200, answer.text
    updated = answer.json()["data"]
    assert updated["name"] == "수출 바우처" and updated["notify"] == ["new", "reminders"]
    assert updated["state"] == "paused"
    assert updated["channels"] == created["channels"] and updated["query"] == {"q": "수출"}
    refused = await client.patch(
        f"{ALERTS}/{created['id']}", json={"channels": ["nonsense://x"]}, headers=alice
    )
    assert refused.status_code == 422
    again = await client.get(f"{ALERTS}/{created['id']}", headers=alice)
    assert again.json()["data"]["channels"] == created["channels"]


async def test_a_client_sees_only_its_own_alerts_and_an_admin_sees_all(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    bob: dict[str, str],
    admin_headers: dict[str, str],
) -> None:
    mine = await _create(client, alice)
    theirs = await _create(client, bob, name="부산 수출")
    url = f"{ALERTS}/{theirs['id']}"
    assert (await client.get(url, headers=alice)).status_code == 404
    assert (await client.patch(url, json={"name": "x"}, headers=alice)).status_code == 404
    assert (await client.delete(url, headers=alice)).status_code == 404
    listed = (await client.get(ALERTS, headers=alice)).json()["data"]
    assert [item["id"] for item in listed["items"]] == [mine["id"]] and listed["total"] == 1
    everything = (await client.get(ALERTS, headers=admin_headers)).json()["data"]
    assert {item["owner"] for item in everything["items"]} == {"alice", "bob"}
    assert (await client.get(url, headers=admin_headers)).json()["data"]["name"] == "부산 수출"


async def test_deleting_an_alert_removes_it(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    created = await _create(client, alice)
    deleted = await client.delete(f"{ALERTS}/{created['id']}", headers=alice)
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get(f"{ALERTS}/{created['id']}", headers=alice)).status_code == 404


async def test_alerts_need_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(ALERTS)).status_code == 401
    assert (await client.post(ALERTS, json={"name": "x", "channels": [WEBHOOK]})).status_code == 401


async def test_a_client_token_may_not_use_admin_endpoints(
    client: httpx.AsyncClient, alice: dict[str, str]
) -> None:
    started = await client.post("/api/v1/portals/bizinfo/runs", headers=alice)
    assert started.status_code == 403, started.text
    config = await client.put("/scraping-config/bizinfo", json={"is_enabled": False}, headers=alice)
    assert config.status_code == 403, config.text
    assert (await client.get("/admin/stats", headers=alice)).status_code == 403


@pytest.mark.parametrize(
    "channel",
    [
        "json://127.0.0.1:8080/hook",
        "json://localhost/hook",
        "json://10.0.0.5/hook",
        "json://[::1]/hook",
        "json://169.254.169.254/latest/meta-data",
        "mailtos://me:mail-pw-9931@example.com?smtp=192.168.0.10",
    ],
)
async def test_a_clients_channel_may_not_point_into_the_servers_own_network(
    settings: Settings,
    clock: Clock,
    alice: dict[str, str],
    admin_headers: dict[str, str],
    channel: str,
) -> None:
    strict = settings.model_copy(update={"alerts_private_hosts": False})
    body = {"name": "내부망", "channels": [channel]}
    async for api in serve(strict, clock):
        refused = await api.post(ALERTS, json=body, headers=alice)
        assert refused.status_code == 422, refused.text
        assert "channels[0]" in refused.text and "admin" in refused.text
        assert "mail-pw-9931" not in refused.text
        # An operator's own alert may use a local relay.
        assert (await api.post(ALERTS, json=body, headers=admin_headers)).status_code == 201
