"""The content store: the same behaviour from a local directory and from an S3 bucket (moto's
server on 127.0.0.1), and the one setting that picks between them."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from local_s3 import bucket_keys, endpoint_url_of, s3_client
from paperwork.attachments.store import (
    ContentStore,
    FileMissing,
    LocalStore,
    S3Store,
    store_from_url,
)

# An HWP 5 file starts with the OLE signature; the rest stands in for a real announcement form.
HWP = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "2026년 창업지원사업 신청서 양식".encode() * 500
PDF = b"%PDF-1.7\n" + "사업계획서 (별지 제1호)".encode() * 200

MALFORMED_HASHES = [
    "../../etc/passwd",
    "../" * 21 + "a",  # 64 characters, all of them wrong
    hashlib.sha256(HWP).hexdigest().upper(),
    hashlib.sha256(HWP).hexdigest()[:63],
    hashlib.sha256(HWP).hexdigest() + "0",
    hashlib.sha256(HWP).hexdigest()[:63] + "\n",
    hashlib.sha256(HWP).hexdigest() + "\n",
    "",
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Subject:
    """A store under test and a way to see what it really holds."""

    kind: str
    store: ContentStore
    objects: Callable[[], list[str]]  # every stored object (file path or key), sorted
    name_of: Callable[[str], str]  # the object name a hash should be stored under


def _files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


@pytest.fixture(params=["local", "s3"])
async def subject(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Subject]:
    if request.param == "local":
        root = tmp_path / "files"
        store: ContentStore = LocalStore(root)
        subject = Subject("local", store, lambda: _files(root), lambda h: f"{h[:2]}/{h[2:4]}/{h}")
    else:
        url: str = request.getfixturevalue("s3_url")
        store = store_from_url(url, tmp_path)
        subject = Subject(
            "s3", store, lambda: bucket_keys(url), lambda h: f"attachments/{h[:2]}/{h[2:4]}/{h}"
        )
    try:
        yield subject
    finally:
        await store.close()


# --- the same behaviour from both stores ---


async def test_put_then_get_returns_the_same_bytes(subject: Subject) -> None:
    await subject.store.put(sha(HWP), HWP)
    await subject.store.put(sha(PDF), PDF)

    assert await subject.store.get(sha(HWP)) == HWP
    assert await subject.store.get(sha(PDF)) == PDF


async def test_exists_is_false_until_the_file_is_put(subject: Subject) -> None:
    assert await subject.store.exists(sha(HWP)) is False

    await subject.store.put(sha(HWP), HWP)

    assert await subject.store.exists(sha(HWP)) is True
    assert await subject.store.exists(sha(PDF)) is False


async def test_storing_the_same_content_twice_keeps_one_object_named_by_its_hash(
    subject: Subject,
) -> None:
    await subject.store.put(sha(HWP), HWP)
    await subject.store.put(sha(HWP), HWP)

    assert subject.objects() == [subject.name_of(sha(HWP))]
    assert await subject.store.get(sha(HWP)) == HWP


async def test_get_of_an_absent_hash_raises_file_missing(subject: Subject) -> None:
    await subject.store.put(sha(PDF), PDF)

    with pytest.raises(FileMissing) as raised:
        await subject.store.get(sha(HWP))

    assert raised.value.sha256 == sha(HWP)
    assert sha(HWP) in str(raised.value)


async def test_malformed_hash_is_refused_and_nothing_is_stored(subject: Subject) -> None:
    for bad in MALFORMED_HASHES:
        with pytest.raises(ValueError, match="SHA-256"):
            await subject.store.put(bad, HWP)
        with pytest.raises(ValueError, match="SHA-256"):
            await subject.store.get(bad)
        with pytest.raises(ValueError, match="SHA-256"):
            await subject.store.exists(bad)

    assert subject.objects() == []


async def test_data_that_does_not_match_its_hash_is_refused(subject: Subject) -> None:
    # Objects are never rewritten, so a mislabelled file would otherwise stay wrong for good.
    with pytest.raises(ValueError, match="SHA-256"):
        await subject.store.put(sha(HWP), PDF)

    assert subject.objects() == []
    assert await subject.store.exists(sha(HWP)) is False


async def test_concurrent_puts_of_the_same_file_all_succeed_and_leave_one_object(
    subject: Subject,
) -> None:
    await asyncio.gather(*(subject.store.put(sha(HWP), HWP) for _ in range(8)))

    assert subject.objects() == [subject.name_of(sha(HWP))]
    assert await subject.store.get(sha(HWP)) == HWP


# --- a malformed hash never reaches storage at all ---


async def test_malformed_hash_is_refused_before_storage_is_touched(
    tmp_path: Path, closed_port: int
) -> None:
    # Stores whose storage would fail on any use: a ValueError (not an OSError or a connection
    # error) shows the hash was refused first.
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    local = LocalStore(blocker / "files")
    s3 = S3Store("unreachable", endpoint_url=f"http://127.0.0.1:{closed_port}", region="us-east-1")
    try:
        for store in (local, s3):
            for bad in MALFORMED_HASHES:
                with pytest.raises(ValueError, match="SHA-256"):
                    await store.put(bad, HWP)
                with pytest.raises(ValueError, match="SHA-256"):
                    await store.get(bad)
                with pytest.raises(ValueError, match="SHA-256"):
                    await store.exists(bad)
    finally:
        await s3.close()


# --- local disk: atomic, write-once files ---


async def test_local_store_creates_the_fan_out_directories(tmp_path: Path) -> None:
    root = tmp_path / "data" / "files"
    store = LocalStore(root)

    await store.put(sha(HWP), HWP)

    path = root / sha(HWP)[:2] / sha(HWP)[2:4] / sha(HWP)
    assert path.read_bytes() == HWP


async def test_local_put_of_a_stored_file_leaves_it_untouched(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    await store.put(sha(HWP), HWP)
    path = tmp_path / sha(HWP)[:2] / sha(HWP)[2:4] / sha(HWP)
    before = path.stat()

    await store.put(sha(HWP), HWP)

    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_two_threads_storing_the_same_file_at_once_both_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStore(tmp_path)
    # Hold each writer at its final rename until both are there: both have checked that the
    # file is absent and written a full copy, so they really do race for the same name.
    at_rename = threading.Barrier(2, timeout=10)
    real_replace = os.replace

    def replace_together(source: Any, target: Any) -> None:
        at_rename.wait()
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_together)
    errors: list[BaseException] = []

    def store_it() -> None:
        try:
            asyncio.run(store.put(sha(HWP), HWP))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=store_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert at_rename.n_waiting == 0 and not at_rename.broken  # both really renamed
    assert _files(tmp_path) == [f"{sha(HWP)[:2]}/{sha(HWP)[2:4]}/{sha(HWP)}"]  # no temp left
    assert asyncio.run(store.get(sha(HWP))) == HWP


async def test_a_failed_write_leaves_nothing_under_the_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStore(tmp_path)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", disk_full)
        with pytest.raises(OSError, match="No space left"):
            await store.put(sha(HWP), HWP)

    assert await store.exists(sha(HWP)) is False
    assert _files(tmp_path) == []  # not even the temp file
    await store.put(sha(HWP), HWP)  # and the next try simply works
    assert await store.get(sha(HWP)) == HWP


# --- S3: write-once objects, credentials from the environment only ---


async def test_s3_put_of_a_stored_object_uploads_nothing(s3_url: str, tmp_path: Path) -> None:
    parsed = store_from_url(s3_url, tmp_path)
    assert isinstance(parsed, S3Store)
    client = s3_client(endpoint_url_of(s3_url))
    uploads: list[str] = []

    def count_upload(params: dict[str, Any], **_: Any) -> None:
        uploads.append(params["Key"])

    client.meta.events.register("provide-client-params.s3.PutObject", count_upload)
    store = S3Store(parsed.bucket, parsed.prefix, client=client)
    try:
        await store.put(sha(HWP), HWP)
        await store.put(sha(HWP), HWP)
    finally:
        client.meta.events.unregister("provide-client-params.s3.PutObject", count_upload)
        await store.close()

    assert uploads == [f"attachments/{sha(HWP)[:2]}/{sha(HWP)[2:4]}/{sha(HWP)}"]
    assert bucket_keys(s3_url) == uploads


async def test_describe_names_the_place_and_never_the_credentials(
    s3_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_id, secret = "AKIAPAPERWORKTEST7Q2X", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPAPERWORK"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    s3 = store_from_url(s3_url, tmp_path)
    local = store_from_url(None, tmp_path / "files")
    try:
        await s3.put(sha(PDF), PDF)  # the keys from the environment are the ones in use
        assert await s3.get(sha(PDF)) == PDF
        where = s3_url.split("?")[0]

        assert s3.describe() == f"{where} (endpoint {endpoint_url_of(s3_url)}, region us-east-1)"
        assert local.describe() == f"local directory {tmp_path / 'files'}"
        for description in (s3.describe(), local.describe()):
            assert key_id not in description
            assert secret not in description
    finally:
        await s3.close()


# --- the one setting: PAPERWORK_FILES_URL ---


@pytest.mark.parametrize("url", [None, "", "  "])
async def test_no_url_stores_under_the_files_dir(url: str | None, tmp_path: Path) -> None:
    store = store_from_url(url, tmp_path / "files")

    await store.put(sha(HWP), HWP)

    assert _files(tmp_path / "files") == [f"{sha(HWP)[:2]}/{sha(HWP)[2:4]}/{sha(HWP)}"]


async def test_file_url_stores_at_its_path(tmp_path: Path) -> None:
    target = tmp_path / "첨부 파일"  # percent-encoded in the URL: file:///…/%EC%B2%A8…
    store = store_from_url(target.as_uri(), tmp_path / "unused")

    await store.put(sha(HWP), HWP)

    assert _files(target) == [f"{sha(HWP)[:2]}/{sha(HWP)[2:4]}/{sha(HWP)}"]
    assert not (tmp_path / "unused").exists()


def test_s3_url_gives_bucket_prefix_endpoint_and_region(tmp_path: Path) -> None:
    store = store_from_url(
        "s3://paperwork-files/prod/attachments/?endpoint_url=http://127.0.0.1:9000"
        "&region=ap-northeast-2",
        tmp_path,
    )

    assert isinstance(store, S3Store)
    assert store.key_for(sha(HWP)) == f"prod/attachments/{sha(HWP)[:2]}/{sha(HWP)[2:4]}/{sha(HWP)}"
    assert store.describe() == (
        "s3://paperwork-files/prod/attachments (endpoint http://127.0.0.1:9000, "
        "region ap-northeast-2)"
    )


def test_s3_url_with_only_a_bucket_uses_aws_and_no_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore would take a developer's own endpoint from these.
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/paperwork-test/aws-config")
    store = store_from_url("s3://paperwork-files?region=ap-northeast-2", tmp_path)

    assert isinstance(store, S3Store)
    assert store.key_for(sha(HWP)) == f"{sha(HWP)[:2]}/{sha(HWP)[2:4]}/{sha(HWP)}"
    assert store.describe().startswith("s3://paperwork-files (endpoint https://")
    assert "amazonaws.com" in store.describe()


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("ftp://x", "unsupported URL"),
        ("https://example.com/files", "unsupported URL"),
        ("data/files", "unsupported URL"),
        ("/var/lib/paperwork/files", "unsupported URL"),
        ("s3://", "needs a bucket"),
        ("s3:///attachments", "needs a bucket"),
        ("s3://bucket:9000/attachments", "not an S3 bucket name"),
        ("s3://bucket/../attachments", "'..'"),
        ("s3://bucket?endpoint=http://127.0.0.1:9000", "unknown s3:// parameter 'endpoint'"),
        ("s3://bucket?endpoint_url=ftp://127.0.0.1", "http:// or https://"),
        ("s3://bucket?region=", "with a value"),
        ("s3://bucket?region=a&region=b", "once"),
        ("s3://bucket#frag", "fragment"),
        ("file://relative/files", "absolute path"),
        ("file:relative/files", "absolute path"),
        ("file:///srv/files?mode=fast", "no ?query"),
    ],
)
def test_unusable_urls_are_refused(url: str, complaint: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=complaint.replace("?", r"\?")):
        store_from_url(url, tmp_path)


def test_an_unsupported_url_is_told_the_accepted_forms(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as raised:
        store_from_url("ftp://x", tmp_path)

    message = str(raised.value)
    assert "PAPERWORK_FILES_URL" in message
    assert "file:///" in message and "s3://bucket" in message and "endpoint_url" in message


@pytest.mark.parametrize(
    "url",
    [
        "s3://AKIAPAPERWORKTEST7Q2X:wJalrXUtnFEMIsecret@paperwork-files/attachments",
        "s3://paperwork-files?endpoint_url=http://minio:wJalrXUtnFEMIsecret@127.0.0.1:9000",
    ],
)
def test_credentials_in_the_url_are_refused_without_being_repeated(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="AWS_ACCESS_KEY_ID") as raised:
        store_from_url(url, tmp_path)

    assert "wJalrXUtnFEMIsecret" not in str(raised.value)
    assert "AKIAPAPERWORKTEST7Q2X" not in str(raised.value)
