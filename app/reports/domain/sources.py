"""Shared helpers for field rules: section weights, sentences and quoting."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.reports.domain import layout
from app.reports.domain.layout import Document

# How much a statement counts, by where it is printed: the auditor's report and the
# cover carry the report's own facts; descriptions and other information repeat them
# with more room for unrelated dates and names.
SECTION_WEIGHT = {
    layout.COVER: 3.0,
    layout.AUDITOR_REPORT: 3.0,
    layout.ASSERTION: 2.0,
    layout.SUBSERVICE_ASSERTION: 1.0,
    layout.DESCRIPTION: 1.0,
    layout.TESTS: 1.0,
    layout.OTHER_INFO: 0.5,
}
_SENTENCE_END = re.compile(r"[.;!?](?=\s+[A-Z(•\-“\"])|\n(?=[•\-*]\s)")
_SENTENCE_WINDOW = 400


def narrative_spans(doc: Document) -> list[tuple[int, int]]:
    """Return text spans outside the tests of controls, where report-level facts are stated.

    The tests section is most of a long report and restates no report-level fact, so
    rules for names, dates and scope skip it.
    """
    spans: list[tuple[int, int]] = []
    for section in doc.sections:
        if section.kind == layout.TESTS or section.end <= section.start:
            continue
        start = doc.line_offsets[section.start]
        end = doc.line_offsets[section.end] if section.end < len(doc.line_texts) else len(doc.text)
        if spans and spans[-1][1] >= start - 1:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans or [(0, len(doc.text))]


def find_in(pattern: re.Pattern[str], doc: Document) -> Iterator[re.Match[str]]:
    """Yield the matches of a pattern in the narrative parts of the document."""
    for start, end in narrative_spans(doc):
        yield from pattern.finditer(doc.text, start, end)


def weight_at(doc: Document, offset: int) -> float:
    """Return the weight of a statement at a character offset of the document text."""
    return SECTION_WEIGHT.get(doc.section_kind_at(offset), 1.0)


def sentence_around(text: str, start: int, end: int) -> str:
    """Return the sentence that contains text[start:end], whitespace collapsed."""
    window_start = max(0, start - _SENTENCE_WINDOW)
    before = text[window_start:start]
    stops = list(_SENTENCE_END.finditer(before))
    begin = window_start + stops[-1].end() if stops else window_start
    after = _SENTENCE_END.search(text, end, min(len(text), end + _SENTENCE_WINDOW))
    finish = after.start() + 1 if after else min(len(text), end + _SENTENCE_WINDOW)
    return " ".join(text[begin:finish].split())
