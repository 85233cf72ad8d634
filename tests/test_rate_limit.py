"""The per-client limit: a moving window shared by every API process through Redis
(``PAPERWORK_RATE_LIMIT_STORAGE``), each process counting alone while Redis is away — still
serving, saying so in ``/health`` and ``/metrics`` — and sharing again once it is back; and the
client's address read through ``PAPERWORK_TRUSTED_PROXIES`` only."""

from __future__ import annotations

import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from local_redis import RedisServer
from paperwork.app import create_app
from paperwork.client_address import parse_networks
from paperwork.config import Settings

LIMIT = 5
PROXY = "10.0.0.5"
PATH = "/scraping-config"


@pytest.fixture
def limited(settings: Settings, tmp_path: Path) -> Callable[..., Settings]:
    """Settings with a limit of ``LIMIT`` requests a minute per client, and any overrides."""
    key_file = tmp_path / "limited.env.ai"
    key_file.write_text(f"API_RATE_LIMIT={LIMIT}\n", encoding="utf-8")
    key_file.chmod(0o600)

    def make(**overrides: object) -> Settings:
        return settings.model_copy(update={"env_ai_file": key_file, **overrides})

    return make


@asynccontextmanager
async def process(settings: Settings) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """One API process (its own app and limiter); ``connect(peer)`` is a client whose
    connection comes from address ``peer``."""
    app = create_app(settings)
    async with app.router.lifespan_context(app), AsyncExitStack() as clients:

        def connect(peer: str = "192.0.2.10") -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(peer, 40000))
            client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
            clients.push_async_callback(client.aclose)
            return client

        yield connect


async def statuses(client: httpx.AsyncClient, count: int, **headers: str) -> list[int]:
    return [(await client.get(PATH, headers=headers)).status_code for _ in range(count)]


async def test_past_the_limit_a_client_waits_and_others_go_on(
    limited: Callable[..., Settings],
) -> None:
    async with process(limited()) as connect:
        client = connect("192.0.2.10")
        assert await statuses(client, LIMIT) == [200] * LIMIT
        refused = await client.get(PATH)
        assert refused.status_code == 429
        # A moving window of a minute: the first request leaves it within 60 s.
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.json()["success"] is False
        assert (await connect("192.0.2.11").get(PATH)).status_code == 200


async def test_two_processes_on_redis_share_one_limit(
    limited: Callable[..., Settings], redis_server: RedisServer
) -> None:
    settings = limited(rate_limit_storage=redis_server.url)
    async with process(settings) as first, process(settings) as second:
        one, two = first(), second()
        answers = []
        for _ in range(LIMIT + 3):  # alternating between the processes, as a proxy would
            answers.append((await one.get(PATH)).status_code)
            answers.append((await two.get(PATH)).status_code)
        assert answers.count(200) == LIMIT and answers.count(429) == len(answers) - LIMIT
        health = (await one.get("/health")).json()
        assert health["checks"]["rate_limit"] == {
            "status": "healthy", "storage": "redis", "fallback": False,
        }  # fmt: skip


async def test_memory_storage_counts_per_process(limited: Callable[..., Settings]) -> None:
    """The embedded default: each process has its own count (why Redis exists)."""
    async with process(limited()) as first, process(limited()) as second:
        assert await statuses(first(), LIMIT) == [200] * LIMIT
        assert await statuses(second(), LIMIT) == [200] * LIMIT


