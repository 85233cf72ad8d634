"""Request counters for ``/metrics`` (JSON) and ``/metrics/prometheus``, one registry per app.

Every label value is bounded, whatever clients send: the route is the matched route's template
(``/api/v1/programs/{program_id}``, never the raw path; a path no route matches is
``UNMATCHED``), and a method outside the HTTP ones the API serves is ``OTHER_METHOD`` — a client
inventing methods or paths must not grow the series Prometheus keeps."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram

UNMATCHED = "unmatched"
OTHER_METHOD = "OTHER"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


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
            "HTTP request duration by method and route template",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.requests_by_route: dict[str, int] = {}

    def observe(self, method: str, route: str | None, status: int, seconds: float) -> None:
        """One answered request; ``route`` is the matched route's template (None: no match)."""
        method = method if method in KNOWN_METHODS else OTHER_METHOD
        route = route or UNMATCHED
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)
        self.requests_by_route[route] = self.requests_by_route.get(route, 0) + 1

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started
