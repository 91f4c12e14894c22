"""Where uploaded documents live: a private local directory, addressed by SHA-256."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024


class UploadTooLarge(Exception):
    """The upload is over the size limit."""


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

    def commit(self, staged: StagedFile) -> str:
        """Move a staged file into place and return its storage key."""

    def discard(self, staged: StagedFile) -> None:
        """Remove a staged file that will not be kept."""

    def read(self, key: str) -> bytes:
        """Return a stored document's bytes."""


class LocalStorage:
    """Files under ``root/ab/abcdef…`` (mode 0600), written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _tmp_dir(self) -> Path:
        path = self.root / "tmp"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def stage(self, source: BinaryIO, *, max_bytes: int) -> StagedFile:
        path = self._tmp_dir() / secrets.token_hex(16)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise UploadTooLarge(f"larger than {max_bytes // (1024 * 1024)} MB")
                    if len(head) < 16:
                        head = (head + chunk)[:16]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return StagedFile(path, digest.hexdigest(), size, head)

    def _final_path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("storage keys are SHA-256 hex digests")
        return self.root / key[:2] / key

    def commit(self, staged: StagedFile) -> str:
        final = self._final_path(staged.sha256)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(staged.path, final)
        return staged.sha256

    def discard(self, staged: StagedFile) -> None:
        staged.path.unlink(missing_ok=True)

    def read(self, key: str) -> bytes:
        return self._final_path(key).read_bytes()
