"""Our control catalogue as a CSV file: one control a row, ``id, name, owner e-mail``.

The first row names the columns (in any order; "owner", "owner email" and "owner e-mail" all
name the owner). Every problem is reported with its row number, and a file with any problem
changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

MAX_ROWS = 5000
MAX_REF = 64
MAX_NAME = 300
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_HEADERS = {
    "id": "ref",
    "control id": "ref",
    "control": "ref",
    "name": "name",
    "control name": "name",
    "owner": "owner_email",
    "owner email": "owner_email",
    "owner e-mail": "owner_email",
}


class CatalogueError(ValueError):
    """The file cannot be imported; the message lists every problem found."""


@dataclass(frozen=True)
class ControlRow:
    ref: str
    name: str
    owner_email: str


def check_control(ref: str, name: str, owner_email: str) -> dict[str, str]:
    """Return the problems of one control by field (empty when it is valid)."""
    problems: dict[str, str] = {}
    if not ref:
        problems["ref"] = "Give the control's identifier."
    elif len(ref) > MAX_REF:
        problems["ref"] = f"An identifier is at most {MAX_REF} characters."
    if not name:
        problems["name"] = "Give the control's name."
    elif len(name) > MAX_NAME:
        problems["name"] = f"A name is at most {MAX_NAME} characters."
    if not _EMAIL.match(owner_email):
        problems["owner_email"] = "Give the owner's e-mail address, like name@example.com."
    return problems


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _HEADERS.get(" ".join(title.lower().replace("_", " ").split()))
        if key and key not in found:
            found[key] = index
    missing = [name for name in ("ref", "name", "owner_email") if name not in found]
    if missing:
        raise CatalogueError(
            "The first row must name the columns id, name and owner e-mail; "
            f"found: {', '.join(h.strip() for h in header) or 'nothing'}."
        )
    return found


def parse_catalogue(text: str) -> list[ControlRow]:
    """Read a catalogue CSV; raise CatalogueError naming every bad row."""
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines()))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CatalogueError("The file is empty.")
    if len(rows) - 1 > MAX_ROWS:
        raise CatalogueError(f"A catalogue has at most {MAX_ROWS} controls.")
    columns = _columns(rows[0])
    controls: list[ControlRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            key: row[index].strip() if index < len(row) else "" for key, index in columns.items()
        }
        control = ControlRow(cells["ref"], " ".join(cells["name"].split()), cells["owner_email"])
        found = check_control(control.ref, control.name, control.owner_email)
        if control.ref.lower() in seen:
            found["ref"] = f"The identifier {control.ref} is listed twice."
        seen.add(control.ref.lower())
        problems.extend(f"Row {number}: {message}" for message in found.values())
        controls.append(control)
    if problems:
        raise CatalogueError(" ".join(problems[:20]))
    return controls
