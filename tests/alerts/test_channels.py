"""Alert channels over the real protocols: Apprise checks the URLs a user saves, masks their
secrets, and delivers to a local SMTP server and a local webhook (tests/local_servers.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import apprise
import pytest

from local_servers import SmtpServer, WebhookReceiver
from paperwork.alerts import channels
from paperwork.alerts.channels import (
    MAX_CHANNELS,
    Message,
    Outcome,
    body_limit,
    check_channels,
    mask,
    preferred_format,
    send,
)
from paperwork.errors import InvalidInput

TITLE = "[Paperwork] 새 지원사업 2건 — 서울 창업"
MESSAGE = Message(
    title=TITLE,
    text="서울 창업 지원사업 2건이 새로 올라왔습니다.\n- 청년창업 지원금 (마감 6월 30일)",
    markdown="서울 **창업** 지원사업 2건이 새로 올라왔습니다.\n- [청년창업 지원금](https://example.kr/1)",
    html=(
        "<p>서울 <strong>창업</strong> 지원사업 2건이 새로 올라왔습니다.</p>"
        '<ul><li><a href="https://example.kr/1">청년창업 지원금</a></li></ul>'
    ),
)

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general"
TELEGRAM = "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/987654321"
DISCORD = "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js"

# A fast failure is one that never waits on a timeout (Apprise's shortest is 4 s).
FAST = 3.0


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    content: str = part.get_content()
    return content


# check_channels


def test_channel_urls_of_common_services_are_accepted_and_returned_stripped(
    smtp_server: SmtpServer, webhook: WebhookReceiver
) -> None:
    urls = [smtp_server.url(), f"  {webhook.url('/hook')} ", SLACK, TELEGRAM, DISCORD]
    assert check_channels(urls) == [url.strip() for url in urls]


def test_unknown_scheme_is_rejected_naming_the_channel_and_the_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_channels([DISCORD, "bogus://alice:hunter2secret@example.kr/hook"])
    message = caught.value.message
    assert message.startswith("channels[1] (bogus://****): ")
    assert "unknown scheme 'bogus'" in message
    assert "hunter2secret" not in message and "alice" not in message


def test_malformed_url_is_rejected_with_apprises_reason_and_no_secret() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_channels([SLACK, "slack://T1JJ3T3L2/A1BRTD4JD/bad!secret-token"])
    message = caught.value.message
    assert message.startswith("channels[1] (slack://****): ")
    assert "Slack" in message and "Token" in message  # Apprise says which part is wrong
    assert "bad!secret-token" not in message and "T1JJ3T3L2" not in message


def test_text_that_is_not_a_url_is_rejected() -> None:
    with pytest.raises(InvalidInput, match=r"channels\[0\] \(\*\*\*\*\): not an Apprise URL"):
        check_channels(["my slack channel"])


def test_an_empty_channel_list_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="at least one channel"):
        check_channels([])


def test_the_same_channel_twice_is_rejected(webhook: WebhookReceiver) -> None:
    url = webhook.url("/hook")
    with pytest.raises(InvalidInput, match=r"channels\[1\] .*repeats channels\[0\]"):
        check_channels([url, f" {url}"])


def test_more_than_ten_channels_are_rejected() -> None:
    urls = [f"json://127.0.0.1/hook{n}" for n in range(MAX_CHANNELS + 1)]
    with pytest.raises(InvalidInput, match=f"at most {MAX_CHANNELS} channels"):
        check_channels(urls)
    assert check_channels(urls[:MAX_CHANNELS]) == urls[:MAX_CHANNELS]


# mask


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        ("json://user:secretpw@host/path", ["secretpw"]),
        ("mailtos://user:secretpw@gmail.com", ["secretpw"]),
        ("tgram://123456:ABCDEF-secret/987654", ["ABCDEF-secret", "123456"]),
        ("slack://T000/B000/XXXXsecret", ["XXXXsecret", "T000", "B000"]),
        (SLACK, ["TIiajkdnlazkcOXrIdevi7FQ", "T1JJ3T3L2", "A1BRTD4JD"]),
        (
            "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
            ["TIiajkdnlazkcOXrIdevi7FQ", "T1JJ3T3L2", "A1BRTD4JD"],
        ),
        (DISCORD, ["JHMHI8qBe7bk2ZwO5U711o3dV_js", "4174216298"]),
        ("ntfy://alice:s3cretpass@ntfy.sh/paperwork", ["s3cretpass"]),
        # Apprise's privacy form shows these in full; a webhook's secret is often its path.
        (
            "jsons://n8n.example.kr/webhook/3f2a9c1e-5b7d-4e2f-8a6c-0d1e2f3a4b5c",
            ["3f2a9c1e-5b7d-4e2f-8a6c-0d1e2f3a4b5c"],
        ),
        (
            "json://host/hook?+Authorization=Bearer%20sekrit123&-token=paytok999",
            ["sekrit123", "paytok999"],
        ),
        ("bogus://alice:secretpw@host/path", ["secretpw", "alice", "host"]),
    ],
)
def test_masked_channel_shows_no_secret_part(url: str, secrets: list[str]) -> None:
    masked = mask(url)
    assert "****" in masked or "..." in masked
    for secret in secrets:
        assert secret not in masked


def test_masked_channel_still_says_which_service_and_host_it_is() -> None:
    masked = mask("json://user:secretpw@alerts.example.kr/path")
    assert masked.startswith("json://user:****@alerts.example.kr/path")
    assert mask(SLACK).startswith("slack://")


# body_limit and preferred_format


def test_body_limit_is_the_services_own_message_size() -> None:
    assert body_limit(DISCORD) == 2000
    assert body_limit(TELEGRAM) == 4096
    assert body_limit("bogus://x") is None


@pytest.mark.parametrize(
    ("url", "rendering"),
    [
        ("mailtos://user:secretpw@gmail.com", "html"),
        (TELEGRAM, "html"),
        (SLACK, "markdown"),
        (DISCORD, "markdown"),
        ("json://127.0.0.1/hook", "text"),
        ("json://127.0.0.1/hook?format=markdown", "markdown"),
        ("ntfy://ntfy.sh/paperwork", "text"),
    ],
)
def test_each_service_gets_the_rendering_it_displays_best(url: str, rendering: str) -> None:
    assert preferred_format(url) == rendering


# send: e-mail


def test_email_arrives_with_the_korean_title_as_subject_and_text_and_html_parts(
    smtp_server: SmtpServer,
) -> None:
    outcome = send(smtp_server.url(to="founder@example.kr"), MESSAGE)

    assert (outcome.delivered, outcome.error) == (True, None)
    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == TITLE
    assert smtp_server.envelopes[0][1] == ["founder@example.kr"]
    assert "<strong>창업</strong>" in body(mail, "html")
    assert "서울 창업 지원사업 2건" in body(mail, "plain")
    assert "<strong>" not in body(mail, "plain")


def test_email_to_a_server_that_is_not_there_fails_fast_with_a_connection_error(
    closed_port: int,
) -> None:
    url = f"mailto://alice:mailpw123@127.0.0.1:{closed_port}/?to=a@example.kr&from=b@example.kr"
    started = time.monotonic()
    outcome = send(url, MESSAGE)

    assert time.monotonic() - started < FAST
    assert outcome.delivered is False
    assert outcome.error is not None and "Connection error" in outcome.error
    assert "mailpw123" not in outcome.error + outcome.channel


# send: webhook


def test_webhook_receives_the_title_and_the_plain_text_message(webhook: WebhookReceiver) -> None:
    outcome = send(webhook.url("/alerts"), MESSAGE)

    assert (outcome.delivered, outcome.error) == (True, None)
    [request] = webhook.wait_for(1)
    assert (request.method, request.path) == ("POST", "/alerts")
    assert request.json["title"] == TITLE
    assert request.json["message"] == MESSAGE.text
    assert request.headers["User-Agent"] == "Paperwork"


def test_webhook_asking_for_markdown_receives_the_markdown_message(
    webhook: WebhookReceiver,
) -> None:
    assert send(webhook.url("/alerts") + "?format=markdown", MESSAGE).delivered
    [request] = webhook.wait_for(1)
    assert request.json["message"] == MESSAGE.markdown


@pytest.mark.parametrize("status", [404, 500])
def test_webhook_error_status_is_reported_undelivered_with_that_status(
    webhook: WebhookReceiver, status: int
) -> None:
    webhook.answer_with([status])
    outcome = send(webhook.url("/alerts"), MESSAGE)

    assert outcome.delivered is False
    assert outcome.error is not None and str(status) in outcome.error
    assert len(webhook.requests) == 1


def test_webhook_failure_never_shows_the_password(webhook: WebhookReceiver) -> None:
    webhook.answer_with([403])
    url = webhook.url("/alerts").replace("json://", "json://bot:pw-s3cret-777@")
    outcome = send(url, MESSAGE)

    assert outcome.delivered is False and outcome.error is not None and "403" in outcome.error
    assert "pw-s3cret-777" not in outcome.error + outcome.channel
    assert webhook.requests[0].headers["Authorization"].startswith("Basic ")


def test_what_apprise_and_urllib3_log_during_a_send_shows_no_secret(
    webhook: WebhookReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the most an operator could turn on
    webhook.answer_with([404])
    secret_path = "/hook/3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c"
    url = webhook.url(secret_path).replace("json://", "json://bot:pw-s3cret-777@")
    send(url, MESSAGE)

    logged = [record.getMessage() for record in caplog.records]
    assert any("404" in line for line in logged)
    assert any("POST" in line and "****" in line for line in logged)  # urllib3's request line
    for line in logged:
        assert "3f2a9c1e5b7d4e2f8a6c0d1e2f3a4b5c" not in line and "pw-s3cret-777" not in line


def test_webhook_on_a_closed_port_fails_fast_with_a_connection_error(closed_port: int) -> None:
    started = time.monotonic()
    outcome = send(f"json://127.0.0.1:{closed_port}/alerts", MESSAGE)

    assert time.monotonic() - started < FAST
    assert outcome.delivered is False
    assert outcome.error is not None and "Connection error" in outcome.error


def test_webhook_that_answers_too_slowly_fails_after_the_urls_read_timeout(
    webhook: WebhookReceiver,
) -> None:
    webhook.delay = 2.0
    started = time.monotonic()
    outcome = send(webhook.url("/alerts") + "?rto=0.3", MESSAGE)

    assert time.monotonic() - started < 1.5
    assert outcome.delivered is False and outcome.error is not None


def test_webhook_that_answers_too_slowly_fails_at_our_ceiling_whatever_the_url_asks(
    webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channels, "SOCKET_TIMEOUT", 0.3)  # the 10 s ceiling, scaled down
    webhook.delay = 2.0
    started = time.monotonic()
    outcome = send(webhook.url("/alerts") + "?rto=600", MESSAGE)

    assert time.monotonic() - started < 1.5
    assert outcome.delivered is False and outcome.error is not None


async def test_concurrent_sends_each_report_only_their_own_failure(
    webhook: WebhookReceiver, closed_port: int
) -> None:
    webhook.answer_with([404])
    refused = f"json://127.0.0.1:{closed_port}/alerts"
    not_found = webhook.url("/alerts")
    urls = [refused, not_found] * 8

    outcomes = await asyncio.gather(*(asyncio.to_thread(send, url, MESSAGE) for url in urls))

    for url, outcome in zip(urls, outcomes, strict=True):
        assert outcome.delivered is False and outcome.error is not None
        if url == refused:
            assert "Connection error" in outcome.error and "404" not in outcome.error
        else:
            assert "404" in outcome.error and "Connection error" not in outcome.error


# send: what is not a delivery problem of the service


def test_sending_to_an_unusable_url_reports_why_instead_of_raising() -> None:
    outcome = send("bogus://alice:secretpw@host", MESSAGE)
    assert outcome == Outcome(
        channel="bogus://****",
        delivered=False,
        error="unknown scheme 'bogus' (not a service Apprise supports)",
    )


class _ExplodingPlugin(apprise.NotifyBase):
    """A real Apprise plugin whose send() raises, as a buggy or broken plugin would."""

    service_name = "Exploding"
    protocol = "pwexplode"
    secure_protocol = "pwexplode"

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        password = self.pprint(self.password, privacy, safe="")
        return f"pwexplode://{self.user}:{password}@{self.host}/"

    def send(self, body: str, title: str = "", *args: Any, **kwargs: Any) -> bool:
        raise RuntimeError(f"login refused for password {self.password}")


@pytest.fixture
def exploding_plugin() -> Iterator[str]:
    manager = apprise.NotificationManager()
    manager.add(_ExplodingPlugin, schemas="pwexplode")
    try:
        yield "pwexplode://bot:boom-s3cret-42@example.kr"
    finally:
        manager.remove("pwexplode")


def test_a_plugin_that_raises_becomes_an_undelivered_outcome(exploding_plugin: str) -> None:
    outcome = send(exploding_plugin, MESSAGE)

    assert outcome.delivered is False
    assert outcome.error == "RuntimeError: login refused for password ****"
    assert "boom-s3cret-42" not in outcome.channel
