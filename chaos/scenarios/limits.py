"""The shared rate limit as scenarios 4 and 7 see it: a pair of API processes at 60 requests a
minute sharing Redis, and a burst from one client address spread over both."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Sequence

from chaos.processes import ScenarioFailed
from chaos.proxy import Nginx
from chaos.stack import ApiProcess, Stack, redis_command
from chaos.traffic import ask, client

LIMIT = 60
BURST = 200
BURST_PATH = "/scraping-config"


def start_limited_pair(stack: Stack) -> list[ApiProcess]:
    """Two API processes with API_RATE_LIMIT=60 and the Redis storage (stopped by restore)."""
    pair = stack.api_pair("limited", rate_limit=LIMIT)
    for api in pair:
        stack.extra.append(api)
        api.start_and_wait()
    return pair


def start_proxy(stack: Stack, pair: Sequence[ApiProcess]) -> Nginx:
    proxy = Nginx(stack.workdir, "nginx-limited", [api.port for api in pair], stack.nginx_site)
    stack.extra.append(proxy)
    proxy.start()
    return proxy


def forget_counts(stack: Stack) -> None:
    """Empty Redis: the burst's client address starts with a fresh window, whatever earlier
    scenarios' load from the same address left in it."""
    answer = redis_command(stack.redis_port, b"FLUSHALL")
    if not answer.startswith(b"+OK"):
        raise ScenarioFailed(f"Redis refused FLUSHALL: {answer!r}")


def burst(
    base_urls: Sequence[str], *, local_address: str, spoof: bool, count: int = BURST
) -> Counter[str]:
    """``count`` GETs, one after the other, taking the URLs in turn; with ``spoof`` each claims
    a different X-Forwarded-For. Returns the statuses (transport errors by kind)."""

    async def main() -> Counter[str]:
        statuses: Counter[str] = Counter()
        urls = itertools.cycle(base_urls)
        async with client(local_address=local_address, connections=4) as http:
            for n in range(count):
                headers = {"X-Forwarded-For": f"198.51.100.{n % 250 + 1}"} if spoof else None
                answer = await ask(http, next(urls), BURST_PATH, headers)
                statuses[str(answer.status) if answer.status else str(answer.error)] += 1
        return statuses

    return asyncio.run(main())
