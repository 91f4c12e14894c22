"""Saved column mappings in the library folder (`mappings/<name>.json`) and the mapping help.

A mapping saved once is offered again on the import page, so the next file of the same shape
imports without mapping it again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.questionnaires.domain.mapping import ColumnMapping, headers_of, preview_rows
from app.questionnaires.errors import QuestionnaireError
from app.questionnaires.workbook_reader import read_workbook

NAME: Final = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
FOLDER: Final = "mappings"


@dataclass(frozen=True)
class MappingHelp:
    """What the mapping form shows: the sheets, the header row's texts and the first rows."""

    sheets: tuple[str, ...]
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    preview: tuple[tuple[str, ...], ...]


def saved_mappings(root: Path) -> list[str]:
    """Return the names of the saved mappings."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.glob("*.json") if NAME.match(path.stem))


def load_mapping(root: Path, name: str) -> ColumnMapping:
    """Return a saved mapping; raise ValueError when it is unknown or broken."""
    if not NAME.match(name) or name not in saved_mappings(root):
        raise ValueError(f"there is no saved mapping '{name}'")
    path = root / FOLDER / f"{name}.json"
    return ColumnMapping.from_data(json.loads(path.read_text(encoding="utf-8")))


def save_mapping(root: Path, name: str, mapping: ColumnMapping) -> None:
    """Save a mapping under a name (replacing one of the same name)."""
    if not NAME.match(name):
        raise ValueError("name the mapping with lower-case words joined by '-'")
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(mapping.as_data(), indent=2), "utf-8")


def mapping_help(path: Path, sheet: str = "", header_row: int = 1) -> MappingHelp | None:
    """Describe a spreadsheet for the mapping form, or None when it cannot be read."""
    try:
        workbook = read_workbook(path)
    except QuestionnaireError:
        return None
    if not workbook.sheets:
        return None
    chosen = workbook.sheet(sheet) or workbook.sheets[0]
    return MappingHelp(
        tuple(item.name for item in workbook.sheets),
        chosen.name,
        header_row,
        tuple(headers_of(chosen, header_row)),
        tuple(tuple(line) for line in preview_rows(chosen, header_row)),
    )
