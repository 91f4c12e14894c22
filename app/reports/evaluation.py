"""Read every labelled PDF of a folder with the product's own reader and score the facts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from app.reports.domain.evaluation import Evaluation, add_file, fields_to_score, score_file
from app.reports.domain.facts import ExtractionResult
from app.reports.errors import ReportReadError
from app.reports.extraction import extract_facts_from_pdf


class LabelsError(ValueError):
    """The labels file cannot be used."""


def load_labels(path: Path) -> list[Mapping[str, object]]:
    """Read a labels file: a JSON list of objects, each naming its PDF under "file"."""
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise LabelsError(f"cannot read labels {path}: {error}") from None
    if not isinstance(loaded, list) or not all(
        isinstance(item, dict) and isinstance(item.get("file"), str) for item in loaded
    ):
        raise LabelsError(f"{path}: expected a JSON list of objects with a 'file' name")
    return loaded


def evaluate_folder(
    labels: list[Mapping[str, object]],
    folder: Path,
    *,
    informative: bool,
    read: Callable[[bytes], ExtractionResult] = extract_facts_from_pdf,
    on_file: Callable[[str], None] | None = None,
) -> Evaluation:
    """Read each labelled file in `folder` and score it; unreadable files score nothing."""
    evaluation = Evaluation()
    for label in labels:
        name = str(label["file"])
        if on_file is not None:
            on_file(name)
        started = time.perf_counter()
        found: Mapping[str, object] | None = None
        error: str | None = None
        try:
            found = read((folder / name).read_bytes()).as_dict()
        except OSError as problem:
            error = f"cannot read: {problem.strerror or problem}"
        except ReportReadError as problem:
            error = str(problem)
        seconds = time.perf_counter() - started
        score = score_file(label, found, informative=informative, seconds=seconds, error=error)
        add_file(evaluation, score, fields_to_score(label, informative=informative))
    return evaluation
