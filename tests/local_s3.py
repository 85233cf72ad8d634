"""A real S3 API on 127.0.0.1 for the content-store tests: moto's server mode, so boto3 speaks
HTTP to it exactly as to AWS or MinIO. The ``s3_url`` fixture gives each test a fresh, empty
bucket and the ``PAPERWORK_FILES_URL`` that points at it, with dummy credentials in the
environment for the test's duration:

    def test_x(s3_url, tmp_path):      # s3://paperwork-test-…/attachments?endpoint_url=…&region=…
        store = store_from_url(s3_url, tmp_path)
        bucket_keys(s3_url)            # every key in the bucket, sorted

One server serves the whole pytest session (starting and stopping one costs about a second);
it is started by the first test that asks and stopped when the session ends, so importing the
``s3_url`` fixture alone is enough. Outside pytest, ``local_s3()`` is the same as a context
manager with a server of its own (and it sets no environment).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from local_servers import LOCALHOST

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "us-east-1"
ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"


@functools.cache
def s3_client(endpoint_url: str) -> S3Client:
    """A boto3 client for the emulator at ``endpoint_url``, dummy credentials passed explicitly
    (cached: building one loads the whole S3 API model, about 0.3 s)."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


def endpoint_url_of(url: str) -> str:
    """The ``endpoint_url`` parameter of an ``s3://`` URL of this module."""
    return parse_qs(urlsplit(url).query)["endpoint_url"][0]


def bucket_keys(url: str) -> list[str]:
    """Every object key in the bucket an ``s3://…?endpoint_url=…`` URL names, sorted."""
    parts = urlsplit(url)
    client = s3_client(endpoint_url_of(url))
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=parts.netloc)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


class S3Emulator:
    """A moto S3 server on 127.0.0.1. Port 0: the OS picks a free port at bind time, so no
    other process can take it between a probe and the bind."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address=LOCALHOST, port=0, verbose=False)
        self.endpoint_url = ""

    def start(self) -> None:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()

    @contextmanager
    def bucket(self, prefix: str = "attachments") -> Iterator[str]:
        """A fresh, empty bucket; yields its ``s3://bucket/prefix?endpoint_url=…`` URL and
        deletes it afterwards. moto keeps buckets in process-wide memory shared by all its
        servers, hence the unique name and the clean-up."""
        client = s3_client(self.endpoint_url)
        bucket = f"paperwork-test-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=bucket)
        query = urlencode({"endpoint_url": self.endpoint_url, "region": REGION}, safe=":/")
        url = f"s3://{bucket}/{prefix}?{query}"
        try:
            yield url
        finally:
            for key in bucket_keys(url):
                client.delete_object(Bucket=bucket, Key=key)
            client.delete_bucket(Bucket=bucket)


@contextmanager
def local_s3(prefix: str = "attachments") -> Iterator[str]:
    """A server of its own with one fresh bucket; yields the bucket's ``s3://`` URL."""
    emulator = S3Emulator()
    emulator.start()
    try:
        with emulator.bucket(prefix) as url:
            yield url
    finally:
        emulator.stop()


_EMULATOR = pytest.StashKey[S3Emulator]()


def _session_emulator(config: pytest.Config) -> S3Emulator:
    # Kept on the config rather than in a session fixture, so that ``s3_url`` is the only name
    # a conftest or test module has to import.
    if _EMULATOR not in config.stash:
        emulator = S3Emulator()
        emulator.start()
        config.add_cleanup(emulator.stop)
        config.stash[_EMULATOR] = emulator
    return config.stash[_EMULATOR]


@pytest.fixture
def s3_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``s3://bucket/attachments?endpoint_url=http://127.0.0.1:PORT&region=us-east-1``: an
    empty bucket on the running emulator; boto3's credential chain finds dummy keys."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # A developer's own AWS setup must not leak in (a profile, a session token, an endpoint).
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/paperwork-test/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/paperwork-test/aws-credentials")
    with _session_emulator(request.config).bucket() as url:
        yield url
