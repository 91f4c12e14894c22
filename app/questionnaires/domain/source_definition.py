"""Turn a published questionnaire into one of our definitions.

Question ids come from source IDs (`A&A-01.1` → `a_a_01_1`) and every question keeps its
source ID; an "If no, explain" sentence becomes a long-text question shown only for that
answer; VSAQ conditions are rewritten onto our ids.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.source import SourceQuestion, SourceQuestionnaire, identifier
from app.questionnaires.domain.vocabulary import CHOICE_TYPES, DocumentKind, QuestionType

MAX_TEXT: Final = 2000


def _question(question: SourceQuestion, qid: str, ids: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": qid,
        "source_id": question.source_id,
        "type": question.kind.value,
        "text": question.text[:MAX_TEXT],
        "required": False,
    }
    if question.help:
        data["help"] = question.help[:MAX_TEXT]
    if question.allow_na:
        data["allow_na"] = True
    if question.kind in CHOICE_TYPES:
        data["choices"] = [{"value": v, "label": label[:MAX_TEXT]} for v, label in question.choices]
    if question.kind is QuestionType.FILE_UPLOAD:
        data["document_kinds"] = [DocumentKind.OTHER.value]
    if question.shown_if is not None:
        condition = _rewrite(question.shown_if, ids)
        if condition is not None:
            data["show_if"] = condition
    return data


def _rewrite(condition: dict[str, Any], ids: dict[str, str]) -> dict[str, Any] | None:
    """Point a condition's `question` keys at our ids; drop parts naming unknown questions."""
    for key in ("and", "or"):
        if key in condition:
            inner = [_rewrite(part, ids) for part in condition[key]]
            kept = [part for part in inner if part is not None]
            if not kept:
                return None
            return kept[0] if len(kept) == 1 else {key: kept}
    target = ids.get(str(condition.get("question")))
    return None if target is None else {**condition, "question": target}


def _usable(question: SourceQuestion) -> bool:
    if question.kind in CHOICE_TYPES:
        return len(question.choices) >= 2
    return True


def to_definition(
    source: SourceQuestionnaire, *, slug: str, title: str, version: int
) -> QuestionnaireDefinition:
    """Build a definition holding every question of the source, in its order."""
    sections: list[dict[str, Any]] = []
    section_ids: set[str] = set()
    question_ids: set[str] = set()
    ids: dict[str, str] = {}
    for original in source.questions:
        question = original
        if not _usable(question):
            question = replace(question, kind=QuestionType.LONG_TEXT, choices=())
        qid = identifier(question.source_id, question_ids)
        title_text = question.section[:MAX_TEXT]
        if not sections or sections[-1]["title"] != title_text:
            # a title met again later opens a new section, so the order of questions holds
            ident = identifier(question.section, section_ids)
            sections.append({"id": ident, "title": title_text, "questions": []})
        items = sections[-1]["questions"]
        items.append(_question(question, qid, ids))
        ids[question.source_id] = qid
        if question.follow_up is not None:
            items.append(
                {
                    "id": identifier(f"{qid}_detail", question_ids),
                    "type": QuestionType.LONG_TEXT.value,
                    "text": question.follow_up.text[:MAX_TEXT],
                    "required": False,
                    "show_if": {"question": qid, "equals": question.follow_up.when},
                }
            )
    data = {
        "slug": slug,
        "version": version,
        "title": title,
        "description": source.title or title,
        "sections": sections,
    }
    return QuestionnaireDefinition.model_validate(data)
