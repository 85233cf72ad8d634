"""Delivering alerts (alerts/delivery.py, outbox_repository.py) over real protocols: new programs
become one message listing exactly them; nothing new sends nothing; a failing webhook is retried
with backoff and delivered once; one dead channel does not hold back another; a worker that dies
mid-send leaves the message to another once its lease runs out; two workers send a message once;
a message given up leaves its programs pending for the next pass."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from apptest import Clock
from paperwork.alerts import delivery, evaluation, outbox_repository
from paperwork.alerts.v1_schemas import AlertChanges
from paperwork.alerts.v1_service import update_alert
from paperwork.auth.tokens import create_token, verify_token
from paperwork.db import Database
from paperwork.models import AlertDelivery
from paperwork.portals.scheduler import Scheduler
from paperwork.timeutil import SEOUL
from paperwork.vocabulary import DeliveryStatus


def _later(clock: Clock, **delta: float) -> None:
    clock.now = clock.now + dt.timedelta(**delta)


async def _pass(db: Database, clock: Clock, owner: str = "worker-1") -> tuple[int, Any]:
    return await delivery.run_once(
        db,
        owner=owner,
        clock=lambda: clock.now,
        tz=SEOUL,
        public_url="https://paperwork.example.kr",
    )


async def _deliveries(db: Database) -> list[AlertDelivery]:
    async with db.session_scope() as session:
        return list(await session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


async def test_new_programs_make_one_message_listing_exactly_them(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    await make_program(title="창업 지원 (알림 전부터 있던 공고)")
    _later(clock, minutes=1)
    await make_alert([webhook.url("/hook")], query={"q": "창업"})
    _later(clock, minutes=1)
    await make_program(title="청년 창업 사관학교 모집")
    await make_program(title="예비창업패키지 추가 모집")
    await make_program(title="수출 바우처 (검색어와 무관)")
    queued, report = await _pass(db, clock)
    assert (queued, report.sent) == (1, 1)
    [received] = webhook.requests
    text = str(received.json)
    assert "[Paperwork] 새 지원사업 2건 — 서울 창업" in text
    assert "청년 창업 사관학교 모집" in text and "예비창업패키지 추가 모집" in text
    assert "알림 전부터" not in text and "수출 바우처" not in text
    # Nothing new since: the next pass sends nothing.
    assert await _pass(db, clock) == (0, delivery.SendReport())
    assert len(webhook.requests) == 1


async def test_a_failing_webhook_is_retried_with_backoff_and_delivered_once(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    webhook.answer_with([500, 500, 500, 200])
    await make_alert([webhook.url("/hook")])
    _later(clock, seconds=1)
    await make_program()
    _queued, first = await _pass(db, clock)
    assert first.retrying == 1 and len(webhook.requests) == 1
    await _pass(db, clock)  # not due yet: nothing is sent
    assert len(webhook.requests) == 1
    for wait in delivery.BACKOFF[:3]:
        clock.now += wait
        await _pass(db, clock)
    assert len(webhook.requests) == 4
    [sent] = await _deliveries(db)
    assert (sent.status, sent.attempts, sent.last_error) == (DeliveryStatus.sent, 4, None)
    clock.now += dt.timedelta(days=1)
    await _pass(db, clock)
    assert len(webhook.requests) == 4  # delivered once


async def test_one_dead_channel_does_not_hold_back_another(
    db: Database,
    clock: Clock,
    make_program: Any,
    webhook: Any,
    closed_port: int,
    make_alert: Any,
) -> None:
    dead = f"json://127.0.0.1:{closed_port}/hook"
    await make_alert([dead, webhook.url("/alive")])
    _later(clock, seconds=1)
    await make_program()
    queued, report = await _pass(db, clock)
    assert queued == 2 and (report.sent, report.retrying) == (1, 1)
    assert [request.path for request in webhook.requests] == ["/alive"]
    failing = next(d for d in await _deliveries(db) if d.channel == dead)
    assert failing.status == DeliveryStatus.pending and failing.last_error


async def test_a_message_given_up_leaves_its_programs_pending(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    webhook.answer_with([503])
    await make_alert([webhook.url("/hook")])
    _later(clock, seconds=1)
    program = await make_program(title="스마트공장 구축 지원")
    await _pass(db, clock)
    for wait in delivery.BACKOFF:
        clock.now += wait
        await _pass(db, clock)
    [failed] = await _deliveries(db)
    assert failed.status == DeliveryStatus.failed and failed.attempts == len(delivery.BACKOFF) + 1
    assert "503" in (failed.last_error or "")
    # The next pass queues the same program again, in a new message (tried at once).
    assert (await _pass(db, clock))[0] == 1
    _failed, requeued = await _deliveries(db)
    assert requeued.program_ids == [program] and requeued.status == DeliveryStatus.pending


async def test_a_worker_that_died_mid_send_leaves_the_message_to_another(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    await make_alert([webhook.url("/hook")])
    _later(clock, seconds=1)
    await make_program()
    await delivery.queue_due(db, now=clock.now, tz=SEOUL)
    [queued] = await _deliveries(db)
    async with db.session_scope() as session:  # "dead" claims it, then never reports back
        until = clock.now + delivery.SEND_LEASE
        assert await outbox_repository.claim(
            session, queued.id, owner="dead", now=clock.now, until=until
        )
    await delivery.send_due(db, owner="live", clock=lambda: clock.now)
    assert webhook.requests == []  # the lease still holds
    clock.now += delivery.SEND_LEASE + dt.timedelta(seconds=1)
    report = await delivery.send_due(db, owner="live", clock=lambda: clock.now)
    assert report.sent == 1 and len(webhook.requests) == 1


@pytest.mark.parametrize("workers", [2, 4])
async def test_several_workers_send_each_message_once(
    db: Database, clock: Clock, make_program: Any, webhook: Any, workers: int, make_alert: Any
) -> None:
    await make_alert([webhook.url("/one")])
    await make_alert([webhook.url("/two")], query={"region": "서울"})
    _later(clock, seconds=1)
    await make_program(region="서울")
    await delivery.queue_due(db, now=clock.now, tz=SEOUL)
    reports = await asyncio.gather(
        *(
            delivery.send_due(db, owner=f"worker-{n}", clock=lambda: clock.now)
            for n in range(workers)
        )
    )
    assert sum(report.sent for report in reports) == 2
    assert sorted(request.path for request in webhook.requests) == ["/one", "/two"]


async def test_a_paused_alert_queues_nothing_and_is_not_told_of_what_came_meanwhile(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    alert_id = await make_alert([webhook.url("/hook")], active=False)
    _later(clock, seconds=1)
    await make_program(title="쉬는 동안 올라온 공고")
    assert (await _pass(db, clock))[0] == 0
    _later(clock, seconds=1)
    async with db.session_scope() as session:
        admin_token = await create_token(session, name="admin")
        admin = await verify_token(session, admin_token)
        assert admin is not None
        await update_alert(
            session, admin, alert_id, AlertChanges(active=True), tz=SEOUL, now=clock.now
        )
    _later(clock, seconds=1)
    await make_program(title="다시 켠 뒤 올라온 공고")
    await _pass(db, clock)
    [received] = webhook.requests
    assert "다시 켠 뒤" in str(received.json) and "쉬는 동안" not in str(received.json)


async def test_the_scheduler_delivers_alerts_and_tells_nothing_twice(
    db: Database,
    settings: Any,
    clock: Clock,
    make_program: Any,
    webhook: Any,
    make_alert: Any,
) -> None:
    scheduler = Scheduler(db, settings, clock=lambda: clock.now)
    await make_alert([webhook.url("/hook")])
    _later(clock, seconds=1)
    await make_program(title="스케줄러가 알릴 공고")
    assert (await scheduler.deliver_alerts()).sent == 1
    assert "스케줄러가 알릴 공고" in str(webhook.requests[0].json)
    # Nothing new since: nothing is sent again.
    assert await scheduler.deliver_alerts() == delivery.SendReport()
    assert len(webhook.requests) == 1


async def test_the_delivery_log_shows_each_message_its_status_and_the_channels_error(
    db: Database,
    client: Any,
    clock: Clock,
    make_program: Any,
    webhook: Any,
    admin_headers: dict[str, str],
    alice: dict[str, str],
    bob: dict[str, str],
) -> None:
    webhook.answer_with([404, 200])
    secret_url = webhook.url("/hook/3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c")
    created = await client.post(
        "/api/v1/alerts", json={"name": "창업", "channels": [secret_url]}, headers=alice
    )
    alert_id = created.json()["data"]["id"]
    _later(clock, seconds=1)
    program = await make_program()
    await _pass(db, clock)
    log = f"/api/v1/alerts/{alert_id}/deliveries"
    [retrying] = (await client.get(log, headers=alice)).json()["data"]["items"]
    assert (retrying["status"], retrying["attempts"], retrying["program_ids"]) == (
        "pending",
        1,
        [program],
    )
    assert "404" in retrying["last_error"] and retrying["next_attempt_at"]
    assert "3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c" not in str(retrying)
    clock.now += delivery.BACKOFF[0]
    await _pass(db, clock)
    [sent] = (await client.get(log, headers=alice)).json()["data"]["items"]
    assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 2, None)
    assert (await client.get(log, headers=bob)).status_code == 404
    assert (await client.get(log, headers=admin_headers)).status_code == 200


async def test_the_preview_shows_the_next_message_without_sending_or_recording_it(
    db: Database, client: Any, clock: Clock, make_program: Any, webhook: Any, alice: dict[str, str]
) -> None:
    created = await client.post(
        "/api/v1/alerts",
        json={"name": "창업", "channels": [webhook.url("/hook")], "query": {"q": "창업"}},
        headers=alice,
    )
    preview = f"/api/v1/alerts/{created.json()['data']['id']}/preview"
    assert (await client.get(preview, headers=alice)).json()["data"]["messages"] == []
    _later(clock, seconds=1)
    program = await make_program(title="청년 창업 지원")
    await make_program(title="수출 바우처")
    for _ in range(2):  # looking twice changes nothing
        [message] = (await client.get(preview, headers=alice)).json()["data"]["messages"]
        assert message["title"] == "[Paperwork] 새 지원사업 1건 — 창업"
        assert message["program_ids"] == [program] and "청년 창업 지원" in message["text"]
    assert webhook.requests == [] and await _deliveries(db) == []
    await _pass(db, clock)
    assert len(webhook.requests) == 1
    assert (await client.get(preview, headers=alice)).json()["data"]["messages"] == []


async def test_an_alert_whose_sends_keep_failing_shows_degraded_until_one_succeeds(
    db: Database, client: Any, clock: Clock, make_program: Any, webhook: Any, alice: dict[str, str]
) -> None:
    webhook.answer_with([500, 500, 500, 200])
    created = await client.post(
        "/api/v1/alerts", json={"name": "창업", "channels": [webhook.url("/hook")]}, headers=alice
    )
    alert = f"/api/v1/alerts/{created.json()['data']['id']}"
    _later(clock, seconds=1)
    await make_program()
    await _pass(db, clock)
    for wait in delivery.BACKOFF[:2]:
        assert (await client.get(alert, headers=alice)).json()["data"]["state"] == "ok"
        clock.now += wait
        await _pass(db, clock)
    assert (await client.get(alert, headers=alice)).json()["data"]["state"] == "degraded"
    health = (await client.get("/health")).json()
    assert health["checks"]["scheduler"]["degraded_alerts"] == [created.json()["data"]["id"]]
    clock.now += delivery.BACKOFF[2]
    await _pass(db, clock)  # the fourth attempt goes through
    assert (await client.get(alert, headers=alice)).json()["data"]["state"] == "ok"
    assert (await client.get("/health")).json()["checks"]["scheduler"]["degraded_alerts"] == []


async def test_a_program_stamped_before_a_pass_but_committed_after_it_is_still_told(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    await make_alert([webhook.url("/hook")])
    _later(clock, minutes=30)
    await _pass(db, clock)  # the alert has looked at everything up to now
    # A collection batch stamped five minutes ago that commits only now.
    late = clock.now - dt.timedelta(minutes=5)
    await make_program(title="늦게 커밋된 공고", first_seen_at=late)
    _later(clock, minutes=1)
    await _pass(db, clock)
    [received] = webhook.requests
    assert "늦게 커밋된 공고" in str(received.json)


async def test_two_passes_at_once_queue_each_message_once(
    db: Database,
    clock: Clock,
    make_program: Any,
    webhook: Any,
    monkeypatch: pytest.MonkeyPatch,
    make_alert: Any,
) -> None:
    """Two schedulers (two `paperwork serve` workers) starting a pass at the same moment: the
    first is still between reading what is untold and writing its message when the second
    starts; the second waits for it and then finds everything told."""
    await make_alert([webhook.url("/hook")])
    _later(clock, seconds=1)
    await make_program()
    evaluate = evaluation.evaluate

    async def evaluate_slowly(*args: Any, **kwargs: Any) -> Any:
        found = await evaluate(*args, **kwargs)
        await asyncio.sleep(0.3)  # the other pass starts meanwhile
        return found

    monkeypatch.setattr(evaluation, "evaluate", evaluate_slowly)
    passes = [delivery.queue_due(db, now=clock.now, tz=SEOUL) for _ in range(2)]
    assert sorted(await asyncio.gather(*passes)) == [0, 1]
    assert len(await _deliveries(db)) == 1


async def test_more_programs_than_one_message_takes_go_out_with_the_next_passes(
    db: Database,
    clock: Clock,
    make_program: Any,
    webhook: Any,
    make_alert: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(evaluation, "MAX_PROGRAMS_PER_MESSAGE", 2)
    await make_alert([webhook.url("/hook")])
    _later(clock, seconds=1)
    made = [await make_program(title=f"새 공고 {n}") for n in range(5)]
    for _ in range(4):
        # Far past the look-back between passes: the alert's kept mark finds the rest.
        _later(clock, hours=1)
        await _pass(db, clock)
    assert [d.program_ids for d in await _deliveries(db)] == [made[:2], made[2:4], made[4:]]
    assert len(webhook.requests) == 3
