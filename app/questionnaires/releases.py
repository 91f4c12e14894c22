"""Which versions are released: `released.json` in the library folder, written by the app.

A released version is sendable and its file never changes again (the manifest holds its
sha256); any other version file is a draft. Releasing is the only writer of the manifest: it
takes a lock, reads, adds one entry and replaces the file atomically, so two releases at once
never lose one. A library folder without a manifest predates drafts: all of it is released.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from app.questionnaires.domain.definition import content_hash
from app.questionnaires.loader import definition_files

MANIFEST: Final = "released.json"
_LOCK: Final = ".released.lock"


# The manifest as last read, by path, with the file's identity (inode, mtime, size) then.
# Releasing replaces the file, so a changed identity means the manifest must be read again;
# a portal save asks whether its version is released twice and no longer parses the file.
_read: dict[Path, tuple[tuple[int, int, int], dict[str, str]]] = {}


def manifest(root: Path) -> dict[str, str] | None:
    """Return `{"slug/vN": sha256}`, or None when the folder has no manifest."""
    path = root / MANIFEST
    try:
        found = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    identity = (found.st_ino, found.st_mtime_ns, found.st_size)
    cached = _read.get(path)
    if cached is None or cached[0] != identity:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = (
            {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}
        )
        cached = _read[path] = (identity, entries)
    return dict(cached[1])


def is_released(root: Path, slug: str, version: int) -> bool:
    """Tell whether a version is released (sendable, immutable)."""
    released = manifest(root)
    return released is None or f"{slug}/v{version}" in released


def released_numbers(root: Path, slug: str, versions: list[int]) -> list[int]:
    """Return the released ones among a slug's version numbers, ascending."""
    released = manifest(root)
    if released is None:
        return list(versions)
    return [number for number in versions if f"{slug}/v{number}" in released]


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / _LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_manifest(root: Path) -> None:
    """Before the first draft is written, list every existing version as released."""
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        if manifest(root) is not None:
            return
        released = {
            f"{path.parent.name}/{path.stem}": content_hash(path.read_bytes())
            for path in definition_files(root)
        }
        _write_manifest(root, released)


def _write_manifest(root: Path, released: dict[str, str]) -> None:
    text = json.dumps(dict(sorted(released.items())), indent=2) + "\n"
    handle, scratch = tempfile.mkstemp(dir=root, prefix=".released-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(scratch, root / MANIFEST)


def add_release(root: Path, slug: str, version: int, digest: str) -> bool:
    """Record a version as released; return False when it already was."""
    key = f"{slug}/v{version}"
    with _locked(root):
        released = manifest(root) or {}
        if key in released:
            return False
        released[key] = digest
        _write_manifest(root, released)
    return True
