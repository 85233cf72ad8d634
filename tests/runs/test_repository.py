"""runs/repository.py on a real database: a run's life, the failure streak, leases that exactly
one claimant wins, abandoned runs, and the history figures the status and admin stats read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from paperwork.db import Database
from paperwork.models import PortalState, ScrapeRun
from paperwork.runs import repository
from paperwork.vocabulary import FAILED_RUN_STATUSES, RunStatus, RunTrigger

T0 = dt.datetime(2026, 12, 15, 3, 0, tzinfo=dt.UTC)
COUNTS = {"fetched": 5, "new": 2, "updated": 1, "unchanged": 1, "rejected": 1, "errors": 0}


async def add_run(
    db: Database, portal_id: str, status: str, *, hours: float = 0, trigger: str = "schedule"
) -> int:
    async with db.session_scope() as session:
        run = ScrapeRun(
            portal_id=portal_id, trigger=trigger, status=status,
            started_at=T0 + dt.timedelta(hours=hours),
        )  # fmt: skip
        session.add(run)
        await session.flush()
        return run.id


async def state(db: Database, portal_id: str) -> PortalState:
    async with db.session_scope() as session:
        row = await session.get(PortalState, portal_id)
    assert row is not None
    return row


async def test_a_run_is_started_counted_and_finished(db: Database) -> None:
    async with db.session_scope() as session:
        run_id = await repository.start_run(
            session, portal_id="mss", trigger=RunTrigger.cli, now=T0
        )
    async with db.session_scope() as session:
        await repository.record_counts(session, run_id, {**COUNTS, "fetched": 3})
    async with db.session_scope() as session:
        running = await repository.get_run(session, run_id)
    assert running is not None
    assert (running.status, running.trigger, running.fetched) == ("running", "cli", 3)
    assert running.started_at == T0 and running.finished_at is None
    later = T0 + dt.timedelta(minutes=2)
    async with db.session_scope() as session:
        await repository.finish_run(
            session, run_id, status=RunStatus.partial, error=None, counts=COUNTS, now=later
        )
    async with db.session_scope() as session:
        run = await repository.get_run(session, run_id)
    assert run is not None
    assert (run.status, run.finished_at, run.fetched, run.new) == ("partial", later, 5, 2)
    async with db.session_scope() as session:
        assert await repository.get_run(session, run_id + 1000) is None


async def test_failures_add_up_and_a_success_ends_the_streak(db: Database) -> None:
    for reason in ("timeout", "인증키 오류"):
        async with db.session_scope() as session:
            await repository.note_failure(session, "bizinfo", error=reason)
    failing = await state(db, "bizinfo")
    assert (failing.consecutive_failures, failing.last_failure) == (2, "인증키 오류")
    assert (await state(db, "mss")).consecutive_failures == 0
    async with db.session_scope() as session:
        await repository.clear_failures(session, "bizinfo")
        states = await repository.portal_states(session)
    assert (states["bizinfo"].consecutive_failures, states["bizinfo"].last_failure) == (0, None)
    assert set(states) == {"bizinfo", "kstartup", "mss"}


async def test_a_lease_has_one_owner_until_it_expires_or_is_released(db: Database) -> None:
    until = T0 + dt.timedelta(minutes=2)
    async with db.session_scope() as session:
        assert await repository.claim_lease(session, "mss", owner="a", now=T0, until=until)
    async with db.session_scope() as session:
        assert not await repository.claim_lease(session, "mss", owner="b", now=T0, until=until)
        assert not await repository.renew_lease(session, "mss", owner="b", until=until)
        assert await repository.renew_lease(session, "mss", owner="a", until=until)
    # Expired: the next claimant takes it over.
    after = until + dt.timedelta(seconds=1)
    async with db.session_scope() as session:
        assert await repository.claim_lease(
            session, "mss", owner="b", now=after, until=after + dt.timedelta(minutes=2)
        )
    async with db.session_scope() as session:
        await repository.release_lease(session, "mss", owner="a")  # not a's any more: no effect
    assert (await state(db, "mss")).lease_owner == "b"
    async with db.session_scope() as session:
        await repository.release_lease(session, "mss", owner="b")
    released = await state(db, "mss")
    assert released.lease_owner is None and released.lease_expires_at is None


async def test_abandon_closes_only_the_portals_running_runs(db: Database) -> None:
    dead = await add_run(db, "mss", RunStatus.running)
    done = await add_run(db, "mss", RunStatus.succeeded)
    other = await add_run(db, "bizinfo", RunStatus.running)
    async with db.session_scope() as session:
        assert await repository.abandon_running(session, "mss", now=T0) == 1
    async with db.session_scope() as session:
        runs = {run.id: run for run in await session.scalars(select(ScrapeRun))}
    assert runs[dead].status == "abandoned" and runs[dead].finished_at == T0
    assert runs[dead].error
    assert runs[done].status == "succeeded" and runs[other].status == "running"


async def test_history_figures(db: Database) -> None:
    await add_run(db, "bizinfo", RunStatus.failed, hours=-30)  # before the day
    await add_run(db, "bizinfo", RunStatus.failed, hours=1)
    await add_run(db, "bizinfo", RunStatus.succeeded, hours=2)
    await add_run(db, "mss", RunStatus.partial, hours=1)
    await add_run(db, "mss", RunStatus.cancelled, hours=3)  # owed: not the schedule's last run
    await add_run(db, "kstartup", RunStatus.succeeded, hours=4, trigger=RunTrigger.import_)
    async with db.session_scope() as session:
        assert await repository.count_runs_by_portal_since(
            session, T0, statuses=FAILED_RUN_STATUSES
        ) == {"bizinfo": 1, "mss": 1}
        assert await repository.count_runs_by_portal_and_status_since(session, T0) == {
            "bizinfo": {"failed": 1, "succeeded": 1},
            "mss": {"partial": 1, "cancelled": 1},
            "kstartup": {"succeeded": 1},
        }
        assert await repository.last_run_statuses(session) == {
            "bizinfo": "succeeded", "mss": "cancelled", "kstartup": "succeeded",
        }  # fmt: skip
        # An import is not a visit to the portal, and a cancelled run is owed.
        assert await repository.last_runs_started_for_schedule(session) == {
            "bizinfo": T0 + dt.timedelta(hours=2),
            "mss": T0 + dt.timedelta(hours=1),
        }
        page, total = await repository.list_runs(
            session, portal_id="bizinfo", statuses=[RunStatus.failed], limit=1, offset=0
        )
    assert total == 2 and [run.started_at for run in page] == [T0 + dt.timedelta(hours=1)]
