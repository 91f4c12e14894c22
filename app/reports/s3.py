"""Documents in S3-compatible object storage (AWS S3, MinIO, Ceph, …), encrypted before upload."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.reports.crypto import KeyRing
from app.reports.storage import StagingStorage, StorageUnavailable

logger = logging.getLogger(__name__)
_MISSING = {"NoSuchKey", "404", "NotFound"}


@lru_cache(maxsize=8)
def s3_client(*, endpoint_url: str, region: str, access_key_id: str, secret_access_key: str) -> Any:
    """Return a (thread-safe, shared) S3 client; empty values fall back to boto3's defaults."""
    credentials: dict[str, str] = {}
    if access_key_id:
        credentials = {
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key,
        }
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or None,
        config=Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 4, "mode": "standard"},
            s3={"addressing_style": "path"} if endpoint_url else {},
        ),
        **credentials,
    )


class S3Storage(StagingStorage):
    """Objects at ``s3://bucket/prefix/ab/abcdef…``; uploads are staged and encrypted locally."""

    def __init__(
        self, client: Any, *, bucket: str, prefix: str, staging_dir: Path, keys: KeyRing | None
    ) -> None:
        super().__init__(staging_dir, keys)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def object_name(self, key: str) -> str:
        """Return the object name of a storage key inside the bucket."""
        return f"{self.prefix}{key[:2]}/{key}"

    def _put(self, key: str, path: Path) -> None:
        try:
            self.client.upload_file(
                str(path),
                self.bucket,
                self.object_name(key),
                ExtraArgs={"ContentType": "application/octet-stream"},
            )
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"The document could not be stored: {exc}") from None

    def check(self) -> str | None:
        """Return why documents cannot be stored right now (staging or bucket), or None."""
        problem = super().check()
        if problem is not None:
            return problem
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            logger.warning("storage check failed: bucket %s: %s", self.bucket, type(exc).__name__)
            return "object storage unreachable"
        return None

    def _get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_name(key))
            body: bytes = response["Body"].read()
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in _MISSING:
                raise FileNotFoundError(f"no stored object for document {key[:12]}") from None
            raise StorageUnavailable(f"The document could not be fetched: {exc}") from None
        except BotoCoreError as exc:
            raise StorageUnavailable(f"The document could not be fetched: {exc}") from None
        return body

    def stored_objects(self) -> Iterator[tuple[str, datetime]]:
        """Yield the key and last-modified time of every object under the prefix."""
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    name = str(item["Key"]).rsplit("/", 1)[-1]
                    if len(name) == 64:
                        yield name, item["LastModified"]
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"The stored documents could not be listed: {exc}") from None

    def _delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"The document could not be removed: {exc}") from None
