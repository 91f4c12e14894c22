"""Answers in words: a choice by its label, an upload by its file name, never a stored code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.questionnaires.domain.definition import Question
from app.questionnaires.domain.vocabulary import NOT_APPLICABLE, TRUST_CENTER_TERMS, QuestionType

NO_ANSWER = "—"
_YES_NO = {"yes": "Yes", "no": "No"}


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def answer_words(question: Question, value: Any, file_names: Mapping[str, str]) -> str:
    """Return an answer as the person who gave it saw it.

    ``file_names`` maps a document's id (as stored in an upload answer) to its file name; a file
    that is no longer there is said to be removed rather than shown by its number.
    """
    if value is None or value == "" or value == []:
        return NO_ANSWER
    if value == NOT_APPLICABLE:
        return "Not applicable"
    kind = question.type
    if kind is QuestionType.YES_NO:
        return _YES_NO.get(str(value), str(value))
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        labels = {choice.value: choice.label for choice in question.choices or ()}
        return ", ".join(labels.get(item, item) for item in _items(value))
    if kind is QuestionType.FILE_UPLOAD:
        names = [file_names.get(item, "a file since removed") for item in _items(value)]
        return ", ".join(names)
    if kind is QuestionType.TRUST_CENTER:
        address, *rest = _items(value)
        terms = TRUST_CENTER_TERMS.get(rest[0], "") if rest else ""
        return f"{address} ({terms})" if terms else address
    if isinstance(value, list | tuple):
        return ", ".join(_items(value))
    return str(value)
