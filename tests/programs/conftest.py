"""The programs API's tests call it ``api``: the app standing at the test clock."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    return client
