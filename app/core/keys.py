"""The keys that encrypt data at rest: the configured storage keys, else a development key.

Stored documents and second-factor secrets are encrypted under these keys (each use derives
its own key from them). The current key comes first; older ones, kept in
DILIGENCE_STORAGE_PREVIOUS_KEYS after a rotation, are still accepted for reading. Outside
production a missing key is replaced by one derived from the secret key or, without that, by
a random key kept beside the files so that a restart can still read them.
"""

from __future__ import annotations

import contextlib
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.config import Environment, Settings

KEY_BYTES = 32
_DEV_KEY_FILE = ".storage-key"


def _development_key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=None,
            info=b"diligence document storage kek v1",
        ).derive(settings.secret_key.get_secret_value().encode())
    # No secret at all: keep a generated key beside the files so restarts can still read them.
    path = settings.storage_dir / _DEV_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f"{_DEV_KEY_FILE}.{secrets.token_hex(8)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(KEY_BYTES))
        # link() never replaces: when two processes race, the first key written wins for both.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return bytes.fromhex(path.read_text().strip())


def encryption_keys(settings: Settings) -> list[bytes]:
    """Return the keys for data at rest, the current one first (never empty).

    Raises RuntimeError in production when DILIGENCE_STORAGE_KEY is not set.
    """
    configured = settings.storage_keys()
    if configured:
        return configured
    if settings.env is Environment.production:
        raise RuntimeError("DILIGENCE_STORAGE_KEY must be set in production")
    return [_development_key(settings)]
