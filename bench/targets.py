"""What is measured and the budget each is held to (issues 6 and 12, at 100,000 programs on
PostgreSQL, this 2-core machine). A missed budget is information for the report, never a
failure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from bench import queries
from paperwork.timeutil import SEOUL, today_in

# A word the synthetic titles and bodies use often (예비창업패키지, 창업진흥원, ...), asked over and
# over: a popular search, answered from the answer cache between two writes.
SEARCH_WORD = "창업"

MIN_INGEST_RATE = 3_000.0  # programs/s
MAX_RSS_MB = 150.0  # per worker


@dataclass(frozen=True)
class Budget:
    min_rps: float | None = None
    max_p95_ms: float | None = None
    max_p99_ms: float | None = None

    def describe(self) -> str:
        parts = []
        if self.min_rps is not None:
            parts.append(f"≥{self.min_rps:,.0f}/s")
        if self.max_p95_ms is not None:
            parts.append(f"p95≤{self.max_p95_ms:.0f}")
        if self.max_p99_ms is not None:
            parts.append(f"p99≤{self.max_p99_ms:.0f}")
        return " ".join(parts) or "0 errors"

    def misses(self, *, rps: float, p95_ms: float, p99_ms: float, errors: int) -> list[str]:
        """What the measurement missed, in words; empty when within budget."""
        missed = []
        if errors:
            missed.append(f"{errors} errors")
        if self.min_rps is not None and rps < self.min_rps:
            missed.append(f"{rps:,.0f}/s < {self.min_rps:,.0f}/s")
        if self.max_p95_ms is not None and p95_ms > self.max_p95_ms:
            missed.append(f"p95 {p95_ms:.1f} > {self.max_p95_ms:.0f} ms")
        if self.max_p99_ms is not None and p99_ms > self.max_p99_ms:
            missed.append(f"p99 {p99_ms:.1f} > {self.max_p99_ms:.0f} ms")
        return missed


@dataclass(frozen=True)
class Target:
    name: str
    paths: tuple[str, ...]  # with query strings, percent-encoded; several are asked in turn
    budget: Budget

    @property
    def path(self) -> str:
        return self.paths[0] + (f" (+{len(self.paths) - 1} more)" if len(self.paths) > 1 else "")


def _path(base: str, **params: object) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def _one(name: str, path: str, budget: Budget) -> Target:
    return Target(name, (path,), budget)


def list_cold_paths() -> tuple[str, ...]:
    """4,000 different list pages as cheap as an uncached page gets: no search, no filter but the
    portal (whose total the triggers keep), 11 to 30 items, at most 49 rows in."""
    return tuple(
        _path(queries.PROGRAMS, **portal, limit=limit, offset=offset)
        for portal in ({}, *({"portal_id": name} for name in ("bizinfo", "kstartup", "mss")))
        for limit in range(11, 31)
        for offset in range(50)
    )


def targets(
    detail_id: int, *, deep_pages: Sequence[str] = (), year: int | None = None
) -> list[Target]:
    """Every target, in the order measured; ``detail_id`` is an existing program, ``deep_pages``
    the cursor pages collected from the running server (``queries.collect_deep_pages``), ``year``
    today's in Seoul unless given (the synthetic titles' year, for "2026년" searches).
    A target asking one URL over and over measures the answer as the server keeps it between
    writes (cached or not); ``search_cold`` and ``search_facets`` ask thousands of different
    ones."""
    dashboard = "/scraping-dashboard"
    first = {"action": "collection_list", "limit": 10}
    programs = queries.PROGRAMS
    searches = queries.cold_searches(year if year is not None else today_in(SEOUL).year)
    cold = queries.interleave([search.path() for search in searches], deep_pages)
    facets = tuple(search.path(("facets", queries.FACETS)) for search in searches)
    return [
        _one("collection_list", _path(dashboard, **first), Budget(min_rps=1_200, max_p99_ms=60)),
        _one("collection_deep", _path(dashboard, **first, offset=5_000), Budget(min_rps=500)),
        _one(
            "collection_portal",
            _path(dashboard, **first, portal_id="kstartup"),
            Budget(min_rps=500),
        ),
        _one("scraping_status", _path(dashboard, action="scraping_status"), Budget(min_rps=1_000)),
        _one("scraping_config", "/scraping-config", Budget()),
        _one("search", _path(programs, q=SEARCH_WORD), Budget(max_p95_ms=50)),
        _one(
            "programs_filtered",
            _path(programs, status="open", portal_id="bizinfo", sort="deadline"),
            Budget(),
        ),
        _one("program_detail", f"{programs}/{detail_id}", Budget()),
        _one("health", "/health", Budget()),
        # No budget: what any uncached page costs this server, search or not (the floor
        # under search_cold's figures).
        Target("list_cold", list_cold_paths(), Budget()),
        # Last: they leave slow queries running on the server after their load stops, and
        # fill the answer caches with their own entries; either would spoil a target after
        # them. search_facets asks search_cold's first pages with facets: other answers.
        Target("search_cold", tuple(cold), Budget(min_rps=300, max_p95_ms=50, max_p99_ms=100)),
        Target("search_facets", facets, Budget(max_p95_ms=100)),
    ]