async def test_without_redis_each_process_keeps_serving_and_says_so(
    limited: Callable[..., Settings],
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="paperwork.rate_limit")
    settings = limited(rate_limit_storage=redis_server.url)
    async with process(settings) as connect:
        client = connect()
        assert await statuses(client, 2) == [200, 200]
        redis_server.stop()

        # Served from this process's own count: the limit still holds, per process.
        assert await statuses(client, LIMIT) == [200] * LIMIT
        assert (await client.get(PATH)).status_code == 429
        fallbacks = [r for r in caplog.records if "rate_limit.fallback" in r.getMessage()]
        assert len(fallbacks) == 1  # logged once, not per request
        assert "password" not in fallbacks[0].getMessage()

        health = await client.get("/health")
        assert health.status_code == 200
        assert health.json()["status"] == "degraded"
        assert health.json()["checks"]["rate_limit"]["fallback"] is True
        metrics = (await client.get("/metrics")).json()
        assert metrics["application"]["rate_limit"]["fallback"] is True
        assert _fallback_gauge((await client.get("/metrics/prometheus")).text) == 1.0

        redis_server.start()  # back, and empty
        health = (await client.get("/health")).json()
        assert health["checks"]["rate_limit"]["fallback"] is False
        assert health["status"] != "degraded"
        assert _fallback_gauge((await client.get("/metrics/prometheus")).text) == 0.0
        # Counted in Redis again: a fresh window there.
        other = connect("192.0.2.99")
        assert await statuses(other, LIMIT) == [200] * LIMIT
        assert (await other.get(PATH)).status_code == 429
        assert any("rate_limit.recovered" in r.getMessage() for r in caplog.records)


def _fallback_gauge(exposition: str) -> float:
    for family in text_string_to_metric_families(exposition):
        if family.name == "paperwork_rate_limit_fallback":
            return float(family.samples[0].value)
    raise AssertionError("paperwork_rate_limit_fallback is not exposed")


async def test_a_client_sending_its_own_forwarded_for_gains_nothing(
    limited: Callable[..., Settings],
) -> None:
    # No trusted proxies (the default): the header is the client's word, and ignored.
    async with process(limited()) as connect:
        client = connect("192.0.2.10")
        spoofed = [
            (await client.get(PATH, headers={"X-Forwarded-For": f"203.0.113.{n}"})).status_code
            for n in range(LIMIT + 2)
        ]
        assert spoofed.count(200) == LIMIT


async def test_behind_a_trusted_proxy_each_client_has_its_own_limit(
    limited: Callable[..., Settings],
) -> None:
    # model_copy skips validators: hand over parsed networks, as Settings() would.
    async with process(limited(trusted_proxies=parse_networks(PROXY))) as connect:
        proxy = connect(PROXY)
        first = await statuses(proxy, LIMIT + 1, **{"X-Forwarded-For": "198.51.100.1"})
        assert first == [200] * LIMIT + [429]
        # Another client behind the same proxy is counted apart.
        assert await statuses(proxy, 1, **{"X-Forwarded-For": "198.51.100.2"}) == [200]
        # The client put its own chain in front; the proxy appended what it saw: the client
        # is the rightmost address that is not the proxy, whatever it claimed.
        chained = await statuses(proxy, 1, **{"X-Forwarded-For": "203.0.113.7, 198.51.100.1"})
        assert chained == [429]
        # An address that is not the proxy cannot speak for anyone.
        direct = connect("198.51.100.1")
        assert await statuses(direct, 1, **{"X-Forwarded-For": "203.0.113.8"}) == [429]


def test_bad_settings_stop_the_start() -> None:
    with pytest.raises(ValidationError, match="PAPERWORK_RATE_LIMIT_STORAGE"):
        Settings(_env_file=None, rate_limit_storage="memcached://localhost")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="not-an-address"):
        Settings(_env_file=None, trusted_proxies="127.0.0.1, not-an-address")  # type: ignore[call-arg]
    parsed = Settings(_env_file=None, trusted_proxies="127.0.0.1, 10.0.0.0/8")  # type: ignore[call-arg]
    assert [str(network) for network in parsed.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/8"]


async def test_a_redis_that_stops_answering_does_not_hold_requests(
    limited: Callable[..., Settings], redis_server: RedisServer
) -> None:
    """A hung Redis (its process paused) is as good as gone: requests go on, counted here."""
    assert redis_server.process is not None
    async with process(limited(rate_limit_storage=redis_server.url)) as connect:
        client = connect()
        assert await statuses(client, 1) == [200]
        redis_server.process.send_signal(signal.SIGSTOP)
        try:
            assert await statuses(client, 3) == [200, 200, 200]
            assert (await client.get("/health")).json()["checks"]["rate_limit"]["fallback"]
        finally:
            redis_server.process.send_signal(signal.SIGCONT)
