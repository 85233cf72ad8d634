"""The ``alerts_match`` target (issue 13), run as ``python -m bench.alerts DATABASE_URL`` in a
process of its own, so its peak RSS is the alert worker's alone: ``--alerts`` active instant
alerts with varied saved searches as people write them (a popular word or two, a region, a
category, open programs only, …) over 100 client tokens, one or two channels each; a first pass
(not timed) that sends what they would already have sent — the deadline reminders due today;
then one collection run adding ``--new-programs`` programs through ``ingest_items``, and the
timed pass that evaluates every alert and queues its messages (``delivery.queue_due``). Prints
one JSON line: the pass's seconds, messages queued, distinct searches and the peak RSS."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import resource
import sys
import time
from typing import Any

from sqlalchemy import insert, select

from bench import synthetic, words
from paperwork.alerts import delivery
from paperwork.auth.tokens import create_token
from paperwork.collectors.importer import ingest_items
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import AdminToken, Alert
from paperwork.timeutil import SEOUL, today_in
from paperwork.vocabulary import TokenRole

CLIENTS = 100
NEW_PROGRAMS_FIRST_INDEX = 60_000_000  # apart from the load's external ids
MAX_SECONDS = 10.0  # issue 13: evaluated and queued
MAX_RSS_MB = 300.0

# Words people save: program names' parts, fields, targets, and a few two-word searches.
WORDS = (
    "창업", "수출", "바우처", "R&D", "AI", "청년", "스마트공장", "소상공인", "디지털",
    "해외", "판로", "기술개발", "사관학교", "정책자금", "데이터바우처", "ESG", "TIPS",
    "여성기업", "탄소중립", "콘텐츠", "K-뷰티", "스마트팜", "로컬크리에이터", "컨설팅",
    "예비창업", "재도전", "인공지능", "융자", "전시회", "일자리",
    "청년 창업", "수출 바우처", "AI 바우처", "창업 사관학교", "기술 혁신",
)  # fmt: skip


def saved_search(rng: random.Random) -> dict[str, Any]:
    """One alert's ``query``, as the API stores it."""
    query: dict[str, Any] = {}
    if rng.random() < 0.75:
        query["q"] = rng.choice(WORDS)
    if rng.random() < 0.4:
        query["region"] = rng.sample(words.PROVINCES, rng.choice((1, 1, 2)))
    if rng.random() < 0.3:
        query["category"] = [rng.choice(words.FIELDS)]
    if rng.random() < 0.5:
        query["status"] = rng.choice((["open"], ["open"], ["open", "upcoming"]))
    if rng.random() < 0.15:
        query["portal_id"] = [rng.choice(synthetic.PORTALS)]
    if rng.random() < 0.1:
        query["target"] = [rng.choice(words.TARGETS)]
    if rng.random() < 0.05:
        query["dedupe"] = True
    return query


def _alert_rows(
    count: int, owners: list[int], *, seed: int, now: dt.datetime
) -> list[dict[str, Any]]:
    rng = random.Random(f"alerts:{seed}")
    rows = []
    for n in range(count):
        notify = ["new"]
        if rng.random() < 0.4:
            notify.append("reminders")
        if rng.random() < 0.2:
            notify.append("changed")
        channels = [f"json://hooks.example.kr/alert-{n}"]
        if rng.random() < 0.3:
            channels.append(f"mailto://alerts:secret@mail.example.kr?to=owner{n}@example.kr")
        rows.append(
            {
                "owner_token_id": owners[n % len(owners)],
                "name": f"알림 {n}",
                "query": saved_search(rng),
                "channels": channels,
                "notify": notify,
                "reminder_days": [7, 3, 1],
                "frequency": "instant",
                "active": True,
                "active_since": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def _create_alerts(database: Database, count: int, *, seed: int) -> int:
    now = dt.datetime.now(dt.UTC)
    async with database.session_scope() as session:
        for n in range(CLIENTS):
            await create_token(session, name=f"bench-client-{n}", role=TokenRole.client)
        owners = list(await session.scalars(select(AdminToken.id)))
        rows = _alert_rows(count, owners, seed=seed, now=now)
        await session.execute(insert(Alert), rows)
    return len({json.dumps(row["query"], sort_keys=True) for row in rows})


async def _pass(database: Database) -> int:
    now = dt.datetime.now(dt.UTC)
    return await delivery.queue_due(database, now=now, tz=SEOUL)


async def _add_programs(database: Database, settings: Settings, count: int, seed: int) -> int:
    today = today_in(SEOUL)
    added = 0
    for portal, share in synthetic.portal_counts(count).items():
        items = synthetic.generate(
            portal, share, seed=seed, today=today, first_index=NEW_PROGRAMS_FIRST_INDEX
        )
        result = await ingest_items(database, settings, portal, items, trigger="schedule")
        added += result.counts.new
    return added


async def measure(
    database_url: str, *, alerts: int, new_programs: int, seed: int
) -> dict[str, Any]:
    settings = Settings(_env_file=None, database_url=database_url, scheduler=False)
    database = Database(database_url, pool_size=2)
    try:
        searches = await _create_alerts(database, alerts, seed=seed)
        started = time.perf_counter()
        already = await _pass(database)  # what they would have sent before: today's reminders
        first_seconds = time.perf_counter() - started
        await asyncio.sleep(0.01)  # the run's programs are first seen after that pass
        added = await _add_programs(database, settings, new_programs, seed)
        started = time.perf_counter()
        queued = await _pass(database)
        seconds = time.perf_counter() - started
    finally:
        await database.dispose()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak_kb / 1024
    return {
        "alerts": alerts,
        "distinct_searches": searches,
        "new_programs": added,
        "first_pass_messages": already,
        "first_pass_seconds": round(first_seconds, 2),
        "messages": queued,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "budget_max_seconds": MAX_SECONDS,
        "budget_max_rss_mb": MAX_RSS_MB,
        "within_budget": seconds <= MAX_SECONDS and peak_mb <= MAX_RSS_MB,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.alerts", description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--new-programs", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    result = asyncio.run(
        measure(
            args.database_url, alerts=args.alerts, new_programs=args.new_programs, seed=args.seed
        )
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
