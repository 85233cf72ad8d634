"""The attachments pass where it runs in production: started by the scheduler's loop after a tick
(in the background), and with its files in an S3-compatible bucket that every API host reads."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from sqlalchemy import select

from apptest import Clock, serve
from attachment_files import hwpx_file
from file_server import FileServer
from local_s3 import bucket_keys
from paperwork.attachments.collection import AttachmentsPass
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.attachments.store import store_from_url
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import ProgramAttachment
from paperwork.portals.scheduler import Scheduler

NOTICE = "/cmm/fms/getImageFile.do?atchFileId=FILE_000000000000001&fileSn=0"


async def _statuses(db: Database) -> list[str]:
    async with db.session_scope() as session:
        return list(await session.scalars(select(ProgramAttachment.status)))


async def test_the_scheduler_runs_a_pass_after_its_tick(
    db: Database,
    portal_settings: Settings,
    file_server: FileServer,
    program_with: Any,
    no_delays: None,
    clock: Clock,
) -> None:
    await program_with([("공고문.hwpx", file_server.put(NOTICE, hwpx_file(["공고 본문"])))])
    settings = portal_settings.model_copy(update={"attachments": True})
    scheduler = Scheduler(db, settings, clock=lambda: clock.now, tick_seconds=3600)
    assert scheduler.attachments is not None
    loop = asyncio.create_task(scheduler.run_forever())
    deadline = time.monotonic() + 30
    while scheduler.attachments.passes < 1:  # bounded wait on the pass's own counter
        assert time.monotonic() < deadline, "no attachments pass within 30 s"
        await asyncio.sleep(0.05)
    await scheduler.shutdown()
    await loop
    assert await _statuses(db) == ["fetched"]
    assert file_server.downloads(NOTICE) == 1


async def test_without_the_setting_the_scheduler_fetches_no_attachments(
    db: Database, settings: Settings
) -> None:
    assert Scheduler(db, settings).attachments is None  # PAPERWORK_ATTACHMENTS=false


async def test_files_go_to_an_s3_bucket_and_are_served_from_it(
    db: Database,
    portal_settings: Settings,
    file_server: FileServer,
    program_with: Any,
    sandbox: ExtractionSandbox,
    no_delays: None,
    clock: Clock,
    s3_url: str,
) -> None:
    data = hwpx_file(["S3에 저장되는 공고문"])
    program = await program_with([("공고문.hwpx", file_server.put(NOTICE, data))])
    settings = portal_settings.model_copy(update={"files_url": s3_url})
    store = store_from_url(settings.files_url, settings.files_dir)
    try:
        await AttachmentsPass(db, settings, store, sandbox, clock=lambda: clock.now).run()
    finally:
        await store.close()
    sha = hashlib.sha256(data).hexdigest()
    assert bucket_keys(s3_url) == [f"attachments/{sha[:2]}/{sha[2:4]}/{sha}"]
    assert not settings.files_dir.exists() or not any(settings.files_dir.rglob("*"))

    async for api in serve(settings, clock):  # an API host with no local copy
        detail = (await api.get(f"/api/v1/programs/{program}")).json()["data"]
        served = await api.get(detail["attachments"][0]["file_url"])
        assert served.status_code == 200 and served.content == data
