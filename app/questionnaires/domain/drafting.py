"""The questionnaire editor's form: flat fields ⇄ definition data, and the edits it offers.

Fields are named by position: `title`, `description`, `s0.title`, `s0.help`, `s0.q1.text`,
`s0.q1.type`, `s0.q1.required`, `s0.q1.choices` (one `value: Label` or `Label` a line),
`s0.q1.show_q` / `s0.q1.show_v` (shown only when that earlier question has that answer).
An `action` such as `add_question:0`, `up:0:1`, `down:0:1`, `delete:0:1`, `add_section` or
`delete_section:1` changes the structure before the draft is checked and saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.lint import LocatedFinding, Severity
from app.questionnaires.domain.source import identifier
from app.questionnaires.domain.vocabulary import CHOICE_TYPES, QuestionType

_SECTION: Final = re.compile(r"^s(\d{1,3})\.(title|help)$")
_QUESTION: Final = re.compile(r"^s(\d{1,3})\.q(\d{1,3})\.([a-z_]+)$")
_VALUED: Final = re.compile(r"^([a-z0-9][a-z0-9_]*)\s*:\s*(\S.*)$")
MAX_SECTIONS: Final = 100
MAX_QUESTIONS: Final = 300
NEW_QUESTION_TEXT: Final = "New question: write it here."


def _choices(raw: str) -> list[dict[str, str]]:
    taken: set[str] = set()
    found = []
    for line in raw.splitlines():
        item = line.strip()
        if not item:
            continue
        match = _VALUED.match(item)
        if match:
            taken.add(match.group(1))
            found.append({"value": match.group(1), "label": match.group(2).strip()})
        else:
            found.append({"value": identifier(item, taken, limit=30), "label": item})
    return found


def choices_text(choices: list[dict[str, str]] | None) -> str:
    """Write choices back as the form's text: one `value: Label` a line."""
    return "\n".join(f"{c['value']}: {c['label']}" for c in choices or [])


def data_from_form(fields: Mapping[str, str], *, slug: str, version: int) -> dict[str, Any]:
    """Rebuild the definition data a form describes (not yet validated)."""
    sections: dict[int, dict[str, Any]] = {}
    questions: dict[tuple[int, int], dict[str, str]] = {}
    for name, value in fields.items():
        if match := _SECTION.match(name):
            sections.setdefault(int(match.group(1)), {})[match.group(2)] = value.strip()
        elif match := _QUESTION.match(name):
            key = (int(match.group(1)), int(match.group(2)))
            questions.setdefault(key, {})[match.group(3)] = value
    for s_index, _ in questions:
        sections.setdefault(s_index, {})
    built = []
    taken = {q.get("id", "").strip() for q in questions.values()} - {""}
    for s_index in sorted(sections)[:MAX_SECTIONS]:
        raw = sections[s_index]
        items = [
            _question(questions[key], taken)
            for key in sorted(k for k in questions if k[0] == s_index)
        ]
        section: dict[str, Any] = {
            "id": raw.get("id") or f"section_{s_index + 1}",
            "title": raw.get("title", ""),
            "questions": items,
        }
        if raw.get("help"):
            section["help"] = raw["help"]
        built.append(section)
    _number_sections(built)
    return {
        "slug": slug,
        "version": version,
        "title": fields.get("title", "").strip(),
        "description": fields.get("description", "").strip() or fields.get("title", "").strip(),
        "sections": built,
    }


def _number_sections(sections: list[dict[str, Any]]) -> None:
    taken: set[str] = set()
    for section in sections:
        section["id"] = identifier(section["title"] or section["id"], taken)


def _question(raw: Mapping[str, str], taken: set[str]) -> dict[str, Any]:
    text = raw.get("text", "").strip()
    ident = raw.get("id", "").strip() or identifier(text or "question", taken)
    kind = raw.get("type", QuestionType.YES_NO.value)
    question: dict[str, Any] = {
        "id": ident,
        "type": kind,
        "text": text,
        "required": raw.get("required") in ("on", "true", "yes", "1"),
    }
    if raw.get("help", "").strip():
        question["help"] = raw["help"].strip()
    if raw.get("source_id", "").strip():
        question["source_id"] = raw["source_id"].strip()
    if kind in {t.value for t in CHOICE_TYPES}:
        question["choices"] = _choices(raw.get("choices", ""))
    if kind == QuestionType.FILE_UPLOAD.value:
        question["document_kinds"] = ["other"]
    if raw.get("show_q", "").strip() and raw.get("show_v", "").strip():
        question["show_if"] = {"question": raw["show_q"].strip(), "equals": raw["show_v"].strip()}
    return question


def apply_action(data: dict[str, Any], action: str) -> dict[str, Any]:
    """Return the data with one structural edit applied (unknown actions change nothing)."""
    sections: list[dict[str, Any]] = data["sections"]
    parts = action.split(":")
    verb, numbers = parts[0], [int(p) for p in parts[1:] if p.isdigit()]
    taken = {q["id"] for s in sections for q in s["questions"]}
    if verb == "add_section" and len(sections) < MAX_SECTIONS:
        new_id = identifier("new question", taken)
        sections.append(
            {
                "id": f"section_{len(sections) + 1}",
                "title": "New section",
                "questions": [{"id": new_id, "type": "yes_no", "text": NEW_QUESTION_TEXT}],
            }
        )
        _number_sections(sections)
    elif len(numbers) >= 1 and numbers[0] < len(sections):
        section = sections[numbers[0]]
        items: list[dict[str, Any]] = section["questions"]
        if verb == "add_question" and sum(len(s["questions"]) for s in sections) < MAX_QUESTIONS:
            new_id = identifier("new question", taken)
            items.append({"id": new_id, "type": "yes_no", "text": NEW_QUESTION_TEXT})
        elif verb == "delete_section" and len(sections) > 1:
            sections.pop(numbers[0])
        elif len(numbers) == 2 and numbers[1] < len(items):
            _move(items, numbers[1], verb)
    return data


def _move(items: list[dict[str, Any]], index: int, verb: str) -> None:
    if verb == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
    elif verb == "down" and index < len(items) - 1:
        items[index + 1], items[index] = items[index], items[index + 1]
    elif verb == "delete" and len(items) > 1:
        items.pop(index)


def starter(slug: str, title: str, description: str) -> dict[str, Any]:
    """Return the data of a new questionnaire: one section with one question to edit."""
    return {
        "slug": slug,
        "version": 1,
        "title": title,
        "description": description or title,
        "sections": [
            {
                "id": "general",
                "title": "General",
                "questions": [{"id": "new_question", "type": "yes_no", "text": NEW_QUESTION_TEXT}],
            }
        ],
    }


def unexplained_errors(
    findings: list[LocatedFinding], reasons: Mapping[str, str]
) -> list[LocatedFinding]:
    """Return the error-level findings that have no recorded reason (they block release)."""
    return [
        item
        for item in findings
        if item.finding.severity is Severity.ERROR
        and not reasons.get(finding_key(item), "").strip()
    ]


def finding_key(item: LocatedFinding) -> str:
    """Return a stable key for a finding: its rule and where it is."""
    return f"{item.finding.rule}@{item.path_text}"


def as_data(definition: QuestionnaireDefinition) -> dict[str, Any]:
    """Return a definition as the plain data the editor works on."""
    return definition.model_dump(mode="json", by_alias=True, exclude_none=True)
