"""Import every real questionnaire in ../shared/real-questionnaires and print what was read.

The files belong to their publishers and stay outside the repository; without the folder the
script says so and exits 0. Per file: the recognised layout, questions, conditional follow-ups,
pre-answers (answered rows of a completed questionnaire) and wording findings.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.questionnaires.domain.lint import Severity, lint_definition
from app.questionnaires.errors import QuestionnaireError
from app.questionnaires.formats import import_file

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-questionnaires"
SUFFIXES = (".xlsx", ".csv", ".json")


def files() -> list[Path]:
    """Return the real questionnaire files, spreadsheets first."""
    return sorted(
        (p for p in REAL.rglob("*") if p.suffix.lower() in SUFFIXES),
        key=lambda p: (p.suffix != ".xlsx", str(p)),
    )


def measure(path: Path) -> tuple[str, ...]:
    """Import one file the way `diligence questionnaires import` does; return the counts."""
    started = time.perf_counter()
    try:
        imported = import_file(path, slug=None, title=None, version_for=lambda _slug: 1)
    except (QuestionnaireError, ValueError) as error:
        return ("failed", "0", "-", "-", str(error).splitlines()[0][:60], "-")
    seconds = time.perf_counter() - started
    source = imported.source
    findings = lint_definition(imported.definition)
    errors = sum(1 for item in findings if item.finding.severity is Severity.ERROR)
    return (
        imported.format,
        str(imported.question_count),
        str(source.follow_ups if source else 0),
        str(len(source.answered) if source else 0),
        f"{len(findings)} ({errors} error)",
        f"{seconds:.1f}",
    )


def main() -> int:
    """Print one line per real file; skip cleanly when the folder is absent."""
    if not REAL.is_dir():
        print(f"skipped: {REAL} does not exist")
        return 0
    print("file | format | questions | follow-ups | pre-answers | findings | seconds")
    for path in files():
        print(" | ".join((str(path.relative_to(REAL)), *measure(path))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
