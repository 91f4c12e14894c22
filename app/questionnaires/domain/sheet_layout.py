"""Find the questions in a questionnaire workbook by its structure, not by cell addresses.

A question sheet has an ID column (values such as `A&A-01.1`, `GNRL-04`, `A.1.2`) and, next
to it, the question text. Column roles come from header cells (`Question`, `Vendor Answers`,
`Additional Information`, `Guidance`, `Domain`...), the answer type from the answer cell's
list validation (Yes/No, or the listed choices), sections from a section column or from title
rows between the questions, and "If no, explain" sentences become conditional follow-ups.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from app.questionnaires.domain.source import FollowUp, SourceQuestion, identifier
from app.questionnaires.domain.vocabulary import QuestionType
from app.questionnaires.domain.workbook import Sheet, Workbook, text_of

SOURCE_ID: Final = re.compile(r"^[A-Z][A-Z&]{0,6}[-.]?\d{1,3}(?:[.-]\d{1,3})*[a-z]?$")
_ROLE_PATTERNS: Final = (
    ("ignore", re.compile(r"analyst|csc |score|weight|ownership|reviewer|internal")),
    ("id", re.compile(r"^(question |ques |q )?(id|num|no\.?|number|#|ref(erence)?)$")),
    ("answer", re.compile(r"answer|response|yes/no")),
    ("notes", re.compile(r"additional info|implementation|comment|explanation|notes?$|detail")),
    ("help", re.compile(r"guidance|help|instruction|hint")),
    ("section", re.compile(r"domain|section|category|topic|area")),
    ("question", re.compile(r"question|request|control text|requirement")),
)
_REFERENCE_SHEETS: Final = re.compile(
    r"analyst|crosswalk|summary|^questions$|values|changelog|change log|instruction|"
    r"acknowledg|high risk|introduction|read ?me|start here|glossary|lists?$|report",
    re.IGNORECASE,
)
_YES: Final = frozenset({"yes", "y", "true"})
_NO: Final = frozenset({"no", "n", "false"})
_NA: Final = frozenset({"n/a", "na", "not applicable"})
_FOLLOW_UP: Final = re.compile(
    r"(?:^|(?<=[.?!:])\s+)(if\s+(yes|so|no|not)\b[^?]*\??)\s*$", re.IGNORECASE | re.DOTALL
)
_QUESTION_WORDS: Final = re.compile(
    r"^(do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|shall|may)\b",
    re.IGNORECASE,
)
_ASKS_FOR_PROSE: Final = re.compile(
    r"^(describe|explain|provide|list|state|summari[sz]e|outline|detail|share|use this)\b",
    re.IGNORECASE,
)
MIN_IDS: Final = 3
Choices = tuple[tuple[str, str], ...]
_EMPTY_HELP: Final = frozenset({"", "n/a", "0", "-"})
HEADER_SCAN: Final = 40


@dataclass
class Columns:
    """Which column (1-based) plays which role on a question sheet."""

    id: int
    question: int
    answer: int | None = None
    notes: int | None = None
    help: int | None = None
    section: int | None = None
    answer_label: str = ""
    header_row: int = 0
    labels: dict[int, str] = field(default_factory=dict)


def role_of(label: str) -> str | None:
    """Return the role a header label names, or None."""
    normalised = re.sub(r"\s+", " ", label.lower()).strip()
    if not normalised:
        return None
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(normalised):
            return role
    return None


def id_column(sheet: Sheet) -> tuple[int, int]:
    """Return the column holding the most question IDs and how many it holds (0, 0 if none)."""
    counts: Counter[int] = Counter()
    for line in sheet.rows:
        for index, value in enumerate(line[:8], start=1):
            if isinstance(value, str) and SOURCE_ID.match(value.strip()):
                counts[index] += 1
    if not counts:
        return (0, 0)
    column, count = counts.most_common(1)[0]
    return (column, count)


def question_sheets(workbook: Workbook) -> list[tuple[Sheet, int]]:
    """Return the sheets that hold questions, with their ID column, in tab order.

    Reference sheets (analyst reports, crosswalks, value lists) repeat the questions; they
    are left out when a response sheet exists.
    """
    found = []
    for sheet in workbook.sheets:
        column, count = id_column(sheet)
        if count >= MIN_IDS:
            found.append((sheet, column, count))
    answering = [item for item in found if not _REFERENCE_SHEETS.search(item[0].name)]
    chosen = answering or sorted(found, key=lambda item: -item[2])[:1]
    return [(sheet, column) for sheet, column, _ in chosen]


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(SOURCE_ID.match(value.strip()))


def find_columns(sheet: Sheet, id_col: int) -> Columns:
    """Work out the column roles from the first header row above or among the questions."""
    header_row = _header_row(sheet, id_col)
    columns = Columns(id=id_col, question=0, header_row=header_row)
    if header_row:
        for index, value in enumerate(sheet.rows[header_row - 1], start=1):
            label = text_of(value)
            role = role_of(label)
            columns.labels[index] = label
            if role is None or role == "ignore" or index == id_col:
                continue
            if role == "question" and not columns.question:
                columns.question = index
            elif role in ("answer", "notes", "help", "section") and getattr(columns, role) is None:
                setattr(columns, role, index)
                if role == "answer":
                    columns.answer_label = label.lower()
    if not columns.question or columns.question == columns.answer:
        columns.question = _widest_text_column(sheet, id_col, columns)
    return columns


def _header_row(sheet: Sheet, id_col: int) -> int:
    """Return the first row (1-based) whose cells name at least two roles, or 0."""
    for number, line in enumerate(sheet.rows[: HEADER_SCAN * 10], start=1):
        if _is_id(sheet.cell(number, id_col)):
            continue
        roles = {role_of(text_of(value)) for value in line if isinstance(value, str)}
        roles -= {None, "ignore"}
        if len(roles) >= 2 and roles & {"answer", "question"}:
            return number
    return 0


def _widest_text_column(sheet: Sheet, id_col: int, columns: Columns) -> int:
    """Return the column right of the IDs with the longest text on ID rows."""
    taken = {columns.answer, columns.notes, columns.help, columns.section}
    lengths: Counter[int] = Counter()
    for line in sheet.rows:
        if id_col <= len(line) and _is_id(line[id_col - 1]):
            for index in range(id_col + 1, min(len(line), id_col + 3) + 1):
                if index not in taken:
                    lengths[index] += len(text_of(line[index - 1]))
    return lengths.most_common(1)[0][0] if lengths else id_col + 1


def _section_title(sheet: Sheet, number: int, id_col: int, columns: Columns) -> str | None:
    """Return the section a non-question row opens, or None when it is not a title row."""
    line = sheet.rows[number - 1]
    first = text_of(sheet.cell(number, id_col)) or text_of(sheet.cell(number, 1))
    is_label = len(first.split()) <= 3 and role_of(first) in ("id", "question")
    if not first or SOURCE_ID.search(first.split(" ")[0]) or is_label:
        return None  # a header row naming its columns, or a note about some IDs
    if columns.answer and text_of(sheet.cell(number, columns.answer)).lower() == (
        columns.answer_label
    ):
        return first  # the header repeated under a section title, as HECVAT does
    others = [text_of(value) for value in line if text_of(value)]
    if len(others) == 1 and len(first.split()) <= 6 and not re.search(r"[:;.]", first):
        return first
    return None


def _kind(
    sheet: Sheet, number: int, columns: Columns, text: str
) -> tuple[QuestionType, Choices, bool]:
    """Return the answer type, the choices and whether N/A is allowed, for one question row."""
    allowed = sheet.choices_at(number, columns.answer) if columns.answer else ()
    if allowed:
        lowered = {value.strip().lower() for value in allowed}
        if lowered & _YES and lowered & _NO and lowered <= _YES | _NO | _NA | {"both"}:
            return (QuestionType.YES_NO, (), bool(lowered & _NA))
        taken: set[str] = set()
        labels = [value.strip() for value in allowed if value.strip()]
        choices = tuple((identifier(label, taken, limit=30), label) for label in labels)
        return (QuestionType.SINGLE_CHOICE, choices, False)
    answer = text_of(sheet.cell(number, columns.answer)).lower() if columns.answer else ""
    if (
        not sheet.validations
        and _QUESTION_WORDS.match(text)
        and (not answer or answer in _YES | _NO | _NA)
    ):
        return (QuestionType.YES_NO, (), answer in _NA)
    if len(text.split()) <= 8 and "?" not in text and not _ASKS_FOR_PROSE.match(text):
        return (QuestionType.SHORT_TEXT, (), False)
    return (QuestionType.LONG_TEXT, (), False)


def split_follow_up(text: str, kind: QuestionType) -> tuple[str, FollowUp | None]:
    """Split "Are you X? If so, describe Y." into the question and its conditional follow-up."""
    if kind is not QuestionType.YES_NO:
        return (text, None)
    match = _FOLLOW_UP.search(text)
    if match is None or match.start(1) == 0:
        return (text, None)
    when = "no" if match.group(2).lower() in ("no", "not") else "yes"
    question = text[: match.start(1)].strip()
    return (question, FollowUp(match.group(1).strip(), when)) if question else (text, None)


def _answer_text(sheet: Sheet, number: int, col: int | None) -> str | None:
    value = text_of(sheet.cell(number, col)) if col else ""
    return value or None


def _help(sheet: Sheet, number: int, col: int | None) -> str | None:
    value = _answer_text(sheet, number, col)
    return None if value is None or value.lower() in _EMPTY_HELP else value


def sheet_questions(sheet: Sheet, id_col: int) -> Iterator[SourceQuestion]:
    """Yield every question row of a sheet with its section, type, follow-up and answer."""
    columns = find_columns(sheet, id_col)
    section = ""
    for number in range(1, len(sheet.rows) + 1):
        raw_id = text_of(sheet.cell(number, id_col))
        if not SOURCE_ID.match(raw_id):
            section = _section_title(sheet, number, id_col, columns) or section
            continue
        text = text_of(sheet.cell(number, columns.question))
        if not text:
            continue
        if columns.section and text_of(sheet.cell(number, columns.section)):
            section = text_of(sheet.cell(number, columns.section))
        kind, choices, allow_na = _kind(sheet, number, columns, text)
        question, follow_up = split_follow_up(text, kind)
        yield SourceQuestion(
            source_id=raw_id,
            section=section or re.split(r"[-.\d]", raw_id)[0],
            text=question,
            kind=kind,
            choices=choices,
            allow_na=allow_na,
            help=_help(sheet, number, columns.help),
            follow_up=follow_up,
            answer=_answer_text(sheet, number, columns.answer),
            notes=_answer_text(sheet, number, columns.notes),
            sheet=sheet.name,
            row=number,
        )


def workbook_questions(workbook: Workbook) -> list[SourceQuestion]:
    """Return the questions of every question sheet, the first of each source ID kept."""
    seen: set[str] = set()
    found = []
    for sheet, id_col in question_sheets(workbook):
        for question in sheet_questions(sheet, id_col):
            if question.source_id not in seen:
                seen.add(question.source_id)
                found.append(question)
    return found
