"""A real S3-compatible server (moto in server mode) on a free loopback port."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

S3_ACCESS_KEY = "testing-access-key"
S3_SECRET_KEY = "testing-secret-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    # One bucket per test and database: the name is cut short, so a digest keeps them apart.
    digest = hashlib.sha256(request.node.name.encode()).hexdigest()[:8]
    name = "diligence-" + request.node.name.replace("_", "-").lower()[:40].strip("-") + "-" + digest
    s3_admin(s3_endpoint).create_bucket(Bucket=name)
    return name


def s3_admin(endpoint: str):
    """Return a plain boto3 client on the test server, to look behind the storage's back."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
    )
