"""What is measured and the budget each is held to (issue 6, at 100,000 programs on PostgreSQL,
this 2-core machine). A missed budget is information for the report, never a failure."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

# A word the synthetic titles and bodies use often (예비창업패키지, 창업진흥원, ...). Two syllables,
# as people type it: shorter than a trigram, so it shows the cost of the short-term path.
SEARCH_WORD = "창업"
# A longer term, answered from the trigram index: the other search path.
SEARCH_PHRASE = "스마트공장"
# Distinct searches for ``search_cold``: words of the synthetic data × result pages. 4,000
# different questions asked in turn, so none is asked again while a per-process answer cache
# of a thousand entries could still hold it: the query itself is measured, not a cache hit.
COLD_WORDS = (
    "창업", "수출", "바우처", "스마트공장", "소상공인", "기술혁신", "예비창업", "청년", "여성기업",
    "디지털", "탄소중립", "판로", "글로벌", "데이터", "인공지능", "로컬크리에이터", "사회적기업",
    "농식품", "뷰티", "융자", "컨설팅", "멘토링", "시제품", "사업화", "중소기업", "경기", "서울",
    "부산", "진흥원", "재도전", "도약", "사관학교", "전시회", "지역특화", "정책자금", "일자리",
    "마케팅", "재무제표", "사업계획서", "창업지원단",
)  # fmt: skip
COLD_PAGES = 100

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


def targets(detail_id: int) -> list[Target]:
    """Every target of issue 6, in the order measured; ``detail_id`` is an existing program.
    A target asking one URL over and over measures the answer as the server keeps it between
    writes (cached or not); ``search_cold`` asks thousands of different ones."""
    dashboard = "/scraping-dashboard"
    first = {"action": "collection_list", "limit": 10}
    programs = "/api/v1/programs"
    search_budget = Budget(max_p95_ms=50)
    cold = tuple(
        _path(programs, q=word, offset=page * 20)
        for page in range(COLD_PAGES)
        for word in COLD_WORDS
    )
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
        _one("search", _path(programs, q=SEARCH_WORD), search_budget),
        _one("search_trigram", _path(programs, q=SEARCH_PHRASE), search_budget),
        _one(
            "programs_filtered",
            _path(programs, status="open", portal_id="bizinfo", sort="deadline"),
            Budget(),
        ),
        _one("program_detail", f"{programs}/{detail_id}", Budget()),
        _one("health", "/health", Budget()),
        # Last: it leaves slow queries running on the server after its load stops, and fills
        # the answer caches with its own entries; either would spoil a target after it.
        Target("search_cold", cold, search_budget),
    ]
