"""Attachments (issue 15), run as ``python -m bench.attachments [DATABASE_URL]`` in a process of
its own, after the load and before the server starts (so the searches are measured with the
attachments' units in the index, as production has them). Prints one JSON line.

1. **Extraction**: ``--files`` (200; smoke 20) announcement files (``bench.notice_files``: HWP 5
   50 %, HWPX 30 %, PDF 20 %, several pages of text each, 20 KB to 1 MB with their pictures),
   extracted one after another through one ``ExtractionSandbox``, as the worker does: files/s,
   MB/s and every status, per format. A file not extracted, or whose text lacks its title, is
   an error.
2. **Indexing**: the texts stored as ``attachment_files``; every program linked to a notice of
   its own program (the one its title names) and every tenth also to one shared 신청서 서식;
   then ``refresh_search_units`` over every file, timed: every program's units rewritten.

Without DATABASE_URL only the extraction runs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from bench.notice_files import SHARES, Sample, build_files, form_file
from paperwork.attachments.collection import refresh_search_units
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.db import Database
from paperwork.models import AttachmentFile, SupportProgram
from paperwork.vocabulary import ExtractionStatus, FetchStatus

FORM_EVERY = 10  # every tenth program also links to the shared form


@dataclass
class Extracted:
    sample: Sample
    status: str
    text: str
    media_type: str
    seconds: float


def _peak_rss_mb(pid: int | None) -> float | None:
    """The child's peak resident memory (Linux's VmHWM), read before it is stopped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except (OSError, TypeError):
        return None
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return round(int(found[0]) / 1024, 1) if found else None


def extract_all(
    samples: Sequence[Sample], form: Sample
) -> tuple[list[Extracted], Extracted, dict[str, Any]]:
    """Every file through one sandbox, one after another. The form goes first, not timed with
    the others: it starts the child (a worker's child is long-lived)."""
    with ExtractionSandbox() as sandbox:
        started = time.perf_counter()
        first = sandbox.extract(form.data)
        startup = time.perf_counter() - started
        done = []
        for sample in samples:
            started = time.perf_counter()
            result = sandbox.extract(sample.data)
            seconds = time.perf_counter() - started
            done.append(Extracted(sample, result.status, result.text, result.media_type, seconds))
        peak = _peak_rss_mb(sandbox.pid)
    form_done = Extracted(form, first.status, first.text, first.media_type, startup)
    return done, form_done, {"first_file_seconds": round(startup, 3), "child_peak_rss_mb": peak}


def _has_title(item: Extracted) -> bool:
    return "".join(item.sample.title.split()) in "".join(item.text.split())


def _rates(done: Sequence[Extracted]) -> dict[str, Any]:
    megabytes = sum(len(item.sample.data) for item in done) / 1_000_000
    seconds = sum(item.seconds for item in done)
    statuses: dict[str, int] = {}
    for item in done:
        statuses[item.status] = statuses.get(item.status, 0) + 1
    # The text is right when the announcement's title is in it (spacing aside).
    wrong = [item.sample.name for item in done if not _has_title(item)]
    slowest = max(done, key=lambda item: item.seconds, default=None)
    return {
        "files": len(done),
        "mb": round(megabytes, 2),
        "seconds": round(seconds, 3),
        "files_per_s": round(len(done) / seconds, 1) if seconds else 0.0,
        "mb_per_s": round(megabytes / seconds, 2) if seconds else 0.0,
        "text_chars": sum(len(item.text) for item in done),
        "chars_per_s": round(sum(len(item.text) for item in done) / seconds) if seconds else 0,
        "statuses": statuses,
        "title_missing": wrong,
        "slowest": slowest and {"name": slowest.sample.name, "seconds": round(slowest.seconds, 3)},
    }


def throughput(done: Sequence[Extracted]) -> dict[str, Any]:
    """Per format and in all; ``errors`` counts the files not extracted or without their
    title in the text."""
    kinds = [kind for kind, _ in SHARES]
    formats = {kind: _rates([item for item in done if item.sample.kind == kind]) for kind in kinds}
    total = _rates(done)
    errors = len(done) - total["statuses"].get(ExtractionStatus.extracted, 0)
    errors += len(total["title_missing"])
    return {"formats": formats, "all": total, "errors": errors}


