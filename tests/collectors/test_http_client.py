"""The shared portal HTTP client, driven through httpx.MockTransport and a fake clock: retries,
backoff, politeness, fetching robots.txt, keys kept out of messages."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import httpx
import pytest

from paperwork.collectors.base import (
    PortalFetcher,
    RetriesExhausted,
    RobotsDisallowed,
    StructuralError,
)
from paperwork.collectors.http_client import Politeness, PortalClient, build_http_client

SECRET = "SECRET-KEY-123"
API = "https://apis.example.kr/api/list"
SITE = "https://www.example.kr"

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A monotonic clock that only moves when something sleeps or a handler says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def politeness(**overrides: float | bool | int) -> Politeness:
    values: dict[str, float | bool | int] = {
        "delay_min": 0.0,
        "delay_max": 0.0,
        "auto_retry": True,
        "max_retries": 3,
        "timeout": 5.0,
    }
    values.update(overrides)
    return Politeness(**values)  # type: ignore[arg-type]


def make_client(handler: Handler, fake: FakeTime, polite: Politeness | None = None) -> PortalClient:
    http = build_http_client(timeout=5.0, transport=httpx.MockTransport(handler))
    return PortalClient(
        http, polite or politeness(), sleep=fake.sleep, clock=fake.clock, rng=random.Random(7)
    )


def test_satisfies_the_fetcher_protocol() -> None:
    client: PortalFetcher = make_client(lambda r: httpx.Response(200), FakeTime())
    assert client is not None


async def test_500_then_200_succeeds_after_one_retry() -> None:
    fake = FakeTime()
    statuses = iter([500, 200])
    client = make_client(lambda r: httpx.Response(next(statuses), text="ok"), fake)

    response = await client.get(API)

    assert response.text == "ok"
    assert client.requests_made == 2
    assert len(fake.sleeps) == 1
    assert 1.0 <= fake.sleeps[0] <= 2.0  # base 1 s plus at most 1 s jitter
    assert client.total_slept == pytest.approx(fake.sleeps[0])


async def test_429_honours_retry_after_seconds() -> None:
    fake = FakeTime()
    responses = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)])
    client = make_client(lambda r: next(responses), fake)

    await client.get(API)

    assert fake.sleeps == [pytest.approx(7.0)]


async def test_503_honours_retry_after_http_date_against_server_date() -> None:
    fake = FakeTime()
    headers = {
        "Date": "Wed, 01 Jul 2026 03:00:00 GMT",
        "Retry-After": "Wed, 01 Jul 2026 03:00:30 GMT",
    }
    responses = iter([httpx.Response(503, headers=headers), httpx.Response(200)])
    client = make_client(lambda r: next(responses), fake)

    await client.get(API)

    assert fake.sleeps == [pytest.approx(30.0)]


async def test_retry_after_beyond_the_limit_gives_up_at_once() -> None:
    fake = FakeTime()
    client = make_client(lambda r: httpx.Response(429, headers={"Retry-After": "3600"}), fake)

    with pytest.raises(RetriesExhausted) as info:
        await client.get(API)

    assert info.value.retry_after == 3600
    assert client.requests_made == 1
    assert fake.sleeps == []


async def test_timeouts_are_retried_with_backoff_then_exhausted() -> None:
    fake = FakeTime()

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = make_client(handler, fake, politeness(max_retries=3))

    with pytest.raises(RetriesExhausted) as info:
        await client.get(API, params={"serviceKey": SECRET})

    assert client.requests_made == 4  # the first try and 3 retries
    assert [int(s) for s in fake.sleeps] == [1, 2, 4]  # exponential; jitter below 1 s
    message = str(info.value)
    assert "ReadTimeout" in message
    assert API in message
    assert "after 4 attempt(s)" in message


async def test_backoff_is_capped_at_60_seconds() -> None:
    fake = FakeTime()
    client = make_client(lambda r: httpx.Response(502), fake, politeness(max_retries=9))

    with pytest.raises(RetriesExhausted, match="HTTP 502"):
        await client.get(API)

    assert max(fake.sleeps) <= 61.0
    assert fake.sleeps[-1] >= 60.0


async def test_auto_retry_off_fails_immediately() -> None:
    fake = FakeTime()
    client = make_client(lambda r: httpx.Response(503), fake, politeness(auto_retry=False))

    with pytest.raises(RetriesExhausted, match="HTTP 503"):
        await client.get(API)

    assert client.requests_made == 1
    assert fake.sleeps == []


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_other_4xx_is_a_structural_error_without_retry(status: int) -> None:
    fake = FakeTime()
    client = make_client(lambda r: httpx.Response(status), fake)

    with pytest.raises(StructuralError) as info:
        await client.get(API, params={"crtfcKey": SECRET})

    assert str(info.value) == f"HTTP {status} from {API}"
    assert not isinstance(info.value, RetriesExhausted)
    assert client.requests_made == 1


async def test_delays_between_requests_are_within_bounds_and_none_before_the_first() -> None:
    fake = FakeTime()
    sleeps_before_request: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sleeps_before_request.append(len(fake.sleeps))
        return httpx.Response(200)

    client = make_client(handler, fake, politeness(delay_min=2.0, delay_max=4.0))
    for _ in range(5):
        await client.get(API)

    assert sleeps_before_request == [0, 1, 2, 3, 4]
    assert all(2.0 <= s <= 4.0 for s in fake.sleeps)
    assert len(set(fake.sleeps)) > 1  # random, not a constant pause


async def test_time_already_elapsed_counts_towards_the_delay() -> None:
    fake = FakeTime()
    request_seconds = iter([10.0, 1.0, 0.0])

    def handler(request: httpx.Request) -> httpx.Response:
        fake.now += next(request_seconds)  # the request itself takes this long
        return httpx.Response(200)

    client = make_client(handler, fake, politeness(delay_min=3.0, delay_max=3.0))
    await client.get(API)
    await client.get(API)  # the first took 10 s > 3 s: no pause
    assert fake.sleeps == []
    await client.get(API)  # the second took 1 s: 2 s more to wait
    assert fake.sleeps == [pytest.approx(2.0)]


async def test_delay_is_kept_per_host() -> None:
    fake = FakeTime()
    client = make_client(
        lambda r: httpx.Response(200), fake, politeness(delay_min=2.0, delay_max=2.0)
    )
    await client.get("https://a.example.kr/x")
    await client.get("https://b.example.kr/x")
    assert fake.sleeps == []
    await client.get("https://a.example.kr/y")
    assert fake.sleeps == [pytest.approx(2.0)]


def robots_site(robots: httpx.Response, fetched: list[str]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        fetched.append(f"{request.url.host}{request.url.raw_path.decode()}")
        if request.url.path == "/robots.txt":
            return robots
        return httpx.Response(200, text="page")

    return handler


async def test_robots_disallow_blocks_html_pages_but_not_api_calls() -> None:
    fetched: list[str] = []
    robots = httpx.Response(200, text="User-agent: *\nDisallow: /uploads/\n")
    client = make_client(robots_site(robots, fetched), FakeTime())

    with pytest.raises(RobotsDisallowed, match=r"/uploads/a\.pdf"):
        await client.get(f"{SITE}/uploads/a.pdf", html=True)
    await client.get(f"{SITE}/uploads/a.pdf")  # an API-style call is not checked
    await client.get(f"{SITE}/sii/list.do", params={"cpage": "2"}, html=True)

    assert fetched == [
        "www.example.kr/robots.txt",
        "www.example.kr/uploads/a.pdf",
        "www.example.kr/sii/list.do?cpage=2",
    ]


async def test_robots_is_fetched_once_per_host() -> None:
    fetched: list[str] = []
    client = make_client(robots_site(httpx.Response(200, text=""), fetched), FakeTime())

    for page in ("a", "b", "c"):
        await client.get(f"{SITE}/{page}", html=True)
    await client.get(f"https://other.example.kr/{page}", html=True)

    assert [f for f in fetched if f.endswith("/robots.txt")] == [
        "www.example.kr/robots.txt",
        "other.example.kr/robots.txt",
    ]
    assert client.requests_made == 6


async def test_robots_wildcards_groups_and_longest_match() -> None:
    robots = httpx.Response(
        200,
        text=(
            "User-agent: *\nDisallow: /\n\n"
            "User-agent: PaperworkAI\n"
            "Disallow: /afile*/\nDisallow: /web/\nAllow: /web/contents/\n"
            "Disallow: /*.pdf$\nDisallow: /*print=\n"
        ),
    )
    client = make_client(robots_site(robots, []), FakeTime())

    # Our own group replaces "*" (which would forbid everything).
    await client.get(f"{SITE}/web/contents/bizpbanc-ongoing.do", html=True)
    await client.get(f"{SITE}/notice.pdf?download=1", html=True)  # "$" anchors the end
    with pytest.raises(RobotsDisallowed):  # params count, as if written into the URL
        await client.get(f"{SITE}/view.do", params={"id": "1", "print": "y"}, html=True)
    for blocked in ("/afile/fileDownload/KEY", "/afileX/y", "/web/other", "/docs/a.pdf"):
        with pytest.raises(RobotsDisallowed):
            await client.get(f"{SITE}{blocked}", html=True)


@pytest.mark.parametrize("status", [404, 403])
async def test_missing_robots_allows_everything(status: int) -> None:
    client = make_client(robots_site(httpx.Response(status), []), FakeTime())
    response = await client.get(f"{SITE}/anything", html=True)
    assert response.text == "page"


async def test_failing_robots_allows_but_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="paperwork.collectors.http_client")
    client = make_client(robots_site(httpx.Response(503), []), FakeTime())

    response = await client.get(f"{SITE}/anything", html=True)

    assert response.text == "page"
    assert [r.getMessage() for r in caplog.records] == ["http.robots.unavailable"]
    assert client.requests_made == 2  # robots.txt was not retried


async def test_user_agent_is_sent() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["User-Agent"])
        return httpx.Response(200)

    client = make_client(handler, FakeTime())
    await client.get(API)

    assert seen[0].startswith("PaperworkAI/")
    assert "support-program announcement collector" in seen[0]
    assert seen[0].isascii()


async def test_query_strings_never_reach_messages_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="paperwork.collectors.http_client")

    def handler(request: httpx.Request) -> httpx.Response:
        # Some transport errors quote the whole URL; the client must blank the key out.
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    texts: list[str] = []
    for url, params in (
        (API, {"serviceKey": SECRET, "page": "1"}),
        (f"{API}?crtfcKey={SECRET}&dataType=json", None),
    ):
        client = make_client(handler, FakeTime(), politeness(max_retries=1))
        with pytest.raises(RetriesExhausted) as info:
            await client.get(url, params=params)
        texts.append(str(info.value))
        # Chained httpx errors would carry the request, key and all, into tracebacks.
        assert info.value.__cause__ is None and info.value.__suppress_context__

    status_client = make_client(lambda r: httpx.Response(401), FakeTime())
    with pytest.raises(StructuralError) as status_info:
        await status_client.get(API, params={"serviceKey": SECRET})
    texts.append(str(status_info.value))

    for text in texts:
        assert SECRET not in text
        assert "serviceKey" not in text and "crtfcKey" not in text
        assert API in text
    assert caplog.records
    for record in caplog.records:
        assert SECRET not in str(record.__dict__)


def test_politeness_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        politeness(delay_min=3.0, delay_max=1.0)
    with pytest.raises(ValueError):
        politeness(max_retries=-1)
