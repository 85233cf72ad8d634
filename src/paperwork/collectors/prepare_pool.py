"""Bulk loads normalise in a second process while the first one writes.

Normalising is pure Python and costs about as much as the database writes; done in turn they
add up, done side by side the slower one sets the pace. One worker process, started on first
use and kept for the life of this process (``spawn``: safe beside the event loop's threads),
prepares the next batch while the current one is being written, never more than ``AHEAD``
batches in front, so memory stays bounded whatever the file's size.

``spawn`` starts the worker by importing the main module afresh: a script of its own that calls
``ingest_items`` with more than one batch must keep its work under ``if __name__ == "__main__":``
(``paperwork import`` and ``python -m bench`` do).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from paperwork.collectors.base import Parser, RawItem
from paperwork.collectors.prepare import Prepared, prepare_all

# Batches prepared ahead of the one being written: enough that the worker never waits.
AHEAD = 2

_pool: ProcessPoolExecutor | None = None


def _worker_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def _prepare_batch(
    parser: Parser, items: Sequence[RawItem], today: dt.date, threshold: float, dialect: str
) -> list[Prepared]:
    """Runs in the worker: the same ``prepare_all`` a live run calls, with the run's parser
    (pure and keyless: a few URLs travel with each batch, never a key)."""
    return prepare_all(items, parser.normalize, today=today, threshold=threshold, dialect=dialect)


async def prepared_batches(
    parser: Parser,
    batches: Sequence[Sequence[RawItem]],
    *,
    today: dt.date,
    threshold: float,
    dialect: str,
) -> AsyncIterator[list[Prepared]]:
    """The batches, prepared in the worker, in order."""
    pool = _worker_pool()
    pending: deque[Future[list[Prepared]]] = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(_prepare_batch, parser, batch, today, threshold, dialect))
            if len(pending) > AHEAD:
                yield await asyncio.wrap_future(pending.popleft())
        while pending:
            yield await asyncio.wrap_future(pending.popleft())
    except BrokenProcessPool:
        # The worker died (killed, out of memory): this run fails, the next one starts anew.
        _drop_pool()
        raise
    finally:
        for future in pending:  # stopped early (a failed write, a cancel): drop the rest
            future.cancel()


def _drop_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
