"""Reading crosswalk files from the library folder: `crosswalks/<slug>.yaml`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.questionnaires.domain.crosswalk import Crosswalk, parse_crosswalk
from app.questionnaires.domain.yaml_source import load_yaml_with_lines
from app.questionnaires.library import library_root


@lru_cache(maxsize=32)
def _load(path: Path, modified_ns: int) -> Crosswalk:  # noqa: ARG001 - part of the cache key
    data, _ = load_yaml_with_lines(path.read_text(encoding="utf-8"), path.name)
    return parse_crosswalk(data)


def find_crosswalk(slug: str, root: Path | None = None) -> Crosswalk | None:
    """Return the crosswalk onto a questionnaire of ours, or None when it has none."""
    path = (root or library_root()) / "crosswalks" / f"{slug}.yaml"
    if not path.is_file():
        return None
    return _load(path, path.stat().st_mtime_ns)
