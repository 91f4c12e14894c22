"""Where uploaded documents live: a storage backend, under random names, encrypted at rest.

Uploads are encrypted while they stream in (see ``app.reports.crypto``), so the plaintext
never touches the disk; ``read`` decrypts and refuses bytes whose SHA-256 differs from the one
recorded for the document. Objects are named by random keys, so someone with access to the
disk cannot tell whether a known report is stored by hashing it; objects stored before that
are named by their SHA-256 and are still read (the key is then also the expected hash). Files
written before encryption was introduced are plaintext and are still read (and checked).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

from app.core.config import Settings
from app.core.errors import ServiceUnavailable, StorageFull
from app.core.keys import encryption_keys
from app.reports.crypto import (
    DEFAULT_CHUNK_SIZE,
    HEADER_BYTES,
    ChunkEncryptor,
    EnvelopeError,
    Header,
    KeyRing,
    decrypt,
    is_encrypted,
)
from app.reports.crypto import rewrap as rewrap_header

logger = logging.getLogger(__name__)
CHUNK = DEFAULT_CHUNK_SIZE
_HEAD_BYTES = 16


class UploadTooLarge(Exception):
    """The upload is over the size limit."""


class DocumentIntegrityError(ValueError):
    """The stored copy of a document cannot be decrypted or no longer matches its SHA-256."""


class StorageUnavailable(ServiceUnavailable):
    code = "storage_unavailable"
    title = "Document storage is unavailable"


@dataclass(frozen=True)
class StagedFile:
    """An upload copied to a private temporary file, with what was learned while copying."""

    path: Path
    sha256: str
    size: int
    head: bytes


class DocumentStorage(Protocol):
    def stage(self, source: BinaryIO, *, max_bytes: int) -> StagedFile:
        """Copy an upload to a private temporary file, hashing it and enforcing the limit."""

    def commit(self, staged: StagedFile, key: str | None = None) -> str:
        """Move a staged file into place under ``key`` (a new random one if None); return it."""

    def discard(self, staged: StagedFile) -> None:
        """Remove a staged file that will not be kept."""

    def read(self, key: str, *, sha256: str | None = None) -> bytes:
        """Return a stored document's bytes, checked against its SHA-256 (default: the key)."""

    def stored_objects(self) -> Iterator[tuple[str, datetime]]:
        """Yield the key and last-modified time of every stored object."""

    def staged_files(self) -> Iterator[tuple[str, datetime]]:
        """Yield the name and last-modified time of every file in the staging area."""

    def discard_staged(self, name: str) -> None:
        """Remove a staging file left by an upload that never finished (gone already: fine)."""

    def check(self) -> str | None:
        """Return why documents cannot be stored or read right now, or None when they can."""

    def rewrap(self, key: str) -> Rewrapped:
        """Wrap a stored object's data key under the current storage key."""

    def delete(self, key: str) -> None:
        """Remove a stored object that no document refers to any more (gone already: fine)."""


_FULL = (errno.ENOSPC, errno.EDQUOT)
FULL_MESSAGE = (
    "The server has no room to store files right now, so nothing was saved. "
    "Please try again later; the administrators have been told."
)


def _refuse_if_full(exc: OSError) -> None:
    """Turn a full disk into a plain refusal (507); any other OS error stays what it is."""
    if exc.errno in _FULL:
        logger.error("document storage is full: %s", exc.strerror)
        raise StorageFull(FULL_MESSAGE) from exc


def check_key(key: str) -> str:
    """Return the key if it has the form of a storage key: 64 lowercase hex digits.

    Keys never come from client input; the form keeps any key from naming a path elsewhere.
    """
    if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
        raise ValueError("storage keys are 64 hex digits")
    return key


def new_key() -> str:
    """Return a random name for a new stored object (it says nothing about the content)."""
    return secrets.token_hex(32)


def _read_full(source: BinaryIO, size: int) -> bytes:
    # Streams may return short reads; a chunk must be full unless the stream has ended.
    parts: list[bytes] = []
    wanted = size
    while wanted > 0 and (piece := source.read(wanted)):
        parts.append(piece)
        wanted -= len(piece)
    return b"".join(parts)


