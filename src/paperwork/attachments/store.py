"""The content store for attachment files: bytes addressed by their SHA-256, on a local disk
(``LocalStore``) or in an S3-compatible bucket (``S3Store``), picked by one setting
(``store_from_url``).

An object's name is its hash, so an object once stored is never rewritten: ``put`` of a hash that
is already there does nothing, and two workers storing the same file at once both succeed. Every
hash is validated (64 lowercase hex digits) before it becomes a path or a key, which is what keeps
a hostile or garbled hash from walking out of the store (``../../etc/passwd``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_SHA256 = re.compile(r"[0-9a-f]{64}")
# What botocore itself accepts as a bucket name; checked here so a typo fails at start-up.
_BUCKET = re.compile(r"[A-Za-z0-9.\-_]{1,255}")
# head_object answers a missing key with a bare 404 (no body, so no "NoSuchKey" code).
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_ACCEPTED_FORMS = (
    "accepted forms: empty (files under PAPERWORK_FILES_DIR), file:///absolute/path, "
    "s3://bucket[/prefix][?endpoint_url=http://host:port&region=name]"
)


class FileMissing(LookupError):
    """No object with this hash is in the store."""

    def __init__(self, sha256: str) -> None:
        super().__init__(f"no stored file with sha256 {sha256}")
        self.sha256 = sha256


class ContentStore(Protocol):
    """Bytes addressed by their SHA-256 (64 lowercase hex digits; anything else is a
    ``ValueError`` before storage is touched)."""

    async def put(self, sha256: str, data: bytes) -> None:
        """Store ``data`` under its hash; nothing is written when it is already stored."""
        ...

    async def get(self, sha256: str) -> bytes:
        """The stored bytes; ``FileMissing`` when absent."""
        ...

    async def exists(self, sha256: str) -> bool: ...

    def describe(self) -> str:
        """Where the files go, for logs and /env-config: never a secret."""
        ...

    async def close(self) -> None: ...


def check_sha256(sha256: str) -> str:
    """The hash, if it is 64 lowercase hex digits; else ``ValueError``. ``fullmatch``, not
    ``match(...$)``: ``$`` would let a trailing newline through into a path."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest (64 lowercase hex digits): {sha256!r:.80}")
    return sha256


def _check_content(sha256: str, data: bytes) -> None:
    # An object is never rewritten, so bytes stored under the wrong hash would stay wrong for
    # good: refuse them instead.
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"the data's SHA-256 is not {sha256}")


def _fan_out(sha256: str) -> tuple[str, str, str]:
    # Two levels (65,536 directories) keep every directory small at millions of files.
    return sha256[:2], sha256[2:4], sha256


class LocalStore:
    """Files under ``root/ab/cd/<sha256>``, each written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root.joinpath(*_fan_out(check_sha256(sha256)))

    async def put(self, sha256: str, data: bytes) -> None:
        path = self.path_for(sha256)
        await asyncio.to_thread(self._put, path, sha256, data)

    async def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise FileMissing(sha256) from None

    async def exists(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return await asyncio.to_thread(path.is_file)

    def describe(self) -> str:
        return f"local directory {self.root.absolute()}"

    async def close(self) -> None:
        pass  # nothing is held open between calls

    @staticmethod
    def _put(path: Path, sha256: str, data: bytes) -> None:
        _check_content(sha256, data)
        if path.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # A private temp name in the same directory (so the rename stays on one filesystem):
        # a crash leaves at most a stray temp file, never a half file under the final name.
        temp = path.with_name(f".{sha256}.{secrets.token_hex(8)}.tmp")
        # os.open rather than mkstemp: mkstemp makes the file 0600, and a stored file should
        # get the umask's mode like any other (nginx or a second user may serve it).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            # Two writers racing here both succeed: each renames its own complete copy of the
            # same bytes over the name, and a reader sees one whole copy or the other.
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk; POSIX only (Windows cannot
    # open a directory as a file).
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3Store:
    """Objects ``<prefix>/ab/cd/<sha256>`` in an S3-compatible bucket. Credentials come from
    boto3's own chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an instance
    role), never from the settings URL; boto3 blocks, so every call runs in a thread.

    ``client`` is a ready boto3 client (``endpoint_url`` and ``region`` then go unused), which
    the caller keeps and closes. Other boto3 settings come from its usual environment variables
    (e.g. ``AWS_REQUEST_CHECKSUM_CALCULATION=when_required`` for an older S3-compatible
    service that refuses boto3's default checksums).
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        client: S3Client | None = None,
    ) -> None:
        if not _BUCKET.fullmatch(bucket):
            raise ValueError(
                f"not an S3 bucket name: {bucket!r:.80} (letters, digits, '.', '-', '_')"
            )
        self.bucket = bucket
        self.prefix = _clean_prefix(prefix)
        if endpoint_url is not None:
            _check_endpoint(endpoint_url)
        # A client passed in belongs to the caller, who closes it; one made here is ours.
        self._owns_client = client is None
        self._client = client or _make_client(endpoint_url, region)

    def key_for(self, sha256: str) -> str:
        return "/".join([*([self.prefix] if self.prefix else []), *_fan_out(check_sha256(sha256))])

    async def put(self, sha256: str, data: bytes) -> None:
        key = self.key_for(sha256)
        await asyncio.to_thread(self._put, key, sha256, data)

    async def get(self, sha256: str) -> bytes:
        key = self.key_for(sha256)
        try:
            return await asyncio.to_thread(self._get, key)
        except ClientError as error:
            if _is_missing(error):
                raise FileMissing(sha256) from None
            raise

    async def exists(self, sha256: str) -> bool:
        key = self.key_for(sha256)
        return await asyncio.to_thread(self._exists, key)

    def describe(self) -> str:
        # From the client, so it names the endpoint actually used (AWS's own when none was set);
        # the endpoint was checked to carry no user:password.
        where = "/".join([self.bucket, self.prefix]) if self.prefix else self.bucket
        meta = self._client.meta
        return f"s3://{where} (endpoint {meta.endpoint_url}, region {meta.region_name})"

    async def close(self) -> None:
        if self._owns_client:
            await asyncio.to_thread(self._client.close)

    def _put(self, key: str, sha256: str, data: bytes) -> None:
        _check_content(sha256, data)
        if self._exists(key):
            return
        self._client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def _get(self, key: str) -> bytes:
        body = self._client.get_object(Bucket=self.bucket, Key=key)["Body"]
        try:
            return body.read()
        finally:
            body.close()

    def _exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                return False
            raise  # 403 and the like: a misconfiguration to see, not "absent"
        return True


