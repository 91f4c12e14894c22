"""Compare facts read from documents with hand-made labels: per-field and per-file accuracy.

Labels follow the corpus schema: one object per file with the sixteen fields. A value may be
`{"any": [a, b]}` (either reading is right), and each subservice organisation may be a list of
accepted spellings. Names compare after NFKC, lowercasing, dropping punctuation and trailing
legal suffixes, so "Moss Adams LLP" and "Moss Adams" are the same firm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.reports.domain.facts import FIELD_NAMES
from app.reports.domain.names import normalize_name

# Fields a document of each kind carries; the others are empty by nature, so counting them
# would reward a reader for finding nothing.
_SOC_FIELDS = tuple(f for f in FIELD_NAMES if f not in {"bridge_through", "certificate_expiry"})
INFORMATIVE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "soc_report": _SOC_FIELDS,
    "bridge_letter": (
        "doc_kind",
        "framework",
        "service_organization",
        "period_start",
        "period_end",
        "report_date",
        "bridge_through",
    ),
    "iso_certificate": (
        "doc_kind",
        "service_organization",
        "service_auditor",
        "report_date",
        "certificate_expiry",
    ),
    "other": ("doc_kind",),
}


def _accepted(label: object) -> list[object]:
    if isinstance(label, Mapping) and "any" in label:
        options = label["any"]
        return list(options) if isinstance(options, Sequence) else [options]
    return [label]


def _spellings(entry: object) -> list[str]:
    if isinstance(entry, str):
        return [normalize_name(entry)]
    if isinstance(entry, Sequence):
        return [normalize_name(str(item)) for item in entry]
    return [normalize_name(str(entry))]


def _same_organisations(found: Sequence[object], wanted: Sequence[object]) -> bool:
    """Each wanted organisation is found once under one of its spellings, and nothing else."""
    if len(found) != len(wanted):
        return False
    remaining = [normalize_name(str(item)) for item in found]
    for entry in wanted:
        spellings = _spellings(entry)
        match = next((name for name in remaining if name in spellings), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _same_value(found: object, wanted: object) -> bool:
    if isinstance(wanted, str):
        return isinstance(found, str) and normalize_name(found) == normalize_name(wanted)
    if isinstance(wanted, Sequence):
        if not isinstance(found, Sequence) or isinstance(found, str):
            return False
        return sorted(normalize_name(str(v)) for v in found) == sorted(
            normalize_name(str(v)) for v in wanted
        )
    return found == wanted


def field_is_right(field_name: str, found: object, label: object) -> bool:
    """Whether a read value matches its label (any accepted reading)."""
    for wanted in _accepted(label):
        if field_name == "subservice_organizations" and isinstance(wanted, Sequence):
            if isinstance(found, Sequence) and _same_organisations(list(found), list(wanted)):
                return True
        elif _same_value(found, wanted):
            return True
    return False


def fields_to_score(label: Mapping[str, object], *, informative: bool) -> tuple[str, ...]:
    """The fields a label is scored on: all sixteen, or those its kind carries."""
    if not informative:
        return FIELD_NAMES
    kind = label.get("doc_kind")
    return INFORMATIVE_FIELDS.get(kind if isinstance(kind, str) else "other", ("doc_kind",))


@dataclass(frozen=True)
class FieldMiss:
    """One field read wrong: what was read and what the label says."""

    file: str
    field: str
    found: object
    wanted: object


@dataclass
class FileScore:
    """How one document was read."""

    file: str
    right: int = 0
    total: int = 0
    seconds: float = 0.0
    error: str | None = None
    misses: list[FieldMiss] = field(default_factory=list)


@dataclass
class Evaluation:
    """Accuracy over a labelled set: per field, per file and overall."""

    files: list[FileScore] = field(default_factory=list)
    per_field: dict[str, list[int]] = field(default_factory=dict)

    @property
    def right(self) -> int:
        return sum(item.right for item in self.files)

    @property
    def total(self) -> int:
        return sum(item.total for item in self.files)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return {
            "right": self.right,
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "per_field": {
                name: {"right": right, "total": total}
                for name, (right, total) in self.per_field.items()
            },
            "files": [
                {
                    "file": item.file,
                    "right": item.right,
                    "total": item.total,
                    "seconds": round(item.seconds, 3),
                    "error": item.error,
                    "misses": [
                        {"field": miss.field, "found": miss.found, "wanted": miss.wanted}
                        for miss in item.misses
                    ],
                }
                for item in self.files
            ],
        }


def score_file(
    label: Mapping[str, object],
    found: Mapping[str, object] | None,
    *,
    informative: bool,
    seconds: float = 0.0,
    error: str | None = None,
) -> FileScore:
    """Score one document's facts (None when it could not be read) against its label."""
    name = str(label.get("file", "?"))
    score = FileScore(file=name, seconds=seconds, error=error)
    for field_name in fields_to_score(label, informative=informative):
        wanted = label.get(field_name)
        value = None if found is None else found.get(field_name)
        score.total += 1
        if found is not None and field_is_right(field_name, value, wanted):
            score.right += 1
        else:
            score.misses.append(FieldMiss(name, field_name, value, wanted))
    return score


def add_file(evaluation: Evaluation, score: FileScore, fields: Sequence[str]) -> None:
    """Add one scored file to the totals."""
    evaluation.files.append(score)
    missed = {miss.field for miss in score.misses}
    for field_name in fields:
        tally = evaluation.per_field.setdefault(field_name, [0, 0])
        tally[0] += field_name not in missed
        tally[1] += 1