def _chunks(source: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    current = _read_full(source, CHUNK)
    while True:
        following = _read_full(source, CHUNK) if len(current) == CHUNK else b""
        yield current, not following
        if not following:
            return
        current = following


class Rewrapped(StrEnum):
    """What re-wrapping one stored object did."""

    rewrapped = "rewrapped"
    current = "already current"
    plaintext = "stored before encryption"


class StagingStorage:
    """Stages uploads in a private local directory; subclasses say where committed objects go."""

    def __init__(self, staging_dir: Path, keys: KeyRing | None = None) -> None:
        self.staging_dir = staging_dir
        self.keys = keys

    def _tmp_dir(self) -> Path:
        path = self.staging_dir / "tmp"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def stage(self, source: BinaryIO, *, max_bytes: int) -> StagedFile:
        """Copy an upload to a private temporary file, encrypting, hashing and counting it."""
        path = self._tmp_dir() / secrets.token_hex(16)
        digest = hashlib.sha256()
        size = 0
        head = b""
        encryptor = ChunkEncryptor(self.keys) if self.keys is not None else None
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                if encryptor is not None:
                    out.write(encryptor.header.to_bytes())
                for chunk, is_last in _chunks(source):
                    size += len(chunk)
                    if size > max_bytes:
                        raise UploadTooLarge(f"larger than {max_bytes // (1024 * 1024)} MB")
                    head = head or chunk[:_HEAD_BYTES]
                    digest.update(chunk)
                    sealed = encryptor.encrypt_chunk(chunk, is_last=is_last) if encryptor else chunk
                    out.write(sealed)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            path.unlink(missing_ok=True)
            _refuse_if_full(exc)
            raise
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedFile(path, digest.hexdigest(), size, head)

    def discard(self, staged: StagedFile) -> None:
        """Remove a staged file that will not be kept."""
        staged.path.unlink(missing_ok=True)

    def staged_files(self) -> Iterator[tuple[str, datetime]]:
        """Yield every file in the staging area: uploads under way, or left by a killed process."""
        for path in sorted(self._tmp_dir().iterdir()):
            if _is_staging_name(path.name):
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def discard_staged(self, name: str) -> None:
        """Remove a staging file left by an upload that never finished (gone already: fine)."""
        if not _is_staging_name(name):
            raise ValueError("not the name of a staging file")
        (self._tmp_dir() / name).unlink(missing_ok=True)

    def commit(self, staged: StagedFile, key: str | None = None) -> str:
        """Store a staged file under ``key`` (a new random one if None) and return the key."""
        key = check_key(key or new_key())
        try:
            self._put(key, staged.path)
        except OSError as exc:
            _refuse_if_full(exc)
            raise
        finally:
            staged.path.unlink(missing_ok=True)
        return key

    def read(self, key: str, *, sha256: str | None = None) -> bytes:
        """Return a document's plaintext; raise DocumentIntegrityError if it is not intact.

        ``sha256`` is the hash recorded for the document; objects stored under their hash may
        leave it out.
        """
        expected = sha256 or key
        stored = self._get(check_key(key))
        if is_encrypted(stored):
            if self.keys is None:
                raise DocumentIntegrityError(f"document {key[:12]} is encrypted; no key is set")
            try:
                content = decrypt(stored, self.keys)
            except EnvelopeError as exc:
                raise DocumentIntegrityError(f"document {key[:12]}: {exc}") from None
        else:
            content = stored
        if hashlib.sha256(content).hexdigest() != expected:
            raise DocumentIntegrityError(
                f"document {key[:12]}: the stored bytes no longer match their SHA-256"
            )
        return content

    def rewrap(self, key: str) -> Rewrapped:
        """Wrap a stored object's data key under the current storage key (after a rotation).

        Only the header changes; the encrypted chunks are written back as they were. Raises
        EnvelopeError when no configured key opens the object, FileNotFoundError when it is
        missing.
        """
        stored = self._get(check_key(key))
        if not is_encrypted(stored):
            return Rewrapped.plaintext
        if self.keys is None:
            raise EnvelopeError("the object is encrypted and no storage key is set")
        if Header.parse(stored).kek_id == self.keys.current_id:
            return Rewrapped.current
        header = rewrap_header(stored[:HEADER_BYTES], self.keys)
        self._replace(key, header + stored[HEADER_BYTES:])
        return Rewrapped.rewrapped

    def check(self) -> str | None:
        """Return why uploads cannot be staged right now, or None when they can."""
        try:
            staging = self._tmp_dir()
        except OSError:
            return "storage directory cannot be used"
        if not os.access(staging, os.W_OK | os.X_OK):
            return "storage directory is not writable"
        return None

    def delete(self, key: str) -> None:
        """Remove a stored object that no document refers to any more (gone already: fine)."""
        self._delete(check_key(key))

    def stored_objects(self) -> Iterator[tuple[str, datetime]]:
        """Yield the key and last-modified time of every stored object."""
        raise NotImplementedError

    def _put(self, key: str, path: Path) -> None:
        raise NotImplementedError

    def _get(self, key: str) -> bytes:
        raise NotImplementedError

    def _delete(self, key: str) -> None:
        raise NotImplementedError

    def _replace(self, key: str, data: bytes) -> None:
        """Overwrite a stored object at once: readers see the old bytes or the new, never half."""
        staged = self._tmp_dir() / secrets.token_hex(16)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            self._put(key, staged)
        finally:
            staged.unlink(missing_ok=True)


class LocalStorage(StagingStorage):
    """Objects under ``root/ab/abcdef…`` (mode 0600), written atomically."""

    def __init__(self, root: Path, keys: KeyRing | None = None) -> None:
        super().__init__(root, keys)
        self.root = root

    def _final_path(self, key: str) -> Path:
        return self.root / check_key(key)[:2] / key

    def _put(self, key: str, path: Path) -> None:
        final = self._final_path(key)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(path, final)

    def _get(self, key: str) -> bytes:
        return self._final_path(key).read_bytes()

    def _delete(self, key: str) -> None:
        self._final_path(key).unlink(missing_ok=True)

    def stored_objects(self) -> Iterator[tuple[str, datetime]]:
        """Yield every stored object (``ab/abcdef…`` files; staging is skipped)."""
        for folder in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for path in sorted(folder.iterdir()):
                if path.name.startswith(folder.name) and _is_key(path.name):
                    yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _is_staging_name(name: str) -> bool:
    return len(name) == 32 and all(c in "0123456789abcdef" for c in name)


def _is_key(name: str) -> bool:
    try:
        check_key(name)
    except ValueError:
        return False
    return True


def keyring_from_settings(settings: Settings) -> KeyRing:
    """Return the key-encryption keys: the configured ones, else a development key."""
    keys = encryption_keys(settings)
    return KeyRing(keys[0], tuple(keys[1:]))


__all__ = [
    "DocumentIntegrityError",
    "DocumentStorage",
    "LocalStorage",
    "Rewrapped",
    "StagedFile",
    "StagingStorage",
    "StorageUnavailable",
    "UploadTooLarge",
    "keyring_from_settings",
    "new_key",
]