# One statement for all the links (the portals' lists copied: not what is measured).
LINKS = """
INSERT INTO program_attachments
    (program_id, portal_id, position, name, url, sha256, status, attempts, requested_at,
     fetched_at)
SELECT link.*, :status, 1, :now, :now
FROM unnest(CAST(:program_ids AS INTEGER[]), CAST(:portal_ids AS TEXT[]),
            CAST(:positions AS INTEGER[]), CAST(:names AS TEXT[]), CAST(:urls AS TEXT[]),
            CAST(:hashes AS TEXT[])) AS link
"""
FILE_URL = "https://www.bizinfo.go.kr/cmm/fms/getImageFile.do?atchFileId=FILE_{:012d}&fileSn={}"
SIZES = """
SELECT count(attachment_vector), coalesce(sum(pg_column_size(attachment_vector)), 0),
       coalesce(avg(length(attachment_vector)), 0),
       pg_relation_size('ix_support_programs_attachment_vector')
FROM support_programs
"""


def links(
    programs: Sequence[tuple[int, str, str]], done: Sequence[Extracted], form: Extracted
) -> dict[str, list[Any]]:
    """Each program (id, portal, title) linked to a notice of the program its title names (the
    notices of one program in turn; any notice when none is of its program), and every tenth
    also to the shared form: the ``LINKS`` parameters."""
    notices: dict[str, list[Extracted]] = {}
    for item in done:
        notices.setdefault(item.sample.program, []).append(item)
    names = sorted(notices, key=len, reverse=True)  # the longest name a title holds
    columns: dict[str, list[Any]] = {
        key: [] for key in ("program_ids", "portal_ids", "positions", "names", "urls", "hashes")
    }

    def add(program_id: int, portal_id: str, position: int, item: Extracted) -> None:
        for key, value in zip(
            columns,
            (program_id, portal_id, position, item.sample.name,
             FILE_URL.format(program_id, position), item.sample.sha256),
            strict=True,
        ):  # fmt: skip
            columns[key].append(value)

    for number, (program_id, portal_id, title) in enumerate(programs):
        program = next((name for name in names if name in title), None)
        own = notices[program] if program is not None else done
        add(program_id, portal_id, 0, own[number % len(own)])
        if number % FORM_EVERY == 0:
            add(program_id, portal_id, 1, form)
    return columns


async def index(database_url: str, done: Sequence[Extracted], form: Extracted) -> dict[str, Any]:
    """Store the extracted files, link the programs to them, then time ``refresh_search_units``
    over all of them (it commits batch by batch, as the worker's pass does)."""
    database = Database(database_url, pool_size=2)
    now = dt.datetime.now(dt.UTC)
    files = [*done, form]
    try:
        async with database.session_scope() as session:
            rows = [
                {
                    "sha256": item.sample.sha256,
                    "media_type": item.media_type,
                    "size": len(item.sample.data),
                    "stored_at": now,
                    "extraction_status": item.status,
                    "extracted_at": now,
                    "text_chars": len(item.text),
                    "text": item.text or None,
                }
                for item in files
            ]
            await session.execute(insert(AttachmentFile), rows)
            programs = (
                (
                    await session.execute(
                        select(
                            SupportProgram.id, SupportProgram.portal_id, SupportProgram.title
                        ).order_by(SupportProgram.id)
                    )
                )
                .tuples()
                .all()
            )
            columns = links(programs, done, form)
            status = FetchStatus.fetched.value
            await session.execute(text(LINKS), {**columns, "status": status, "now": now})
        started = time.perf_counter()
        indexed = await refresh_search_units(database, [item.sample.sha256 for item in files])
        seconds = time.perf_counter() - started
        async with database.session_scope() as session:
            vectors, vector_bytes, units, index_bytes = (await session.execute(text(SIZES))).one()
    finally:
        await database.dispose()
    return {
        "files": len(files),
        "links": len(columns["hashes"]),
        "programs": indexed,
        "seconds": round(seconds, 2),
        "programs_per_s": round(indexed / seconds, 1) if seconds else 0.0,
        "vectors": int(vectors),
        "units_per_program": round(float(units)),
        "vector_mb": round(int(vector_bytes) / 1_000_000, 1),
        "index_mb": round(int(index_bytes) / 1_000_000, 1),
    }


def measure(database_url: str | None, *, files: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    samples = build_files(files, seed)
    form = form_file(seed)
    built = time.perf_counter() - started
    done, form_done, sandbox = extract_all(samples, form)
    result: dict[str, Any] = {
        "extraction": {**throughput(done), **sandbox, "build_seconds": round(built, 1)}
    }
    if database_url is not None:
        result["indexing"] = asyncio.run(index(database_url, done, form_done))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attachments", description=__doc__)
    parser.add_argument("database_url", nargs="?", help="index into it (extraction only without)")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.database_url, files=args.files, seed=args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
