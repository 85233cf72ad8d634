"""``POST /api/v1/alerts/{id}/test`` over the real protocols (a local webhook and SMTP server,
tests/local_servers.py): the test message goes to every channel at once and the answer is each
channel's real outcome — a webhook's 404 or a dead port fails that channel with its reason while
the others still deliver; the message lists what the saved search matches now; another client's
alert is a 404 that sends nothing; a channel's secret never comes back."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx

from apptest import Clock
from local_servers import SmtpServer, WebhookReceiver

ALERTS = "/api/v1/alerts"
NAME = "서울 창업"
TITLE = f"[Paperwork] 테스트 알림 — {NAME}"
# A dead channel fails without waiting on a timeout (the shortest socket wait is 4 s).
FAST = 3.0


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], channels: list[str], **fields: Any
) -> int:
    body = {"name": NAME, "channels": channels, **fields}
    answer = await client.post(ALERTS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    alert_id: int = answer.json()["data"]["id"]
    return alert_id


async def _test(
    client: httpx.AsyncClient, headers: dict[str, str], alert_id: int
) -> httpx.Response:
    return await client.post(f"{ALERTS}/{alert_id}/test", headers=headers)


async def test_a_test_reaches_a_webhook_and_a_mailbox_and_says_both_delivered(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    webhook: WebhookReceiver,
    smtp_server: SmtpServer,
) -> None:
    alert_id = await _create(
        client, alice, [webhook.url("/hook"), smtp_server.url(to="founder@example.kr")]
    )

    answer = await _test(client, alice, alert_id)

    assert answer.status_code == 200, answer.text
    result = answer.json()["data"]
    assert (result["alert_id"], result["delivered"], result["failed"]) == (alert_id, 2, 0)
    assert [outcome["delivered"] for outcome in result["outcomes"]] == [True, True]
    assert [outcome["error"] for outcome in result["outcomes"]] == [None, None]
    [request] = webhook.wait_for(1)
    assert request.json["title"] == TITLE
    assert "테스트 메시지" in request.json["message"]
    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == TITLE
    assert smtp_server.envelopes[0][1] == ["founder@example.kr"]


async def test_a_webhook_answering_404_fails_with_its_status_while_the_mail_still_arrives(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    webhook: WebhookReceiver,
    smtp_server: SmtpServer,
) -> None:
    webhook.answer_with([404])
    alert_id = await _create(client, alice, [webhook.url("/gone"), smtp_server.url()])

    answer = await _test(client, alice, alert_id)

    assert answer.status_code == 200  # the answer is the outcomes, failures included
    result = answer.json()["data"]
    assert (result["delivered"], result["failed"]) == (1, 1)
    hook, mail = result["outcomes"]
    assert hook["delivered"] is False and "404" in hook["error"]
    assert hook["channel"].startswith("json://")
    assert (mail["delivered"], mail["error"]) == (True, None)
    assert len(smtp_server.wait_for(1)) == 1
    assert len(webhook.requests) == 1  # the test is one attempt, not a retry loop


async def test_a_channel_nobody_listens_on_fails_fast_with_an_error(
    client: httpx.AsyncClient, alice: dict[str, str], webhook: WebhookReceiver, closed_port: int
) -> None:
    dead = f"json://127.0.0.1:{closed_port}/hook"
    alert_id = await _create(client, alice, [dead, webhook.url("/hook")])

    started = time.monotonic()
    answer = await _test(client, alice, alert_id)

    assert time.monotonic() - started < FAST
    result = answer.json()["data"]
    assert (result["delivered"], result["failed"]) == (1, 1)
    failed, delivered = result["outcomes"]
    assert failed["delivered"] is False and "Connection error" in failed["error"]
    assert delivered["delivered"] is True
    assert len(webhook.wait_for(1)) == 1


async def test_the_test_lists_the_three_newest_programs_the_search_matches_now(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    webhook: WebhookReceiver,
    make_program: Any,
    clock: Clock,
) -> None:
    for days_ago in (4, 3, 2, 1):
        await make_program(
            title=f"청년 창업 지원사업 {days_ago}일 전 공고",
            scraped_at=clock.now - dt.timedelta(days=days_ago),
        )
    await make_program(title="수출바우처 참여기업 모집", scraped_at=clock.now)
    alert_id = await _create(client, alice, [webhook.url("/hook")], query={"q": "창업"})

    assert (await _test(client, alice, alert_id)).json()["data"]["delivered"] == 1

    [request] = webhook.wait_for(1)
    text = request.json["message"]
    assert "3건을 예시로" in text
    shown = [line for line in text.splitlines() if line.startswith("• ")]
    assert [line.split(" · ")[0] for line in shown] == [
        "• 청년 창업 지원사업 1일 전 공고",
        "• 청년 창업 지원사업 2일 전 공고",
        "• 청년 창업 지원사업 3일 전 공고",
    ]
    assert "수출바우처" not in text
    assert "D-16" in text  # the deadline counted from the API's today (2026-12-15)


async def test_another_clients_alert_is_a_404_and_nothing_is_sent(
    client: httpx.AsyncClient,
    alice: dict[str, str],
    bob: dict[str, str],
    admin_headers: dict[str, str],
    webhook: WebhookReceiver,
    smtp_server: SmtpServer,
) -> None:
    alert_id = await _create(client, alice, [webhook.url("/hook"), smtp_server.url()])

    answer = await _test(client, bob, alert_id)

    assert answer.status_code == 404
    assert answer.json()["success"] is False
    assert (await _test(client, bob, alert_id + 1000)).status_code == 404
    # A test answers once its sends are done, so anything sent would have arrived.
    assert webhook.requests == [] and smtp_server.messages == []
    # An admin token may test any alert.
    assert (await _test(client, admin_headers, alert_id)).json()["data"]["delivered"] == 2


async def test_no_secret_of_a_channel_comes_back_in_the_answer(
    client: httpx.AsyncClient, alice: dict[str, str], webhook: WebhookReceiver
) -> None:
    webhook.answer_with([403])
    secret_path = "hook/3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c"
    url = webhook.url(secret_path).replace("json://", "json://bot:pw-s3cret-777@")
    alert_id = await _create(client, alice, [url + "?+X-Api-Key=key-s3cret-4242"])

    answer = await _test(client, alice, alert_id)

    [request] = webhook.wait_for(1)
    assert request.headers["X-Api-Key"] == "key-s3cret-4242"  # the secrets were used...
    [outcome] = answer.json()["data"]["outcomes"]
    assert outcome["delivered"] is False and "403" in outcome["error"]
    for secret in ("pw-s3cret-777", "3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c", "key-s3cret-4242"):
        assert secret not in answer.text  # ...and none of them is answered


async def test_testing_an_alert_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.post(f"{ALERTS}/1/test")).status_code == 401
