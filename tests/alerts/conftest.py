"""What the alert tests share: client tokens' headers (``alice``, ``bob``) and ``make_alert``, an
alert made as a fresh client token makes one (channels on 127.0.0.1 allowed). The local SMTP and
webhook servers are ``tests/conftest.py``'s fixtures."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from apptest import Clock
from paperwork.alerts.v1_schemas import AlertIn
from paperwork.alerts.v1_service import create_alert
from paperwork.auth.tokens import create_token, verify_token
from paperwork.db import Database
from paperwork.timeutil import SEOUL
from paperwork.vocabulary import TokenRole


async def client_headers(db: Database, name: str) -> dict[str, str]:
    """The ``Authorization`` header of a new client token named ``name``."""
    async with db.session_scope() as session:
        token = await create_token(session, name=name, role=TokenRole.client)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def alice(db: Database) -> dict[str, str]:
    return await client_headers(db, "alice")


@pytest.fixture
async def bob(db: Database) -> dict[str, str]:
    return await client_headers(db, "bob")


@pytest.fixture
def make_alert(db: Database, clock: Clock) -> Callable[..., Awaitable[int]]:
    """``await make_alert(channels, name=..., **fields)``: an alert's id, owned by a client
    token of its own, made at the test clock's now."""
    owners = itertools.count()

    async def make(channels: list[str], *, name: str = "서울 창업", **fields: Any) -> int:
        async with db.session_scope() as session:
            token = await create_token(session, name=f"owner-{next(owners)}", role=TokenRole.client)
            caller = await verify_token(session, token)
            assert caller is not None
            body = AlertIn(name=name, channels=channels, **fields)
            created = await create_alert(
                session, caller, body, tz=SEOUL, now=clock.now, private_hosts_for_clients=True
            )
            return created.id

    return make
