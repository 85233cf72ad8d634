"""``paperwork alerts`` as an operator runs it: every user's alerts in one table with their
channels masked, and a test message sent from the server to one alert's channels (a real local
webhook), one line per channel, exiting 1 when any channel failed."""

from __future__ import annotations

import asyncio
import datetime as dt

from typer.testing import CliRunner

from local_servers import WebhookReceiver
from paperwork.alerts import v1_service
from paperwork.alerts.v1_schemas import AlertIn
from paperwork.auth.tokens import create_token, verify_token
from paperwork.cli import app
from paperwork.db import Database
from paperwork.models import SupportProgram
from paperwork.timeutil import SEOUL
from paperwork.vocabulary import AlertFrequency, TokenRole

SECRET = "3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c"  # a webhook path that is its secret


def _add_alert(
    url: str,
    *,
    owner: str,
    name: str,
    channels: list[str],
    frequency: AlertFrequency = AlertFrequency.instant,
) -> int:
    """An alert made as its owner's client token makes one through the API."""

    async def add() -> int:
        database = Database(url, pool_size=1)
        try:
            async with database.session_scope() as session:
                token = await verify_token(
                    session, await create_token(session, name=owner, role=TokenRole.client)
                )
                assert token is not None
                body = AlertIn(name=name, channels=channels, frequency=frequency)
                now = dt.datetime.now(dt.UTC)
                created = await v1_service.create_alert(
                    session, token, body, tz=SEOUL, now=now, private_hosts_for_clients=True
                )
                return created.id
        finally:
            await database.dispose()

    return asyncio.run(add())


def test_list_shows_every_owners_alerts_with_their_channels_masked(
    cli_env: str, cli_db: object, runner: CliRunner, webhook: WebhookReceiver
) -> None:
    assert "no alerts" in runner.invoke(app, ["alerts", "list"]).output
    _add_alert(cli_env, owner="alice", name="서울 창업", channels=[webhook.url(f"/hook/{SECRET}")])
    _add_alert(
        cli_env,
        owner="bob",
        name="수출",
        channels=["mailtos://bob:mail-pw-9931@example.com"],
        frequency=AlertFrequency.daily,
    )

    listed = runner.invoke(app, ["alerts", "list"])

    assert listed.exit_code == 0, listed.output
    for shown in ("alice", "서울 창업", "instant", "bob", "수출", "daily", "09:00", "ok"):
        assert shown in listed.output
    assert "json://" in listed.output and "mailtos://" in listed.output
    assert SECRET not in listed.output and "mail-pw-9931" not in listed.output


def test_test_prints_each_channels_outcome_and_exits_0_when_all_delivered(
    cli_env: str, cli_db: object, runner: CliRunner, webhook: WebhookReceiver
) -> None:
    alert_id = _add_alert(
        cli_env,
        owner="alice",
        name="서울 창업",
        channels=[webhook.url("/one"), webhook.url("/two")],
    )

    result = runner.invoke(app, ["alerts", "test", str(alert_id)])

    assert result.exit_code == 0, result.output
    assert result.output.count("✓") == 2 and "✗" not in result.output
    assert "delivered to 2 of 2 channels" in result.output
    requests = webhook.wait_for(2)
    assert sorted(request.path for request in requests) == ["/one", "/two"]
    assert {request.json["title"] for request in requests} == {
        "[Paperwork] 테스트 알림 — 서울 창업"
    }


def test_test_exits_1_and_says_why_when_a_channel_failed(
    cli_env: str, cli_db: object, runner: CliRunner, webhook: WebhookReceiver
) -> None:
    webhook.answer_with([404])
    alert_id = _add_alert(
        cli_env, owner="alice", name="서울 창업", channels=[webhook.url(f"/hook/{SECRET}")]
    )

    result = runner.invoke(app, ["alerts", "test", str(alert_id)])

    assert result.exit_code == 1
    assert "✗" in result.output and "404" in result.output
    assert "delivered to 0 of 1 channels" in result.output
    assert SECRET not in result.output


def test_test_of_an_unknown_alert_is_a_one_line_error(
    cli_env: str, cli_db: object, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["alerts", "test", "999"])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # printed and exited, not raised
    assert "error: 알림을 찾을 수 없습니다: 999" in result.output


def _add_program(url: str, title: str) -> None:
    """A program first seen now (after the alerts made before it), as a collection run stores it."""

    async def add() -> None:
        database = Database(url, pool_size=1)
        now = dt.datetime.now(dt.UTC)
        try:
            async with database.session_scope() as session:
                session.add(
                    SupportProgram(
                        portal_id="bizinfo",
                        external_id="PBLN_CLI_1",
                        title=title,
                        implementing_agency="중소벤처기업부",
                        detail_url="https://www.bizinfo.go.kr/x?pblancId=1",
                        data_quality_score=8.0,
                        scraped_at=now,
                        first_seen_at=now,
                        last_seen_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
        finally:
            await database.dispose()

    asyncio.run(add())


def test_send_due_queues_new_programs_and_sends_them_once(
    cli_env: str, cli_db: object, runner: CliRunner, webhook: WebhookReceiver
) -> None:
    idle = runner.invoke(app, ["alerts", "send-due"])
    assert idle.exit_code == 0 and "queued 0 messages; sent 0" in idle.output
    _add_alert(cli_env, owner="alice", name="서울 창업", channels=[webhook.url("/hook")])
    _add_program(cli_env, "크론이 알릴 창업 공고")

    first = runner.invoke(app, ["alerts", "send-due"])

    assert first.exit_code == 0, first.output
    assert "queued 1 messages; sent 1" in first.output
    assert "크론이 알릴 창업 공고" in str(webhook.requests[0].json)
    again = runner.invoke(app, ["alerts", "send-due"])
    assert "queued 0 messages; sent 0" in again.output and len(webhook.requests) == 1
