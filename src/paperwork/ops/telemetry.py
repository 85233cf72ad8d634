"""Request counters for ``/metrics`` (JSON) and ``/metrics/prometheus``, one registry per app."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram


class Telemetry:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "paperwork_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "paperwork_http_request_duration_seconds",
            "HTTP request duration by route template",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.requests_by_route: dict[str, int] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        self.requests_by_route[route] = self.requests_by_route.get(route, 0) + 1

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started
