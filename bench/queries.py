"""The searches of ``search_cold`` and ``search_facets`` (issue 12): 4,000 distinct, realistic
first pages of ``/api/v1/programs?q=...``, built deterministically from the synthetic data's
words (``words.py``), and the cursor pages deep in the results that only the running server
can give (``collect_deep_pages``, run before the load).

The kinds people type, each word found in the synthetic data (the tests check every query
finds programs there): one syllable ("앱", "차"), two ("창업", "수출"), three and more
("스마트공장", "수출바우처", spacing the data does not use: "디지털전환"), two words ("청년 창업",
"부산 수출"), Latin letters and digits ("R&D", "ai", "K-뷰티", "2026년", "ＡＩ" typed full-width)
and agency abbreviations ("중기부", "창진원", "소진공", "KOTRA"). Each comes with or without a
filter (``status=open``, ``portal_id``, ``region``, ``category``, some combined) or the deadline
sort, drawn by the weights below: most searches have no filter.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.synthetic import PORTALS
from bench.words import FIELDS, KS_CLASSES, PROVINCES

PROGRAMS = "/api/v1/programs"
FACETS = "portal_id,status,region,category"
SEED = "search-cold"  # the queries never change with --seed: runs stay comparable
Params = tuple[tuple[str, str], ...]

ONE_SYLLABLE = ("앱", "팜", "차", "금", "책", "술", "집")
TWO_SYLLABLES = (
    "창업", "수출", "청년", "여성", "혁신", "기술", "판로", "융자", "자금", "교육", "예비", "도약",
    "성장", "벤처", "전환", "경영", "금융", "지역", "해외", "강소", "육성", "구축", "개선", "탄소",
    "중립", "개척", "보증", "기금", "정책", "장려", "뷰티", "전시", "참가", "대학", "진흥", "특화",
    "산업", "로컬", "사회", "중소", "중견", "멘토", "지원", "모집", "공고", "서울", "경기", "부산",
    "제주", "강원", "충남", "전북", "대구", "인천", "경남", "사업", "기업", "개발", "확산", "신청",
    "평가", "서류", "선정", "제작", "비용", "문의", "역량", "가점", "경제", "강화", "확대", "대상",
    "업력", "추가", "팁스",
)  # fmt: skip
THREE_PLUS_SYLLABLES = (
    "바우처", "디지털", "글로벌", "마케팅", "컨설팅", "시제품", "스마트공장", "예비창업",
    "예비창업패키지", "초기창업패키지", "창업도약패키지", "사관학교", "청년창업사관학교", "재도전",
    "재도전성공패키지", "수출바우처", "강소기업", "기술혁신", "기술혁신개발사업", "소상공인",
    "경영개선", "탄소중립", "판로개척", "혁신바우처", "지역특화", "여성기업", "사회적기업",
    "전시회", "신사업", "로컬크리에이터", "인공지능", "데이터바우처", "정책자금", "일자리",
    "도약장려금", "농식품", "중소기업", "중견기업", "창업벤처", "예비창업자", "창조기업", "사업화",
    "멘토링", "스마트팜", "중소벤처기업부", "창업진흥원", "소상공인시장진흥공단", "기술보증기금",
    "신용보증기금", "한국콘텐츠진흥원", "서울경제진흥원", "사업계획서", "재무제표", "사업자등록증",
    "창업지원단", "창조경제혁신센터", "통합콜센터", "참여기업", "수행기관", "시행계획", "지원대상",
    "지원사업", "육성사업", "창업기업", "온라인", "아이디어", "경쟁력", "활성화", "전문가",
    "확인서", "정책부합성", "융복합", "대학생", "재공고", "창업지원", "모바일", "데이터",
    # Spaced in the data, typed without the space
    "디지털전환", "글로벌강소기업", "온라인판로", "해외전시회", "모바일앱", "수출지원사업",
    "벤처육성", "경제활성화", "판로확대",
)  # fmt: skip
TWO_WORD_PHRASES = (
    "스마트 공장", "수출 바우처", "예비 창업", "창업 패키지", "여성기업 판로", "해외 전시회",
    "정책자금 융자", "디지털 전환", "탄소중립 전환", "온라인 판로개척", "경영 개선", "기술 혁신",
    "사업화 자금", "시제품 제작", "마케팅 비용", "지원대상 선정", "참여기업 모집", "추가 모집",
    "로컬 크리에이터", "사회적 기업", "강소기업 육성", "일자리 도약", "농식품 벤처",
    "인공지능 바우처", "데이터 바우처", "창업 사관학교", "재도전 성공", "지역특화 산업",
    "창업성장 기술개발", "전문가 멘토링", "모바일 앱", "스마트팜 확산", "창업기업 업력",
    "재무제표 제출", "통합 콜센터",
)  # fmt: skip
# Combined into two-word queries: "부산 창업", "청년 마케팅", "수출 지원사업".
TOPICS = (
    "창업", "수출", "소상공인", "스마트공장", "청년", "기술", "바우처", "판로", "정책자금",
    "마케팅", "컨설팅", "멘토링", "사업화", "디지털", "여성기업", "중소기업", "일자리", "전시회",
    "탄소중립", "시제품",
)  # fmt: skip
# Words of every announcement's body (지원내용): they go with any topic.
BODY_TOPICS = ("멘토링", "사업화", "마케팅", "시제품", "교육", "자금")
SEARCHERS = ("청년", "여성기업", "소상공인", "예비창업자", "중소기업", "창업벤처")
ACTIONS = ("지원", "지원사업", "모집", "공고", "신청")
LATIN = (
    "R&D", "r&d", "Ｒ＆Ｄ", "K-뷰티", "k-뷰티", "k뷰티", "AI", "ai", "ＡＩ", "AI바우처", "ai바우처",
    "ICT", "ict", "ESG", "esg", "TIPS", "tips", "1인", "1인 창조기업", "7년", "업력 7년", "3억원",
    "5천만원", "1357", "ict 스마트팜", "esg 경영", "k-뷰티 수출", "R&D 바우처", "ai 바우처",
)  # fmt: skip
LATIN_WORDS = ("R&D", "r&d", "AI", "ai", "ICT", "ESG", "TIPS")
LATIN_TOPICS = ("지원", "지원사업", "창업", "기술", "중소기업")
ABBREVIATIONS = (
    "중기부", "과기정통부", "과기부", "산업부", "고용부", "노동부", "문체부", "농식품부", "창진원",
    "KISED", "kised", "소진공", "SEMAS", "semas", "중진공", "KOSME", "kosme", "기정원", "TIPA",
    "tipa", "코트라", "KOTRA", "kotra", "기보", "신보", "콘진원", "KOCCA", "NIPA", "nipa", "KIAT",
    "창경센터", "알앤디",
)  # fmt: skip
# Combined with topics: "중기부 창업", "소진공 경영개선".
FREQUENT_ABBREVIATIONS = ("중기부", "창진원", "소진공", "중진공", "기정원", "코트라", "알앤디")
ABBREVIATION_TOPICS = ("창업", "지원사업", "모집", "공고", "기술", "사업화", "중소기업")
# First pages per kind: 4,000 in all.
COUNTS = {
    "one_syllable": 200,
    "two_syllables": 800,
    "three_plus_syllables": 800,
    "two_words": 1_200,
    "latin": 500,
    "abbreviation": 500,
}

REGIONS = (*PROVINCES, "전국")
# The portals' own field names (bizinfo's fields, K-Startup's classes) as a filter sends them;
# "기술개발(R&amp;D)" stays out: the portal's escaped form is not what a user picks.
CATEGORIES = tuple(name for name in (*FIELDS, *KS_CLASSES) if "&" not in name)


def _group(weight: float, variants: Sequence[Params]) -> list[tuple[Params, float]]:
    return [(variant, weight / len(variants)) for variant in variants]


# What goes with the words, and how often (percent): the group's weight is shared by its values.
VARIANTS: list[tuple[Params, float]] = [
    *_group(40, [()]),
    *_group(18, [(("status", "open"),)]),
    *_group(8, [(("portal_id", portal),) for portal in PORTALS]),
    *_group(4, [(("status", "open"), ("portal_id", portal)) for portal in PORTALS]),
    *_group(10, [(("region", region),) for region in REGIONS]),
    *_group(5, [(("status", "open"), ("region", region)) for region in REGIONS]),
    *_group(7, [(("category", category),) for category in CATEGORIES]),
    *_group(3, [(("status", "open"), ("category", category)) for category in CATEGORIES]),
    *_group(5, [(("sort", "deadline"),)]),  # the soonest deadline first
]


@dataclass(frozen=True)
class Search:
    kind: str
    params: Params  # ("q", ...) first, then filters and sort, in URL order

    @property
    def q(self) -> str:
        return self.params[0][1]

    def path(self, *extra: tuple[str, str]) -> str:
        """Percent-encoded (no quote or backslash: safe in wrk's Lua script)."""
        return f"{PROGRAMS}?{urlencode((*self.params, *extra))}"


def words_of_kind(year: int) -> dict[str, tuple[str, ...]]:
    """The query texts of each kind; ``year`` (today's, as the synthetic titles have it) makes
    the "2026년 창업" kind of query."""

    def pairs(firsts: Iterable[str], seconds: Iterable[str]) -> tuple[str, ...]:
        return tuple(f"{a} {b}" for a in firsts for b in seconds if a != b)

    years = (str(year), f"{year}년")
    two_words = (
        TWO_WORD_PHRASES
        + pairs(PROVINCES, TOPICS)
        + pairs(SEARCHERS, TOPICS[:10])
        + pairs(TOPICS, ACTIONS)
        + pairs(TOPICS[:10], BODY_TOPICS)
    )
    return {
        "one_syllable": ONE_SYLLABLE,
        "two_syllables": TWO_SYLLABLES,
        "three_plus_syllables": THREE_PLUS_SYLLABLES,
        "two_words": tuple(dict.fromkeys(two_words)),
        "latin": LATIN + pairs(LATIN_WORDS, LATIN_TOPICS) + years + pairs(years, TOPICS),
        "abbreviation": ABBREVIATIONS + pairs(FREQUENT_ABBREVIATIONS, ABBREVIATION_TOPICS),
    }


def _sample(kind: str, texts: Sequence[str], count: int, rng: random.Random) -> list[Search]:
    """``count`` distinct (text, variant) pairs, each variant as likely as its weight
    (weighted sampling without replacement: the ``count`` largest ``u ** (1 / weight)``)."""
    pairs = [(text, variant, weight) for text in texts for variant, weight in VARIANTS]
    if len(pairs) < count:
        raise ValueError(f"{kind}: {len(pairs)} combinations for {count} searches")
    keyed = sorted(pairs, key=lambda pair: rng.random() ** (1 / pair[2]), reverse=True)
    return [Search(kind, (("q", text), *variant)) for text, variant, _ in keyed[:count]]


def cold_searches(year: int) -> list[Search]:
    """The 4,000 first pages, the kinds mixed in a fixed order (the same every run)."""
    rng = random.Random(SEED)
    searches: list[Search] = []
    for kind, texts in words_of_kind(year).items():
        searches += _sample(kind, texts, COUNTS[kind], rng)
    rng.shuffle(searches)
    return searches


def mix(searches: Iterable[Search]) -> dict[str, Any]:
    """How many searches of each kind, and with which filter (for the report)."""
    chosen = list(searches)

    def filters(search: Search) -> str:
        return "&".join(name for name, _ in search.params[1:]) or "none"

    kinds = Counter(search.kind for search in chosen)
    return {
        "kinds": {kind: kinds[kind] for kind in sorted(kinds, key=[*COUNTS, *kinds].index)},
        "filters": dict(Counter(filters(search) for search in chosen).most_common()),
    }


# --- cursor pages deep in the results ------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    """A search paged through by ``next_cursor`` to page ``pages`` (at the default 20 per page)."""

    params: Params
    pages: int

    @property
    def name(self) -> str:
        return urlencode(self.params)


DEEP_CHAINS = (
    Chain((("q", "창업"),), 200),
    Chain((("q", "지원"),), 200),
    Chain((("q", "차"),), 150),
    Chain((("q", "모집"), ("sort", "deadline")), 150),
    Chain((("q", "수출"), ("status", "open")), 100),
    Chain((("q", "스마트공장"),), 100),
    Chain((("q", "청년 창업"),), 100),
    Chain((("q", "r&d"),), 100),
    Chain((("q", "중기부"),), 100),
    Chain((("q", "바우처"), ("sort", "-scraped_at")), 100),
    Chain((("q", "기술"), ("region", "서울")), 75),
    Chain((("q", "예비창업패키지"), ("portal_id", "kstartup")), 50),
    Chain((("q", "사업화"), ("category", "사업화")), 50),
)
CHAINS_AT_ONCE = 4  # the server has two workers: more would only queue
REQUEST_TIMEOUT = 60.0  # seconds: collecting is not measured, but a hung server must not hang it


class CollectFailed(Exception):
    """A page of a chain did not answer 200 with the list envelope."""


@dataclass
class DeepPages:
    paths: list[str] = field(default_factory=list)  # pages 2.. of every chain, chains in turn
    pages: dict[str, int] = field(default_factory=dict)  # the deepest page reached, per chain
    cursors: bool = True  # False: the server gave no next_cursor (cursor paging not there yet)

    def summary(self) -> dict[str, Any]:
        return {"cursor_pages": len(self.paths), "deepest": self.pages, "cursors": self.cursors}


async def _follow(client: httpx.AsyncClient, chain: Chain) -> tuple[list[str], int, bool]:
    """The paths of pages 2..``chain.pages`` (each asked once: every path collected answered
    200), the deepest page reached, and whether the server gives ``next_cursor`` at all."""
    search = Search("deep", chain.params)
    path, page = search.path(), 1
    paths: list[str] = []
    while True:
        response = await client.get(path)
        if response.status_code != 200:
            raise CollectFailed(f"{path} answered {response.status_code}: {response.text[:300]}")
        try:
            data = response.json().get("data")
        except (ValueError, AttributeError):  # not JSON, or not the envelope
            data = None
        if not isinstance(data, dict):
            raise CollectFailed(f"{path}: no data in the answer: {response.text[:300]}")
        if "next_cursor" not in data:
            return paths, page, False  # a server without cursor paging: nothing to collect
        cursor = data["next_cursor"]
        if cursor is None or page == chain.pages:
            return paths, page, True  # the last page of the results, or deep enough
        if not isinstance(cursor, str) or not cursor:
            raise CollectFailed(f"{path}: next_cursor is {cursor!r}")
        path, page = search.path(("cursor", cursor)), page + 1
        paths.append(path)


async def _collect(
    base_url: str, chains: Sequence[Chain], transport: httpx.AsyncBaseTransport | None
) -> DeepPages:
    limit = asyncio.Semaphore(CHAINS_AT_ONCE)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT, transport=transport
    ) as client:

        async def one(chain: Chain) -> tuple[list[str], int, bool]:
            async with limit:
                return await _follow(client, chain)

        followed = await asyncio.gather(*(one(chain) for chain in chains))
    deep = DeepPages(cursors=all(supported for _, _, supported in followed))
    deep.pages = {c.name: page for c, (_, page, _) in zip(chains, followed, strict=True)}
    # Chains in turn (page 2 of each, then page 3, ...): one search's pages are spread out.
    longest = max((len(paths) for paths, _, _ in followed), default=0)
    deep.paths = [paths[i] for i in range(longest) for paths, _, _ in followed if i < len(paths)]
    return deep


def collect_deep_pages(
    base_url: str,
    chains: Sequence[Chain] = DEEP_CHAINS,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> DeepPages:
    """Follow ``next_cursor`` from each chain's first page to its ``pages``-th (or the last
    page), on the running server, before the load. A server whose answers have no
    ``next_cursor`` field gives no pages (``cursors`` False); any other failure raises
    ``CollectFailed``."""
    return asyncio.run(_collect(base_url, chains, transport))


def interleave(first: Sequence[str], deep: Sequence[str]) -> list[str]:
    """``deep`` spread evenly through ``first``, each in its own order."""
    keyed = [((j + 1) / (len(first) + 1), 0, j) for j in range(len(first))]
    keyed += [((i + 1) / (len(deep) + 1), 1, i) for i in range(len(deep))]
    return [(first, deep)[kind][index] for _, kind, index in sorted(keyed)]
