"""The scheduler: every tick, each enabled portal that is due is claimed through a lease (one
atomic UPDATE, so several processes on one database never run a portal twice) and run.

Leases expire unless renewed: a process that dies mid-run leaves a lease that runs out, and the
next claimant marks the dead run ``abandoned`` and runs the portal again. Manual runs (the runs
API, "지금 실행") take the same lease, so they never overlap a scheduled one.

Alerts ride on the same loop (``deliver_alerts``, after each tick): what they have to tell is
queued, what is due is sent (``alerts.delivery``). So do attachments (``PAPERWORK_ATTACHMENTS``):
after each tick a pass starts in the background unless one is still running
(``attachments.worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from paperwork.alerts import delivery
from paperwork.attachments.worker import AttachmentsWorker
from paperwork.collectors.runner import PortalRun, RunResult, is_configured, start_run
from paperwork.config import Settings
from paperwork.db import Database, is_database_unavailable, utcnow
from paperwork.errors import Conflict, NotFound
from paperwork.portals import repository
from paperwork.portals.service import PortalSchedule, portal_schedules
from paperwork.runs import repository as runs_repository
from paperwork.vocabulary import RunTrigger

log = logging.getLogger(__name__)

# How long a run may stop ending its item before SIGTERM cuts it: "exit within a few seconds".
STOP_GRACE_SECONDS = 3.0


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class _ActiveRun:
    portal_id: str
    run_id: int
    trigger: str
    task: asyncio.Task[RunResult]
    stop: asyncio.Event = field(default_factory=asyncio.Event)


class Scheduler:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        owner: str | None = None,
        tick_seconds: float = 30.0,
        lease_seconds: float = 120.0,
        clock: Callable[[], dt.datetime] = utcnow,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.owner = owner or default_owner()
        self.tick_seconds = tick_seconds
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.clock = clock
        self.transport = transport
        self.active: dict[str, _ActiveRun] = {}
        self.loop_running = False
        self.last_tick: dt.datetime | None = None
        self.degraded: dict[str, str | None] = {}
        self.ticks = 0  # how many ticks ran (tests wait on it, not on the wall clock)
        self._stopping = asyncio.Event()
        self.attachments = (
            AttachmentsWorker(database, settings, clock=clock, transport=transport)
            if settings.attachments
            else None
        )

    # -- the loop ---------------------------------------------------------------------------

    async def run_forever(self) -> None:
        """Tick until ``shutdown``; a failing tick is logged and the loop goes on."""
        self.loop_running = True
        log.info("scheduler.started owner=%s tick=%.1fs", self.owner, self.tick_seconds)
        try:
            while not self._stopping.is_set():
                try:
                    await self.tick()
                except Exception:
                    log.exception("scheduler.tick_failed owner=%s", self.owner)
                try:
                    await self.deliver_alerts()
                except Exception:
                    log.exception("scheduler.alerts_failed owner=%s", self.owner)
                if self.attachments is not None:
                    self.attachments.start_pass()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.tick_seconds)
        finally:
            self.loop_running = False

    async def tick(self) -> list[str]:
        """Start every due portal this process can claim; returns the portals started."""
        now = self.clock()
        self.last_tick = now
        self.ticks += 1
        log.debug("scheduler.tick owner=%s tick=%d", self.owner, self.ticks)
        async with self.database.session_scope() as session:
            schedules = await portal_schedules(session, now=now, tz=self.settings.tz)
            states = await runs_repository.portal_states(session)
        self._note_degraded(schedules)
        started = []
        for portal_id, schedule in schedules.items():
            if self._stopping.is_set():
                break
            if portal_id in self.active or schedule.next_run_at is None:
                continue
            # A lease left by a dead process is claimed even when not due: claiming marks its
            # run abandoned, which makes the portal due again.
            state = states.get(portal_id)
            orphaned = (
                state is not None
                and state.lease_owner is not None
                and state.lease_expires_at is not None
                and state.lease_expires_at < now
            )
            if (schedule.next_run_at > now and not orphaned) or not self._configured(portal_id):
                continue
            if await self._claim_and_start(portal_id, RunTrigger.schedule, require_due=True):
                started.append(portal_id)
        return started

    async def deliver_alerts(self) -> delivery.SendReport:
        """One delivery pass: queue what alerts have to tell (new programs, reminders, digests
        whose time came), then send every due message."""
        _queued, report = await delivery.run_once(
            self.database,
            owner=self.owner,
            clock=self.clock,
            tz=self.settings.tz,
            public_url=self.settings.public_url,
        )
        return report

    def _note_degraded(self, schedules: dict[str, PortalSchedule]) -> None:
        degraded = {p: s.last_failure for p, s in schedules.items() if s.degraded}
        for portal_id in degraded.keys() - self.degraded.keys():
            schedule = schedules[portal_id]
            log.warning(
                "scheduler.portal_degraded portal=%s failures=%d next_run_at=%s reason=%s",
                portal_id,
                schedule.consecutive_failures,
                schedule.next_run_at,
                schedule.last_failure,
            )
        self.degraded = degraded

    def _configured(self, portal_id: str) -> bool:
        return is_configured(portal_id, self.settings)

    # -- runs -------------------------------------------------------------------------------

    async def trigger(self, portal_id: str, *, trigger: str = RunTrigger.manual) -> int:
        """Start a run now (the runs API). NotFound for an unknown portal, Conflict while the
        portal is running anywhere."""
        async with self.database.session_scope() as session:
            if await repository.get_config(session, portal_id) is None:
                raise NotFound(f"알 수 없는 포털입니다: {portal_id}")
        run_id = await self._claim_and_start(portal_id, trigger, require_due=False)
        if run_id is None:
            raise Conflict(f"'{portal_id}' 수집이 이미 실행 중입니다 (a run is in progress)")
        return run_id

    async def _claim_and_start(
        self, portal_id: str, trigger: str, *, require_due: bool
    ) -> int | None:
        now = self.clock()
        async with self.database.session_scope() as session:
            if not await runs_repository.claim_lease(
                session, portal_id, owner=self.owner, now=now, until=now + self.lease
            ):
                return None
            abandoned = await runs_repository.abandon_running(session, portal_id, now=now)
        if abandoned:
            log.warning("scheduler.run_abandoned portal=%s runs=%d", portal_id, abandoned)
        if require_due and not await self._still_due(portal_id, now):
            # Another process ran it between our look and our claim: this slot is done.
            await self._release(portal_id)
            return None
        run_id = await start_run(self.database, portal_id, trigger, now=now)
        active = _ActiveRun(portal_id, run_id, trigger, task=None)  # type: ignore[arg-type]
        active.task = asyncio.create_task(self._run(active), name=f"run-{portal_id}-{run_id}")
        self.active[portal_id] = active
        return run_id

    async def _still_due(self, portal_id: str, now: dt.datetime) -> bool:
        async with self.database.session_scope() as session:
            schedule = (await portal_schedules(session, now=now, tz=self.settings.tz)).get(
                portal_id
            )
        return (
            schedule is not None
            and schedule.next_run_at is not None
            and (schedule.next_run_at <= now)
        )

    async def _run(self, active: _ActiveRun) -> RunResult:
        heartbeat = asyncio.create_task(self._heartbeat(active.portal_id))
        try:
            run = PortalRun(
                self.database,
                self.settings,
                active.portal_id,
                trigger=active.trigger,
                run_id=active.run_id,
                transport=self.transport,
                stop=active.stop,
            )
            return await run.execute()
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            await self._release(active.portal_id)
            self.active.pop(active.portal_id, None)

    async def _heartbeat(self, portal_id: str) -> None:
        # Renew well before expiry, so a slow request never lets another process in.
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                async with self.database.session_scope() as session:
                    until = self.clock() + self.lease
                    renewed = await runs_repository.renew_lease(
                        session, portal_id, owner=self.owner, until=until
                    )
            except Exception as exc:
                if not is_database_unavailable(exc):
                    raise
                # A database restart must not end the heartbeat: the run outlives a short
                # outage (and records its end after it), so its lease must too.
                log.warning(
                    "scheduler.lease_renew_failed portal=%s error=%s", portal_id, type(exc).__name__
                )
                continue
            if not renewed:
                log.error("scheduler.lease_lost portal=%s owner=%s", portal_id, self.owner)
                return

    async def _release(self, portal_id: str) -> None:
        with contextlib.suppress(Exception):  # a release that fails just lets the lease expire
            async with self.database.session_scope() as session:
                await runs_repository.release_lease(session, portal_id, owner=self.owner)

    # -- stopping ---------------------------------------------------------------------------

    async def shutdown(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop ticking; running runs end at their next item (``cancelled``), or are cut after
        ``grace`` seconds; leases are released."""
        self._stopping.set()
        for active in list(self.active.values()):
            active.stop.set()
        tasks = [active.task for active in self.active.values()]
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        for task in tasks:
            if not task.done():
                task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.attachments is not None:
            await self.attachments.close()
        log.info("scheduler.stopped owner=%s", self.owner)

    async def wait_idle(self) -> None:
        """Wait until no run of this process is in progress (tests, CLI)."""
        while self.active:
            await asyncio.gather(
                *(a.task for a in list(self.active.values())), return_exceptions=True
            )

    def status(self) -> dict[str, Any]:
        return {
            "status": "running" if self.loop_running else "stopped",
            "running": self.loop_running,
            "owner": self.owner,
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
            "runs_in_progress": sorted(self.active),
            "degraded_portals": sorted(self.degraded),
        }
