"""The criteria crosswalk of a questionnaire, read from `questionnaires/<slug>/criteria.yaml`.

The file is data beside the definitions; a questionnaire without one has an empty crosswalk,
so none of its questions is answered by a report's tested criteria.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.questionnaires.domain.criteria_crosswalk import Crosswalk, parse_crosswalk
from app.questionnaires.domain.yaml_source import load_yaml_with_lines
from app.questionnaires.library import library_root

CROSSWALK_FILE = "criteria.yaml"


def crosswalk_path(root: Path, slug: str) -> Path:
    """Return where a questionnaire's crosswalk lives."""
    return root / slug / CROSSWALK_FILE


@lru_cache(maxsize=32)
def _read(path: Path) -> Crosswalk | None:
    if not path.is_file():
        return None
    data, _ = load_yaml_with_lines(path.read_text(encoding="utf-8"), path.name)
    return parse_crosswalk(data)


def crosswalk_for(slug: str) -> Crosswalk:
    """Return the crosswalk of a questionnaire (empty when it has none)."""
    path = crosswalk_path(library_root(), slug)
    return _read(path) or Crosswalk(slug, {})
