"""Preparing fetched items, before anything is written: normalise, score and hash each one.

Pure (no database, no I/O), so the same code runs in a live run, in an import, and in the
prepare pool's worker process, which imports this module and not the database layer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from paperwork.collectors.base import ItemError, NormalizedProgram, RawItem
from paperwork.collectors.quality import content_hash, quality_score
from paperwork.search.index import search_columns
from paperwork.vocabulary import RawStatus

log = logging.getLogger(__name__)


class Normalizer(Protocol):
    def __call__(self, item: RawItem, *, today: dt.date) -> NormalizedProgram: ...


@dataclass
class Prepared:
    """An item and what normalising it gave, before anything is written."""

    item: RawItem
    program: NormalizedProgram | None = None
    score: float | None = None
    content_hash: str | None = None
    search: dict[str, str] | None = None  # the program's search index columns
    status: RawStatus = RawStatus.failed
    reason: str | None = None
    raw_id: int = 0  # set once the raw row is written


def prepare(
    item: RawItem, normalize: Normalizer, *, today: dt.date, threshold: float, dialect: str
) -> Prepared:
    """Normalise, score and hash one item, and compute its search columns for a database of
    ``dialect``; pure (no database), so it can run in a worker process. An item that cannot be
    normalised comes back ``failed`` with the reason."""
    prepared = Prepared(item=item)
    try:
        program = normalize(item, today=today)
        score = quality_score(program)
        digest = content_hash(program)
    except ItemError as exc:
        prepared.reason = str(exc)
        return prepared
    except Exception as exc:  # a parser bug on one odd item: keep it, say what happened
        log.exception("pipeline.normalize_failed portal=%s id=%s", item.portal_id, item.external_id)
        prepared.reason = f"normalize failed: {type(exc).__name__}: {exc}"[:500]
        return prepared
    prepared.program = program
    prepared.score = score.score
    prepared.content_hash = digest
    if score.score < threshold:
        prepared.status = RawStatus.rejected
        reasons = "; ".join(score.reasons) or "below threshold"
        prepared.reason = f"quality {score.score} < {threshold}: {reasons}"
        return prepared
    prepared.status = RawStatus.promoted
    # Tokenised here, in the prepare pool's worker when there is one, not between the writes.
    prepared.search = search_columns(
        dialect,
        program.title,
        program.implementing_agency,
        program.target_audience,
        program.description,
    )
    return prepared


def prepare_all(
    items: Sequence[RawItem],
    normalize: Normalizer,
    *,
    today: dt.date,
    threshold: float,
    dialect: str,
) -> list[Prepared]:
    return [
        prepare(item, normalize, today=today, threshold=threshold, dialect=dialect)
        for item in items
    ]
