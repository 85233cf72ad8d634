"""When alerts tell (alerts/delivery.py): a moved deadline once per change; deadline reminders
D-N once per program, offset and deadline, for open programs only; daily and weekly digests at
their time in Asia/Seoul, each slot once, with what came since the last one. The test clock
stands at noon KST on 2026-12-15 (a Tuesday)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from apptest import Clock
from paperwork.alerts import delivery
from paperwork.db import Database
from paperwork.models import ProgramChange, SupportProgram
from paperwork.timeutil import SEOUL

NAME = "마감 알림"


async def _pass(db: Database, clock: Clock) -> Any:
    _queued, report = await delivery.run_once(
        db, owner="w", clock=lambda: clock.now, tz=SEOUL, public_url=None
    )
    return report


def _titles(webhook: Any) -> list[str]:
    return [request.json["title"] for request in webhook.requests]


async def test_a_reminder_goes_once_per_program_and_offset_for_open_programs_only(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    today = clock.now.astimezone(SEOUL).date()
    # Programs from before the alert count too: their deadlines are what it reminds of.
    await make_program(title="사흘 남은 공고", apply_end=today + dt.timedelta(days=3))
    await make_program(title="닷새 남은 공고", apply_end=today + dt.timedelta(days=5))
    await make_program(
        title="아직 시작 전인 공고",
        apply_start=today + dt.timedelta(days=1),
        apply_end=today + dt.timedelta(days=3),
    )
    await make_program(title="마감된 공고", apply_end=today - dt.timedelta(days=1))
    await make_alert([webhook.url("/hook")], name=NAME, notify=["reminders"], reminder_days=[3])
    await _pass(db, clock)
    assert _titles(webhook) == ["[Paperwork] 마감 D-3 지원사업 1건 — 마감 알림"]
    assert "사흘 남은 공고" in webhook.requests[0].json["message"]
    await _pass(db, clock)
    assert len(webhook.requests) == 1  # once per program and offset
    clock.now += dt.timedelta(days=2)  # the five-day one is now three days away
    await _pass(db, clock)
    assert len(webhook.requests) == 2
    assert "닷새 남은 공고" in webhook.requests[1].json["message"]
    assert "사흘 남은 공고" not in webhook.requests[1].json["message"]


async def test_a_moved_deadline_gets_its_own_reminders(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    today = clock.now.astimezone(SEOUL).date()
    program = await make_program(title="연장된 공고", apply_end=today + dt.timedelta(days=3))
    await make_alert([webhook.url("/hook")], name=NAME, notify=["reminders"], reminder_days=[3])
    await _pass(db, clock)
    assert len(webhook.requests) == 1
    clock.now += dt.timedelta(days=1)  # the deadline was extended by a day: D-3 again
    async with db.session_scope() as session:
        moved = today + dt.timedelta(days=4)
        await session.execute(
            update(SupportProgram).where(SupportProgram.id == program).values(apply_end=moved)
        )
    await _pass(db, clock)
    await _pass(db, clock)
    assert _titles(webhook) == ["[Paperwork] 마감 D-3 지원사업 1건 — 마감 알림"] * 2
    assert "연장된 공고" in webhook.requests[1].json["message"]


async def test_a_daily_digest_comes_at_its_time_once_with_what_came_since(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    await make_alert([webhook.url("/hook")], name=NAME, frequency="daily", at="09:00")
    clock.now += dt.timedelta(minutes=1)
    await make_program(title="점심에 올라온 공고")
    await _pass(db, clock)
    assert webhook.requests == []  # today's 09:00 came before the alert: the next one sends
    clock.now = dt.datetime(2026, 12, 15, 23, 59, tzinfo=dt.UTC)  # 08:59 KST the next day
    await _pass(db, clock)
    assert webhook.requests == []
    clock.now += dt.timedelta(minutes=1)  # 09:00 KST
    await _pass(db, clock)
    assert _titles(webhook) == ["[Paperwork] 새 지원사업 1건 — 마감 알림"]
    clock.now += dt.timedelta(minutes=30)
    await make_program(title="9시 반에 올라온 공고")
    await _pass(db, clock)
    assert len(webhook.requests) == 1  # not before tomorrow's 09:00
    clock.now += dt.timedelta(days=1)
    await _pass(db, clock)
    assert len(webhook.requests) == 2
    assert "9시 반에 올라온 공고" in webhook.requests[1].json["message"]


async def test_a_weekly_digest_waits_for_its_weekday(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    thursday = 3
    await make_alert(
        [webhook.url("/hook")], name=NAME, frequency="weekly", weekday=thursday, at="08:00"
    )
    clock.now += dt.timedelta(minutes=1)
    await make_program(title="화요일에 올라온 공고")
    clock.now += dt.timedelta(days=1)  # Wednesday noon
    await _pass(db, clock)
    assert webhook.requests == []
    clock.now += dt.timedelta(days=1)  # Thursday noon, after 08:00
    await _pass(db, clock)
    assert _titles(webhook) == ["[Paperwork] 새 지원사업 1건 — 마감 알림"]
    clock.now += dt.timedelta(days=6)  # the next Wednesday: nothing new, nothing due
    await _pass(db, clock)
    assert len(webhook.requests) == 1


async def _change(db: Database, clock: Clock, program_id: int, field: str) -> None:
    async with db.session_scope() as session:
        session.add(
            ProgramChange(
                program_id=program_id,
                changed_at=clock.now,
                field=field,
                old_value="2026-12-31",
                new_value="2027-01-15",
            )
        )


async def test_a_moved_deadline_is_told_once_per_change(
    db: Database, clock: Clock, make_program: Any, webhook: Any, make_alert: Any
) -> None:
    program = await make_program(title="마감이 연장된 공고")
    await make_alert([webhook.url("/hook")], name=NAME, notify=["changed"])
    clock.now += dt.timedelta(minutes=1)
    await _change(db, clock, program, "title")  # not what a "changed" message is about
    await _pass(db, clock)
    assert webhook.requests == []
    await _change(db, clock, program, "apply_end")
    await _pass(db, clock)
    await _pass(db, clock)
    assert _titles(webhook) == ["[Paperwork] 변경된 지원사업 1건 — 마감 알림"]
    assert "마감이 연장된 공고" in webhook.requests[0].json["message"]
    clock.now += dt.timedelta(days=1)
    await _change(db, clock, program, "application_status")  # a second change: told again
    await _pass(db, clock)
    assert len(webhook.requests) == 2
