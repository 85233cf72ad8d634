"""The attachments pass as the scheduler runs it: in the background after a tick (a pass waits on
portals' politeness delays for minutes; ticks and alerts must not wait with it), one at a time
per process, with the content store and the extraction sandbox built on first use."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

import httpx

from paperwork.ai.gateway import Gateway
from paperwork.attachments.collection import AttachmentsPass, PassReport
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.attachments.store import store_from_url
from paperwork.config import Settings
from paperwork.db import Database

log = logging.getLogger(__name__)


class AttachmentsWorker:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        clock: Callable[[], dt.datetime],
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock
        self.transport = transport
        self._pass: AttachmentsPass | None = None
        self._task: asyncio.Task[PassReport] | None = None
        self.passes = 0  # finished passes (tests wait on it)

    def start_pass(self) -> None:
        """Start a pass unless one is still running."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def wait(self) -> None:
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task

    async def _run(self) -> PassReport:
        try:
            return await self._attachments().run()
        except Exception:
            log.exception("attachments.pass_failed")
            raise
        finally:
            self.passes += 1

    def _attachments(self) -> AttachmentsPass:
        if self._pass is None:
            ocr = Gateway.from_settings(self.settings) if self.settings.attachments_ocr else None
            self._pass = AttachmentsPass(
                self.database,
                self.settings,
                store_from_url(self.settings.files_url, self.settings.files_dir),
                ExtractionSandbox(
                    timeout=self.settings.extraction_timeout_seconds,
                    memory_mb=self.settings.extraction_memory_mb,
                ),
                transport=self.transport,
                clock=self.clock,
                gateway=ocr,
            )
        return self._pass

    async def close(self) -> None:
        """Cut a running pass (its claimed links are taken again once their claim expires)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._pass is not None:
            self._pass.sandbox.close()
            await self._pass.store.close()
            if self._pass.gateway is not None:
                await self._pass.gateway.aclose()
