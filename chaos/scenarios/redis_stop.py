"""4. Redis stopped under load: requests keep being served (no 5xx, no failed request) and
``/health`` says ``degraded`` with the rate limit on its per-process fallback; Redis started
again: ``/health`` healthy, and the shared limit is back — a burst of 200 from one client over
a pair of API processes at 60 a minute gets exactly 60 through (each process alone would let
60 through: 120)."""

from __future__ import annotations

import functools
import time
from typing import Any

import httpx

from chaos.processes import wait_for
from chaos.scenarios.common import Context, Figures, examples, expect, read_paths
from chaos.scenarios.limits import BURST, LIMIT, burst, forget_counts, start_limited_pair
from chaos.stack import ApiProcess
from chaos.traffic import Load, tally

CONCURRENCY = 8
LOAD_AFTER_STOP = 5.0
RECOVERY_TIMEOUT = 30.0


def _rate_limit_check(api: ApiProcess) -> tuple[str, dict[str, Any]]:
    body = httpx.get(f"{api.base_url}/health", timeout=5).json()
    return str(body.get("status")), dict(body.get("checks", {}).get("rate_limit") or {})


def _degraded(api: ApiProcess) -> bool:
    status, check = _rate_limit_check(api)
    return status == "degraded" and check.get("fallback") is True


def _healthy(api: ApiProcess) -> bool:
    status, check = _rate_limit_check(api)
    return status == "healthy" and not check.get("fallback")


def run(context: Context) -> Figures:
    stack = context.stack
    limited = start_limited_pair(stack)
    processes = [*stack.apis, *limited]
    with Load(stack.base_url, read_paths(stack), concurrency=CONCURRENCY) as load:
        time.sleep(2.0)
        stack.redis.stop()
        stopped_at = time.monotonic()
        for api in processes:
            wait_for(f"{api.name} /health degraded", functools.partial(_degraded, api), timeout=20)
        degraded_after = time.monotonic() - stopped_at
        time.sleep(LOAD_AFTER_STOP)
        stack.redis.start()
        started_at = time.monotonic()
        for api in processes:
            wait_for(
                f"{api.name} /health healthy",
                functools.partial(_healthy, api),
                timeout=RECOVERY_TIMEOUT,
            )
        healthy_after = time.monotonic() - started_at
    answers = list(load.answers)
    during = [a for a in answers if a.started >= stopped_at]
    failures = [a for a in answers if a.status is None or a.status >= 500]
    forget_counts(stack)
    statuses = burst([api.base_url for api in limited], local_address="127.0.0.5", spoof=False)
    figures = context.record(
        {
            **tally(answers),
            "during_outage": len(during),
            "degraded_after_s": round(degraded_after, 1),
            "healthy_after_s": round(healthy_after, 1),
            "burst_after_return": dict(statuses),
        }
    )
    expect(bool(during), "no request was answered while Redis was down")
    expect(
        not failures,
        f"{len(failures)} failed requests, e.g. {examples(failures)}",
    )
    expect(
        statuses["200"] == LIMIT and statuses["429"] == BURST - LIMIT,
        f"after Redis returned: {dict(statuses)}; expected {LIMIT} × 200 (the shared limit)",
    )
    return figures
