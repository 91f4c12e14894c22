"""The configured document storage: a local directory or an S3-compatible bucket, encrypting."""

from __future__ import annotations

import logging

from app.core.config import Settings, StorageBackend
from app.reports.s3 import S3Storage, s3_client
from app.reports.storage import DocumentStorage, LocalStorage, keyring_from_settings

logger = logging.getLogger(__name__)


def get_storage(settings: Settings) -> DocumentStorage:
    """Return the configured storage backend (local directory or S3-compatible), encrypting."""
    keys = keyring_from_settings(settings)
    if settings.storage_backend is StorageBackend.s3:
        client = s3_client(
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=(
                settings.s3_secret_access_key.get_secret_value()
                if settings.s3_secret_access_key
                else ""
            ),
        )
        return S3Storage(
            client,
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix,
            staging_dir=settings.storage_dir,
            keys=keys,
        )
    return LocalStorage(settings.storage_dir, keys)


def storage_problem(settings: Settings) -> str | None:
    """Return why the configured document storage cannot be used now, or None (readiness)."""
    try:
        storage = get_storage(settings)
    except (RuntimeError, ValueError) as exc:
        logger.warning("document storage is misconfigured: %s", exc)
        return "document storage misconfigured"
    except OSError as exc:  # the development key lives in the storage directory
        logger.warning("document storage directory unusable: %s", type(exc).__name__)
        return "storage directory cannot be used"
    return storage.check()
