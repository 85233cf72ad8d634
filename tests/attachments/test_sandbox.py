"""Extraction in the child process: good files give their text, and a file that takes too long,
takes too much memory or kills its process fails alone, the next file extracting as usual."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from attachment_files import (
    hwp5_file,
    hwp5_record_flood,
    hwpx_file,
    pdf_file_korean,
    pdf_kids_loop,
    sample_files,
    zip_bomb_hwpx,
)
from paperwork.attachments import sniff as media
from paperwork.attachments.extract import MAX_FILE_BYTES, Extraction, extract
from paperwork.attachments.sandbox import ExtractionSandbox
from paperwork.vocabulary import ExtractionStatus

GOOD = hwpx_file(["다음 파일"], [["구분", "내용"]])


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ExtractionSandbox]:
    with ExtractionSandbox(timeout=10) as running:
        yield running


def _assert_still_extracts(sandbox: ExtractionSandbox) -> None:
    result = sandbox.extract(GOOD)
    assert (result.status, result.text) == (ExtractionStatus.extracted, "다음 파일\n\n구분\t내용")


@pytest.mark.parametrize("name", ["notice.hwp", "notice.hwpx", "notice.pdf"])
def test_good_files_give_what_in_process_extraction_gives(
    sandbox: ExtractionSandbox, name: str
) -> None:
    data = sample_files()[name]
    result = sandbox.extract(data)
    assert result.status == ExtractionStatus.extracted and "공고" in result.text
    assert result == extract(data)


def test_a_zip_bomb_fails_alone(sandbox: ExtractionSandbox) -> None:
    assert sandbox.extract(zip_bomb_hwpx()) == Extraction(
        ExtractionStatus.failed, "", "too large when decompressed", media.HWPX
    )
    _assert_still_extracts(sandbox)


def test_a_pdf_whose_page_tree_loops_fails_and_the_next_file_extracts() -> None:
    with ExtractionSandbox(timeout=5) as sandbox:
        started = time.monotonic()
        result = sandbox.extract(pdf_kids_loop())
        assert result.status == ExtractionStatus.failed and result.error
        assert result.media_type == media.PDF
        assert time.monotonic() - started < 7
        _assert_still_extracts(sandbox)


def test_a_file_that_takes_too_long_fails_with_the_time_limit() -> None:
    flood = hwp5_record_flood()  # 15 million records: many seconds of honest work
    with ExtractionSandbox(timeout=2) as sandbox:
        _assert_still_extracts(sandbox)  # the child is up: its start is not part of the 2 s
        started = time.monotonic()
        result = sandbox.extract(flood)
        assert time.monotonic() - started < 3.5
        assert result == Extraction(ExtractionStatus.failed, "", "took longer than 2 s", media.HWP)
        _assert_still_extracts(sandbox)


def test_a_file_that_needs_more_memory_than_allowed_fails_with_the_limit() -> None:
    flood = hwp5_record_flood()  # its section inflates to 60 MB: more than 150 MB in all
    with ExtractionSandbox(timeout=10, memory_mb=150) as sandbox:
        result = sandbox.extract(flood)
        assert result == Extraction(
            ExtractionStatus.failed, "", "ran out of memory (limit 150 MB)", media.HWP
        )
        _assert_still_extracts(sandbox)


def test_a_child_killed_mid_file_fails_that_file_and_the_next_gets_a_new_child() -> None:
    with ExtractionSandbox(timeout=10) as sandbox:
        _assert_still_extracts(sandbox)  # the child is up
        pid = sandbox.pid
        assert pid is not None

        # What the kernel's OOM killer does to a child that is deep in a file. (A sleeping
        # thread, not threading.Timer: a timed wait never ends under make test-future's
        # libfaketime.)
        def kill_soon() -> None:
            time.sleep(0.5)
            os.kill(pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_soon)
        killer.start()
        result = sandbox.extract(hwp5_record_flood())
        killer.join()
        assert result == Extraction(
            ExtractionStatus.failed, "", "the extraction process died: signal 9", media.HWP
        )
        _assert_still_extracts(sandbox)
        assert sandbox.pid != pid


def test_a_child_killed_between_files_is_replaced_for_the_next(
    sandbox: ExtractionSandbox,
) -> None:
    _assert_still_extracts(sandbox)
    pid = sandbox.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    _assert_still_extracts(sandbox)  # not a failure: the file had nothing to do with it
    assert sandbox.pid not in (pid, None)


def test_a_file_over_20_mb_fails_without_reaching_the_child() -> None:
    with ExtractionSandbox(timeout=5) as sandbox:
        result = sandbox.extract(pdf_file_korean() + bytes(2 * MAX_FILE_BYTES))
        assert result == Extraction(ExtractionStatus.failed, "", "larger than 20 MB", media.PDF)
        assert sandbox.pid is None  # no child was ever started for it


async def test_callers_on_many_threads_each_get_their_own_file(
    sandbox: ExtractionSandbox,
) -> None:
    files = [hwp5_file([f"{n}번 공고"]) for n in range(4)]
    files += [hwpx_file([f"{n}번 공고"]) for n in range(4, 8)]
    results = await asyncio.gather(*(asyncio.to_thread(sandbox.extract, f) for f in files))
    assert [result.text for result in results] == [f"{n}번 공고" for n in range(8)]


def test_close_stops_the_child() -> None:
    sandbox = ExtractionSandbox(timeout=5)
    _assert_still_extracts(sandbox)
    pid = sandbox.pid
    assert pid is not None
    sandbox.close()
    assert sandbox.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