def _make_client(endpoint_url: str | None, region: str | None) -> S3Client:
    # Path-style addressing for a custom endpoint: MinIO and emulators answer at host/bucket,
    # and bucket.host would need a DNS name per bucket. A session of its own, because boto3's
    # default session is not thread-safe and these clients are used from worker threads.
    config = Config(s3={"addressing_style": "path"}) if endpoint_url else None
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url, region_name=region, config=config
    )


def _is_missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in _MISSING_CODES


def _clean_prefix(prefix: str) -> str:
    parts = [part for part in prefix.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise ValueError("an S3 key prefix cannot contain '.' or '..' segments")
    return "/".join(parts)


def _check_endpoint(endpoint_url: str) -> None:
    # The message never repeats the URL: a rejected one may be carrying a password.
    parts = urlsplit(endpoint_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("endpoint_url must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "endpoint_url cannot carry credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or a profile) instead"
        )


def store_from_url(url: str | None, files_dir: Path) -> ContentStore:
    """The store ``PAPERWORK_FILES_URL`` names (``files_dir`` is ``PAPERWORK_FILES_DIR``):

    - empty: ``LocalStore(files_dir)``
    - ``file:///absolute/path``: a ``LocalStore`` there
    - ``s3://bucket/optional/prefix?endpoint_url=http://127.0.0.1:9000&region=ap-northeast-2``:
      an ``S3Store`` (both query parameters optional; ``endpoint_url`` for MinIO and the like)

    Anything else is a ``ValueError`` naming the accepted forms, so the app refuses to start.
    Messages never repeat the URL, which may hold a password someone put there by mistake.
    """
    if url is None or not url.strip():
        return LocalStore(files_dir)
    parts = urlsplit(url.strip())
    if parts.scheme == "file":
        return _local_from_url(parts.netloc, parts.path, parts.query, parts.fragment)
    if parts.scheme == "s3":
        return _s3_from_url(parts.netloc, parts.path, parts.query, parts.fragment)
    scheme = f"scheme {parts.scheme!r:.20}" if parts.scheme else "no scheme"
    raise ValueError(f"PAPERWORK_FILES_URL: unsupported URL ({scheme}); {_ACCEPTED_FORMS}")


def _local_from_url(netloc: str, path: str, query: str, fragment: str) -> LocalStore:
    if netloc not in ("", "localhost") or not path.startswith("/"):
        raise ValueError(
            f"PAPERWORK_FILES_URL: a file URL needs an absolute path, file:///like/this; "
            f"{_ACCEPTED_FORMS}"
        )
    if query or fragment:
        raise ValueError("PAPERWORK_FILES_URL: a file URL takes no ?query or #fragment")
    return LocalStore(Path(unquote(path)))


def _s3_from_url(netloc: str, path: str, query: str, fragment: str) -> S3Store:
    if "@" in netloc:
        raise ValueError(
            "PAPERWORK_FILES_URL: an s3:// URL cannot carry credentials: set AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) instead"
        )
    if not netloc:
        raise ValueError(f"PAPERWORK_FILES_URL: an s3:// URL needs a bucket; {_ACCEPTED_FORMS}")
    if fragment:
        raise ValueError("PAPERWORK_FILES_URL: an s3:// URL takes no #fragment")
    options: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in ("endpoint_url", "region"):
            raise ValueError(
                f"PAPERWORK_FILES_URL: unknown s3:// parameter {name!r:.40} "
                "(known: endpoint_url, region)"
            )
        if name in options or not value:
            raise ValueError(f"PAPERWORK_FILES_URL: give {name} once, with a value")
        options[name] = value
    return S3Store(
        netloc,
        unquote(path),
        endpoint_url=options.get("endpoint_url"),
        region=options.get("region"),
    )
