"""Documents in S3-compatible storage: encrypted objects, checked on read, behind the same API."""

from __future__ import annotations

import io
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from fastapi.testclient import TestClient
from sqlmodel import select

from app.core.config import Environment, Settings, StorageBackend
from app.main import create_app
from app.reports.crypto import HEADER_BYTES
from app.reports.models import Document, ExtractionStatus
from app.reports.s3 import S3Storage
from app.reports.storage import (
    CHUNK,
    DocumentIntegrityError,
    Rewrapped,
    StagedFile,
    StorageUnavailable,
    keyring_from_settings,
)
from app.reports.storage_backends import get_storage
from tests.factories import csrf_token, make_user, make_vendor, post_form, sign_in

from .conftest import S3_ACCESS_KEY, S3_SECRET_KEY, s3_admin

CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"
STORAGE_KEY = "11" * 32


def _named_by_hash(staged: StagedFile) -> tuple[StagedFile, str]:
    """Name an object by its SHA-256, as before random names: read() then needs no hash."""
    return staged, staged.sha256


def _s3_settings(tmp_path: Path, endpoint: str, bucket: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "env": Environment.test,
        "storage_dir": tmp_path / "staging",
        "storage_backend": StorageBackend.s3,
        "storage_key": STORAGE_KEY,
        "s3_bucket": bucket,
        "s3_endpoint_url": endpoint,
        "s3_region": "us-east-1",
        "s3_access_key_id": S3_ACCESS_KEY,
        "s3_secret_access_key": S3_SECRET_KEY,
    }
    return Settings(**(values | extra))  # type: ignore[arg-type]


def _only_object(endpoint: str, bucket: str) -> tuple[str, bytes]:
    admin = s3_admin(endpoint)
    (entry,) = admin.list_objects_v2(Bucket=bucket)["Contents"]
    return entry["Key"], admin.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()


def test_a_report_stored_in_s3_is_ciphertext_and_reads_back_intact(
    tmp_path, s3_endpoint, s3_bucket
):
    storage = get_storage(_s3_settings(tmp_path, s3_endpoint, s3_bucket))
    assert isinstance(storage, S3Storage)
    report = (CORPUS / "a01.pdf").read_bytes()
    key = storage.commit(*_named_by_hash(storage.stage(io.BytesIO(report), max_bytes=10 * CHUNK)))
    name, stored = _only_object(s3_endpoint, s3_bucket)
    assert name == f"documents/{key[:2]}/{key}"
    assert not stored.startswith(b"%PDF-")
    assert storage.read(key) == report
    assert list((tmp_path / "staging" / "tmp").iterdir()) == []


def test_an_object_changed_in_the_bucket_is_refused(tmp_path, s3_endpoint, s3_bucket):
    storage = get_storage(_s3_settings(tmp_path, s3_endpoint, s3_bucket))
    key = storage.commit(
        *_named_by_hash(storage.stage(io.BytesIO(b"%PDF-1.4\n" + b"z" * 5000), max_bytes=CHUNK))
    )
    name, stored = _only_object(s3_endpoint, s3_bucket)
    tampered = stored[:-1] + bytes([stored[-1] ^ 0xFF])
    s3_admin(s3_endpoint).put_object(Bucket=s3_bucket, Key=name, Body=tampered)
    with pytest.raises(DocumentIntegrityError, match="failed authentication"):
        storage.read(key)


def test_a_missing_object_is_reported_as_missing(tmp_path, s3_endpoint, s3_bucket):
    storage = get_storage(_s3_settings(tmp_path, s3_endpoint, s3_bucket))
    with pytest.raises(FileNotFoundError):
        storage.read("ab" * 32)


def test_an_unreachable_s3_server_is_a_clear_503_not_a_crash(tmp_path):
    # A one-shot client (the configured one retries with backoff) keeps the test quick.
    client = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
    keys = keyring_from_settings(Settings(env=Environment.test, storage_key=STORAGE_KEY))
    storage = S3Storage(client, bucket="b", prefix="", staging_dir=tmp_path, keys=keys)
    staged = storage.stage(io.BytesIO(b"%PDF-1.4 small"), max_bytes=CHUNK)
    with pytest.raises(StorageUnavailable) as raised:
        storage.commit(staged, staged.sha256)
    assert raised.value.status_code == 503
    assert not staged.path.exists()
    with pytest.raises(StorageUnavailable):
        storage.read("cd" * 32)


@pytest.fixture
def settings(database_url, tmp_path, s3_endpoint, s3_bucket):
    """The application's settings for these tests: documents go to the S3 test server."""
    return _s3_settings(
        tmp_path, s3_endpoint, s3_bucket, database_url=database_url, outbox_dir=tmp_path / "out"
    )


def test_a_staff_upload_goes_to_s3_encrypted_and_is_read_and_downloadable(
    client, session, settings, s3_endpoint, s3_bucket
):
    vendor = make_vendor(session)
    user = make_user(session)
    sign_in(client, user)
    token = csrf_token(client, f"/vendors/{vendor.id}")
    report = (CORPUS / "a01.pdf").read_bytes()
    response = client.post(
        f"/vendors/{vendor.id}/documents",
        data={"csrf_token": token},
        files={"file": ("soc2.pdf", report, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    document = session.exec(select(Document).where(Document.vendor_id == vendor.id)).one()
    assert document.extraction_status is ExtractionStatus.done
    _, stored = _only_object(s3_endpoint, s3_bucket)
    assert not stored.startswith(b"%PDF-")
    post_form(client, "/documents/acknowledge", {"accept": "yes", "next": "/"})
    page = client.get(f"/documents/{document.id}/download")
    assert page.status_code == 200
    assert page.content == report
    assert page.headers["content-disposition"].startswith("attachment")


def test_readiness_answers_503_while_the_bucket_is_unreachable(tmp_path, s3_endpoint, s3_bucket):
    ready = _s3_settings(tmp_path, s3_endpoint, s3_bucket)
    missing = _s3_settings(tmp_path, s3_endpoint, "diligence-no-such-bucket")
    with TestClient(create_app(ready)) as client:
        assert client.get("/readyz").json()["status"] == "ok"
    with TestClient(create_app(missing)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "object storage unreachable"}


def test_rewrap_rewrites_an_s3_object_under_the_new_key(tmp_path, s3_endpoint, s3_bucket):
    old_key, new_key = "22" * 32, "33" * 32
    before = get_storage(_s3_settings(tmp_path, s3_endpoint, s3_bucket, storage_key=old_key))
    report = (CORPUS / "a02.pdf").read_bytes()
    key = before.commit(*_named_by_hash(before.stage(io.BytesIO(report), max_bytes=10 * CHUNK)))
    _, old_bytes = _only_object(s3_endpoint, s3_bucket)
    rotated = _s3_settings(
        tmp_path, s3_endpoint, s3_bucket, storage_key=new_key, storage_previous_keys=[old_key]
    )

    assert get_storage(rotated).rewrap(key) is Rewrapped.rewrapped

    _, new_bytes = _only_object(s3_endpoint, s3_bucket)
    assert new_bytes[HEADER_BYTES:] == old_bytes[HEADER_BYTES:]  # only the header changed
    only_new = get_storage(_s3_settings(tmp_path, s3_endpoint, s3_bucket, storage_key=new_key))
    assert only_new.read(key) == report
    assert get_storage(rotated).rewrap(key) is Rewrapped.current
