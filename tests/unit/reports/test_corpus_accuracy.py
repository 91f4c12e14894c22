"""Field accuracy over every document of the sample corpus (labels.json is ground truth)."""

from __future__ import annotations

import re

from app.reports.domain.facts import FIELD_NAMES
from app.reports.extraction import extract_facts_from_pdf

from .conftest import corpus_bytes

_SUFFIXES = {
    "inc",
    "llc",
    "llp",
    "ltd",
    "corp",
    "pc",
    "cpas",
    "cpa",
    "lp",
    "limited",
    "corporation",
    "co",
    "plc",
}


def comparable(value: object) -> object:
    """Compare names ignoring punctuation, case and legal suffixes; lists ignoring order."""
    if isinstance(value, str):
        words = re.sub(r"[^\w\s&]", " ", value.replace(".", "")).lower().split()
        while len(words) > 1 and words[-1] in _SUFFIXES:
            words.pop()
        return " ".join(words)
    if isinstance(value, list):
        return sorted(str(comparable(item)) for item in value)
    return value


def test_corpus_field_accuracy_is_at_least_95_percent(corpus_labels):
    per_field = {field: [0, 0] for field in FIELD_NAMES}
    misses = []
    for label in corpus_labels:
        result = extract_facts_from_pdf(corpus_bytes(str(label["file"]))).as_dict()
        for field in FIELD_NAMES:
            right = comparable(result[field]) == comparable(label[field])
            per_field[field][0] += right
            per_field[field][1] += 1
            if not right:
                misses.append(
                    f"{label['file']} {field}: got {result[field]!r}, want {label[field]!r}"
                )
    for field, (right, total) in per_field.items():
        print(f"{field:26} {right}/{total} = {right / total:.0%}")  # noqa: T201
    overall = sum(r for r, _ in per_field.values()) / sum(t for _, t in per_field.values())
    print(f"overall accuracy {overall:.1%}", *misses, sep="\n")  # noqa: T201
    assert overall >= 0.95, misses


def test_every_non_null_corpus_fact_has_page_evidence(corpus_labels):
    for label in corpus_labels:
        result = extract_facts_from_pdf(corpus_bytes(str(label["file"])))
        data = result.as_dict()
        for field in FIELD_NAMES:
            if field != "doc_kind" and data[field] not in (None, [], False):
                evidence = result.evidence.get(field)
                assert evidence, f"{label['file']} {field} has no evidence"
                assert all(1 <= item.page <= result.page_count for item in evidence)
            assert 0.0 <= result.confidence[field] <= 1.0


def test_exceptions_list_names_each_failing_control_once(corpus_labels):
    result = extract_facts_from_pdf(corpus_bytes("a07.pdf"))
    ids = [item.control_id for item in result.exceptions]
    assert len(ids) == len(set(ids)) == result.exceptions_count == 7
    assert all(item.result.lower().startswith("exception noted") for item in result.exceptions)
