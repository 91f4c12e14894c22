"""Field rule for exceptions (deviations) reported in the tests of controls.

A control counts once however many of its test steps failed or under however many
criteria it is listed; restatements in the opinion or in management's responses are
outside the tests section and are not read here.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from app.reports.domain import layout
from app.reports.domain.facts import ControlException
from app.reports.domain.layout import Document

_CRITERION_ID = r"(?:CC\d|A1|C1|PI1|P\d)\.\d{1,2}"
_CRITERION_ONLY = re.compile(rf"^{_CRITERION_ID}$")
# Row starts: criterion headers ("CC6.2:", "Control Objective 6") and control ids.
_ROW = (
    rf"(?:(?P<criterion>{_CRITERION_ID})[ \t]*[:\-–]"
    r"|(?P<objective>[Cc]ontrol\s+[Oo]bjective\s+\d{1,2}[A-Za-z]?)\b"
    r"|(?P<control>(?:[A-Z]{1,8}[-.]?\d{1,4}|\d{1,3}[.\-]\d{1,4})(?:[.\-]\d{1,4}){0,3}[a-z]?)"
    r"(?=[ \t]|$))"
)
_ROW_AT_START = re.compile(_ROW, re.MULTILINE)
# Rows after the first are found from the line break before them: a literal first
# character lets the scan skip from line to line instead of testing every position.
_ROW_AFTER_BREAK = re.compile(rf"\n{_ROW}", re.MULTILINE)
# Results are found from a literal word stem (fast to scan for), then checked in place.
_RESULT_STEM = re.compile("xception|eviation|XCEPTION|EVIATION")
_STEM_LENGTH = 8
_RESULT_TAIL = re.compile(
    r"s?(?:\s+(?:were|was))?\s+(?:noted|identified|observed|found)\b", re.IGNORECASE
)
_LABEL_TAIL = re.compile(r"s?(?:\s+detail)?\s*:", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:no|not|zero|without)\b(?:\s+\w+)?\s*$", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|where|when|whether|any|all)\b[^.\n]{0,30}$", re.IGNORECASE)
_NEXT_ROW = re.compile(r"\n(?=(?:[A-Z]{1,8}[-.]?)?\d{1,3}[.\-]\d)")
_RESULT_CHARS = 240


@dataclass(frozen=True)
class TestResults:
    """What the tests section reports: failing controls and how many results were clean."""

    exceptions: tuple[ControlException, ...]
    clean_results: int
    first_result_page: int | None


@dataclass(frozen=True)
class _Rows:
    """The row starts of a tests section: offsets, which are criterion headers, and ids."""

    offsets: list[int]
    ids: list[str]
    criterion_rows: list[int]


@dataclass(frozen=True)
class _RowContext:
    """The criterion and control a result belongs to, and criteria referenced since."""

    criterion: str | None
    control: str | None
    refs: tuple[str, ...]


def read_test_results(doc: Document) -> TestResults | None:
    """Find the controls whose test results report an exception; None without tests."""
    parts = doc.section_text(layout.TESTS) or _tables_without_heading(doc)
    if not parts:
        return None
    found: dict[str, ControlException] = {}
    clean = 0
    first_page: int | None = None
    for base, text in parts:
        results = _results(text)
        if results and first_page is None:
            first_page = doc.page_at(base + results[0][0])
        clean += sum(1 for _, verdict in results if verdict == "clean")
        exceptions = [offset for offset, verdict in results if verdict == "exception"]
        if exceptions:
            _collect(doc, base, text, _rows(text), exceptions, found)
    return TestResults(tuple(found.values()), clean, first_page)


# The column headers of a test table: "Service Organization Control Activity | Test
# Performed by the Service Auditor | Test Results", "Controls | Tests Performed | Results".
_TABLE_HEADER = re.compile(
    r"^[^\n]{0,60}\bcontrol(?:s|\s+activit(?:y|ies))?\b[^\n]{0,80}\btests?\s+(?:performed|applied|"
    r"of\s+controls)\b[^\n]{0,80}\bresults?\b",
    re.IGNORECASE | re.MULTILINE,
)


_CRITERION_LINES_ABOVE = 3


def _tables_without_heading(doc: Document) -> list[tuple[int, str]]:
    """The test tables of a report whose tests section heading was not recognised."""
    match = _TABLE_HEADER.search(doc.text)
    if match is None:
        return []
    index = doc.line_index_at(match.start())
    # The criterion a table belongs to is printed just above its column headers.
    start = doc.line_offsets[max(0, index - _CRITERION_LINES_ABOVE)]
    # Tables run to the next section that starts after them, or to the end.
    ends = [s.start for s in doc.sections if s.start > index]
    end = doc.line_offsets[min(ends)] if ends else len(doc.text)
    return [(start, doc.text[start:end])]


def _rows(text: str) -> _Rows:
    first = _ROW_AT_START.match(text)
    found = [(0, first.lastgroup or "", first[first.lastgroup or 0])] if first else []
    found += [
        (match.start() + 1, match.lastgroup or "", match[match.lastgroup or 0])
        for match in _ROW_AFTER_BREAK.finditer(text, first.end() if first else 0)
    ]
    return _Rows(
        offsets=[offset for offset, _, _ in found],
        ids=[value for _, _, value in found],
        criterion_rows=[i for i, (_, group, _) in enumerate(found) if group != "control"],
    )


def _results(text: str) -> list[tuple[int, str]]:
    """Return (offset, "clean" or "exception") for every result statement, in order."""
    results: list[tuple[int, str]] = []
    for match in _RESULT_STEM.finditer(text):
        verdict = _result_at(text, match.start() - 1)
        if verdict:
            results.append((match.start() - 1, verdict))
    return results


def _result_at(text: str, start: int) -> str | None:
    """Classify a result statement starting at `start` as clean, exception or not one."""
    if start < 0 or text[start] not in "eEdD" or (start > 0 and text[start - 1].isalnum()):
        return None
    tail = start + 1 + _STEM_LENGTH
    line_start = start == 0 or text[start - 1] == "\n"
    if not (_RESULT_TAIL.match(text, tail) or (line_start and _LABEL_TAIL.match(text, tail))):
        return None
    if _said_no(text, start) or _NEGATION.search(text, max(0, start - 40), start):
        return "clean"
    if _CONDITIONAL.search(text, max(0, start - 40), start):
        return None
    return "exception"


def _said_no(text: str, start: int) -> bool:
    """Tell quickly whether the result reads "No exceptions", the usual clean result."""
    # A sufficient case of _NEGATION, checked without a search of the 40 characters before.
    if start < 3 or text[start - 1] != " " or text[start - 3 : start - 1].lower() != "no":
        return False
    before = text[start - 4] if start > 3 else " "
    return not (before.isalnum() or before == "_")


def _context(rows: _Rows, end: int) -> _RowContext:
    """Return the row context after the first `end` rows.

    Read from the top, a criterion header starts afresh; a control id sets the current
    control, unless it is a bare criterion id listed under a control, which the control
    references instead. Only the rows since the last header, read backwards to the last
    real control id, decide it, so each result costs a few steps however long the table.
    """
    header = bisect.bisect_left(rows.criterion_rows, end) - 1
    since = rows.criterion_rows[header] if header >= 0 else -1
    criterion = rows.ids[since] if since >= 0 else None
    bare: list[str] = []
    for index in range(end - 1, since, -1):
        if not _CRITERION_ONLY.match(rows.ids[index]):
            return _RowContext(criterion, rows.ids[index], tuple(reversed(bare)))
        bare.append(rows.ids[index])
    # No real control id since the header: each bare id replaced the one before it.
    return _RowContext(criterion, bare[0] if bare else None, ())


def _collect(
    doc: Document,
    base: int,
    text: str,
    rows: _Rows,
    exceptions: list[int],
    found: dict[str, ControlException],
) -> None:
    for offset in exceptions:
        context = _context(rows, bisect.bisect_right(rows.offsets, offset))
        criterion, control = context.criterion, context.control
        if not (control or criterion):
            continue
        key = control or f"{criterion}"
        refs = tuple(sorted({*context.refs, *([criterion] if criterion else [])}))
        previous = found.get(key)
        if previous:
            refs = tuple(sorted({*previous.criteria, *refs}))
            found[key] = previous.model_copy(update={"criteria": refs})
            continue
        found[key] = ControlException(
            control_id=control,
            criteria=refs,
            result=_result_text(text, offset),
            page=doc.page_at(base + offset),
        )


def _result_text(text: str, offset: int) -> str:
    end = min(len(text), offset + _RESULT_CHARS)
    next_row = _NEXT_ROW.search(text, offset, end)
    return " ".join(text[offset : next_row.start() if next_row else end].split())
