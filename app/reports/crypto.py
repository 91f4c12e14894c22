"""Envelope encryption of stored documents: AES-256-GCM in chunks under a per-file key.

Every stored object starts with a fixed header and is followed by the encrypted chunks::

    magic "DLGE" | version (1) | chunk size (4) | nonce prefix (8) | KEK id (8) | wrapped DEK (40)

Each chunk is ``AES-256-GCM(DEK, nonce = prefix ‖ index, AAD = header core ‖ index ‖ is_last)``.
The AAD binds every chunk to its position and marks the final one, so a reordered, dropped or
truncated chunk fails authentication. The DEK is wrapped with AES key wrap (RFC 3394) under a
key-encryption key (KEK); the wrapped DEK and KEK id are left out of the AAD so that rotating the
KEK only rewrites the header.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

MAGIC = b"DLGE"
ALGORITHM_VERSION = 1
DEFAULT_CHUNK_SIZE = 1024 * 1024
KEY_BYTES = 32
TAG_BYTES = 16
_CORE = struct.Struct(">4sBI8s")  # magic, version, chunk size, nonce prefix
_KEY_ID_BYTES = 8
_WRAPPED_BYTES = KEY_BYTES + 8
HEADER_BYTES = _CORE.size + _KEY_ID_BYTES + _WRAPPED_BYTES
_MAX_CHUNKS = 2**32


class EnvelopeError(ValueError):
    """A stored object cannot be decrypted: tampered, truncated, or under an unknown key."""


def key_id(kek: bytes) -> bytes:
    """Return the short public fingerprint that names a KEK inside object headers."""
    return hashlib.sha256(b"diligence-storage-kek\x00" + kek).digest()[:_KEY_ID_BYTES]


class KeyRing:
    """The current KEK (used to wrap new DEKs) and older ones still accepted for reading."""

    def __init__(self, current: bytes, previous: tuple[bytes, ...] = ()) -> None:
        for kek in (current, *previous):
            if len(kek) != KEY_BYTES:
                raise ValueError("storage keys are 32 bytes (256 bits)")
        self.current = current
        self.current_id = key_id(current)
        self._by_id = {key_id(kek): kek for kek in (*previous, current)}

    def find(self, wanted: bytes) -> bytes:
        """Return the KEK with this id, or raise when no configured key matches."""
        try:
            return self._by_id[wanted]
        except KeyError:
            raise EnvelopeError(
                f"the object was encrypted with an unknown storage key (id {wanted.hex()})"
            ) from None


@dataclass(frozen=True)
class Header:
    """What a reader needs to decrypt an object, as stored at its start."""

    version: int
    chunk_size: int
    nonce_prefix: bytes
    kek_id: bytes
    wrapped_dek: bytes

    def core(self) -> bytes:
        """Return the authenticated part of the header (everything but the key material)."""
        return _CORE.pack(MAGIC, self.version, self.chunk_size, self.nonce_prefix)

    def to_bytes(self) -> bytes:
        """Serialise the header as it is stored."""
        return self.core() + self.kek_id + self.wrapped_dek

    @classmethod
    def parse(cls, data: bytes) -> Header:
        """Read a header from the first bytes of an object."""
        if len(data) < HEADER_BYTES or not data.startswith(MAGIC):
            raise EnvelopeError("the object is not an encrypted document")
        _, version, chunk_size, prefix = _CORE.unpack_from(data)
        if version != ALGORITHM_VERSION:
            raise EnvelopeError(f"unsupported encryption format version {version}")
        if chunk_size <= 0:
            raise EnvelopeError("the object header is damaged")
        rest = data[_CORE.size : HEADER_BYTES]
        return cls(version, chunk_size, prefix, rest[:_KEY_ID_BYTES], rest[_KEY_ID_BYTES:])


def is_encrypted(head: bytes) -> bool:
    """Tell whether stored bytes start like an encrypted object (older files are plaintext)."""
    return head.startswith(MAGIC)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(core: bytes, index: int, is_last: bool) -> bytes:
    return core + struct.pack(">I?", index, is_last)


class ChunkEncryptor:
    """Encrypts one object chunk by chunk under a fresh DEK; feed plaintext in order."""

    def __init__(self, keys: KeyRing, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        dek = AESGCM.generate_key(bit_length=256)
        self.header = Header(
            version=ALGORITHM_VERSION,
            chunk_size=chunk_size,
            nonce_prefix=os.urandom(8),
            kek_id=keys.current_id,
            wrapped_dek=aes_key_wrap(keys.current, dek),
        )
        self._aead = AESGCM(dek)
        self._core = self.header.core()
        self._index = 0
        self._finished = False

    def encrypt_chunk(self, plaintext: bytes, *, is_last: bool) -> bytes:
        """Encrypt the next chunk (at most chunk_size bytes); the final one says so."""
        if self._finished:
            raise ValueError("the object was already finished")
        if len(plaintext) > self.header.chunk_size:
            raise ValueError("chunk larger than the chunk size")
        if self._index >= _MAX_CHUNKS:
            raise ValueError("object too large for one encryption key")
        nonce = _nonce(self.header.nonce_prefix, self._index)
        sealed = self._aead.encrypt(nonce, plaintext, _aad(self._core, self._index, is_last))
        self._index += 1
        self._finished = is_last
        return sealed


def encrypt(plaintext: bytes, keys: KeyRing, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> bytes:
    """Encrypt a whole object held in memory."""
    encryptor = ChunkEncryptor(keys, chunk_size=chunk_size)
    pieces = [encryptor.header.to_bytes()]
    chunks = [plaintext[i : i + chunk_size] for i in range(0, len(plaintext), chunk_size)] or [b""]
    for index, chunk in enumerate(chunks):
        pieces.append(encryptor.encrypt_chunk(chunk, is_last=index == len(chunks) - 1))
    return b"".join(pieces)


def _sealed_chunks(body: bytes, sealed_size: int) -> Iterator[tuple[int, bytes, bool]]:
    if len(body) < TAG_BYTES:
        raise EnvelopeError("the object is truncated")
    count = max(1, -(-len(body) // sealed_size))
    for index in range(count):
        yield index, body[index * sealed_size : (index + 1) * sealed_size], index == count - 1


def decrypt(blob: bytes, keys: KeyRing) -> bytes:
    """Decrypt a stored object; raise EnvelopeError if any byte was changed, moved or cut."""
    header = Header.parse(blob)
    try:
        dek = aes_key_unwrap(keys.find(header.kek_id), header.wrapped_dek)
    except InvalidUnwrap:
        raise EnvelopeError("the object's data key does not unwrap (damaged header)") from None
    aead = AESGCM(dek)
    core = header.core()
    plain: list[bytes] = []
    sealed_size = header.chunk_size + TAG_BYTES
    for index, sealed, is_last in _sealed_chunks(blob[HEADER_BYTES:], sealed_size):
        if len(sealed) < TAG_BYTES:
            raise EnvelopeError("the object is truncated")
        try:
            nonce = _nonce(header.nonce_prefix, index)
            plain.append(aead.decrypt(nonce, sealed, _aad(core, index, is_last)))
        except InvalidTag:
            raise EnvelopeError(
                f"chunk {index} failed authentication (changed, reordered or truncated)"
            ) from None
    return b"".join(plain)


def rewrap(header_bytes: bytes, keys: KeyRing) -> bytes:
    """Return the header re-wrapped under the current KEK (key rotation rewrites only this)."""
    header = Header.parse(header_bytes)
    try:
        dek = aes_key_unwrap(keys.find(header.kek_id), header.wrapped_dek)
    except InvalidUnwrap:
        raise EnvelopeError("the object's data key does not unwrap (damaged header)") from None
    return Header(
        header.version,
        header.chunk_size,
        header.nonce_prefix,
        keys.current_id,
        aes_key_wrap(keys.current, dek),
    ).to_bytes()
