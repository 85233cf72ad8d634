"""The attachments pass as the worker runs it, against a real file server (``file_server``), a
real content store in the test's folder and one extraction sandbox for the module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import update

from apptest import Clock
from file_server import FileServer
from paperwork.attachments.collection import AttachmentsPass
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.attachments.store import ContentStore, store_from_url
from paperwork.config import Settings
from paperwork.db import Database
from paperwork.models import ScrapingConfig


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ExtractionSandbox]:
    with ExtractionSandbox(timeout=20.0) as running:
        yield running


@pytest.fixture
def portal_settings(settings: Settings, file_server: FileServer) -> Settings:
    """The test's settings with bizinfo living on the file server."""
    return settings.model_copy(update={"bizinfo_url": file_server.url("")})


@pytest.fixture
async def store(portal_settings: Settings) -> AsyncIterator[ContentStore]:
    found = store_from_url(None, portal_settings.files_dir)
    try:
        yield found
    finally:
        await found.close()


@pytest.fixture
async def no_delays(db: Database) -> None:
    """The portals' politeness pause off: the tests would otherwise wait 1–5 s per file."""
    async with db.session_scope() as session:
        await session.execute(update(ScrapingConfig).values(random_delay_min=0, random_delay_max=0))


@pytest.fixture
def attachments_pass(
    db: Database,
    portal_settings: Settings,
    store: ContentStore,
    sandbox: ExtractionSandbox,
    clock: Clock,
    no_delays: None,
) -> AttachmentsPass:
    return AttachmentsPass(db, portal_settings, store, sandbox, clock=lambda: clock.now)


@pytest.fixture
def program_with(make_program: Any) -> Any:
    """A bizinfo program whose attachment list is ``files``: (name, url) pairs."""

    async def make(files: list[tuple[str, str]], **fields: Any) -> int:
        attachments = [{"name": name, "url": url} for name, url in files]
        program_id: int = await make_program(attachments=attachments, **fields)
        return program_id

    return make
