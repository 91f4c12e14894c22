"""Field rule for exceptions (deviations) reported in the tests of controls.

A control counts once however many of its test steps failed or under however many
criteria it is listed; restatements in the opinion or in management's responses are
outside the tests section and are not read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.reports import layout
from app.reports.facts import ControlException
from app.reports.layout import Document

_CRITERION_ID = r"(?:CC\d|A1|C1|PI1|P\d)\.\d{1,2}"
_CRITERION_ONLY = re.compile(rf"^{_CRITERION_ID}$")
# Row starts: criterion headers ("CC6.2:", "Control Objective 6") and control ids.
_ROW_START = re.compile(
    rf"^(?:(?P<criterion>{_CRITERION_ID})[ \t]*[:\-–]"
    r"|(?P<objective>[Cc]ontrol\s+[Oo]bjective\s+\d{1,2}[A-Za-z]?)\b"
    r"|(?P<control>(?:[A-Z]{1,8}[-.]?\d{1,4}|\d{1,3}[.\-]\d{1,4})(?:[.\-]\d{1,4}){0,3}[a-z]?)"
    r"(?=[ \t]|$))",
    re.MULTILINE,
)
# Results are found from a literal word stem (fast to scan for), then checked in place.
_RESULT_STEMS = tuple(re.compile(stem) for stem in ("xception", "eviation", "XCEPTION", "EVIATION"))
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


def read_test_results(doc: Document) -> TestResults | None:
    """Find the controls whose test results report an exception; None without tests."""
    parts = doc.section_text(layout.TESTS)
    if not parts:
        return None
    found: dict[str, ControlException] = {}
    clean = 0
    first_page: int | None = None
    for base, text in parts:
        events = _events(text)
        results = [offset for kind, offset, _ in events if kind == "result"]
        if results and first_page is None:
            first_page = doc.page_at(base + results[0])
        clean += sum(1 for kind, _, value in events if kind == "result" and value == "clean")
        _collect(doc, base, text, events, found)
    return TestResults(tuple(found.values()), clean, first_page)


def _events(text: str) -> list[tuple[str, int, str]]:
    events: list[tuple[str, int, str]] = []
    for match in _ROW_START.finditer(text):
        if match.group("control"):
            events.append(("control", match.start(), match.group("control")))
        else:
            events.append(
                ("criterion", match.start(), match.group("criterion") or match.group("objective"))
            )
    for stem in _RESULT_STEMS:
        for match in stem.finditer(text):
            verdict = _result_at(text, match.start() - 1)
            if verdict:
                events.append(("result", match.start() - 1, verdict))
    events.sort(key=lambda event: event[1])
    return events


def _result_at(text: str, start: int) -> str | None:
    """Classify a result statement starting at `start` as clean, exception or not one."""
    if start < 0 or text[start] not in "eEdD" or (start > 0 and text[start - 1].isalnum()):
        return None
    tail = start + 1 + _STEM_LENGTH
    line_start = start == 0 or text[start - 1] == "\n"
    if not (_RESULT_TAIL.match(text, tail) or (line_start and _LABEL_TAIL.match(text, tail))):
        return None
    if _NEGATION.search(text, max(0, start - 40), start):
        return "clean"
    if _CONDITIONAL.search(text, max(0, start - 40), start):
        return None
    return "exception"


def _collect(
    doc: Document,
    base: int,
    text: str,
    events: list[tuple[str, int, str]],
    found: dict[str, ControlException],
) -> None:
    criterion: str | None = None
    control: str | None = None
    control_refs: list[str] = []
    for kind, offset, value in events:
        if kind == "criterion":
            criterion, control, control_refs = value, None, []
        elif kind == "control":
            is_ref = _CRITERION_ONLY.match(value) and control and not _CRITERION_ONLY.match(control)
            if is_ref:
                control_refs.append(value)
            else:
                control, control_refs = value, []
        elif value == "exception" and (control or criterion):
            key = control or f"{criterion}"
            refs = tuple(sorted({*control_refs, *([criterion] if criterion else [])}))
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
