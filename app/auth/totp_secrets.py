"""Second-factor secrets encrypted at rest (AES-256-GCM under a key derived from the storage key).

A TOTP secret lets anyone who reads it make valid codes, so the database holds only this
sealed form: ``v1$<key id>$<nonce and ciphertext, base64>``. The key is derived (HKDF) from
the same keys that encrypt stored documents, so rotating DILIGENCE_STORAGE_KEY (with the old
key kept in DILIGENCE_STORAGE_PREVIOUS_KEYS) keeps every secret readable. The ciphertext is
bound to its account: a sealed secret copied onto another account does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
_NONCE_BYTES = 12
_INFO = b"diligence totp secret v1"


class SecretUnreadable(ValueError):
    """A sealed secret cannot be opened: altered, or under a key no longer configured."""


def _derive(root: bytes) -> tuple[str, bytes]:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(root)
    return hashlib.sha256(b"diligence-totp-key\x00" + key).hexdigest()[:8], key


def _bound_to(user_id: int) -> bytes:
    return f"staff_user:{user_id}".encode()


def is_sealed(stored: str) -> bool:
    """Tell whether a stored value has the sealed form (rather than a plain secret)."""
    return stored.startswith(f"{VERSION}$")


def under_current_key(keys: list[bytes], stored: str) -> bool:
    """Tell whether a sealed value was sealed under the current key (the first of ``keys``)."""
    return stored.split("$")[1:2] == [_derive(keys[0])[0]]


def seal(keys: list[bytes], user_id: int, secret: str) -> str:
    """Encrypt a secret for one account under the current key (the first of ``keys``)."""
    key_id, key = _derive(keys[0])
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), _bound_to(user_id))
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{VERSION}${key_id}${body}"


def unseal(keys: list[bytes], user_id: int, stored: str) -> str:
    """Return the secret a sealed value holds; raise SecretUnreadable when it cannot be opened."""
    version, _, rest = stored.partition("$")
    key_id, _, body = rest.partition("$")
    if version != VERSION or not body:
        raise SecretUnreadable("the second-factor secret is not in the sealed form")
    derived = dict(_derive(root) for root in keys)
    if key_id not in derived:
        raise SecretUnreadable("the second-factor secret was sealed under a key no longer set")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = AESGCM(derived[key_id]).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _bound_to(user_id)
        )
    except (InvalidTag, binascii.Error, ValueError):
        raise SecretUnreadable("the second-factor secret does not open") from None
    return plain.decode()
