"""The released questionnaire definitions in the configured library folder.

Released files never change, so a version once read is kept in memory; "latest" is looked
up afresh each time, so a newly imported version is used without a restart.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.core.config import get_settings
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.loader import (
    LoadedDefinition,
    definition_files,
    find_definition,
    released_versions,
)
from app.questionnaires.releases import is_released, manifest, released_numbers


def library_root() -> Path:
    """Return the folder holding the questionnaire definitions."""
    return get_settings().questionnaire_dir


@lru_cache(maxsize=128)
def _load(root: Path, slug: str, version: int) -> LoadedDefinition:
    return find_definition(root, slug, version)


def get_definition(slug: str, version: int | None = None) -> LoadedDefinition:
    """Return a definition version (the latest released one when no version is given)."""
    root = library_root()
    if version is None:
        versions = released_numbers(root, slug, released_versions(root, slug))
        if not versions:
            find_definition(root, slug)  # raises DefinitionNotFound when there is no file
            raise DefinitionNotFound(f"questionnaire '{slug}' has no released version yet")
        version = versions[-1]
    if not is_released(root, slug, version):
        return find_definition(root, slug, version)  # a draft may change: never cached
    return _load(root, slug, version)


def list_library() -> list[LoadedDefinition]:
    """Return every definition version, drafts included, by slug then version."""
    root = library_root()
    released = manifest(root)
    found = []
    for path in definition_files(root):
        slug, version = path.parent.name, int(path.stem[1:])
        if released is None or f"{slug}/v{version}" in released:
            found.append(_load(root, slug, version))
        else:
            found.append(find_definition(root, slug, version))  # a draft may change
    return found


def latest_versions() -> list[LoadedDefinition]:
    """Return the newest released version of each questionnaire (drafts cannot be sent)."""
    root = library_root()
    latest: dict[str, LoadedDefinition] = {}
    for loaded in list_library():
        definition = loaded.definition
        if is_released(root, definition.slug, definition.version):
            latest[definition.slug] = loaded
    return list(latest.values())
