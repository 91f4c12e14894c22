"""Reading evidence: find a quoted snippet on a page's text, and lay answers beside facts.

Snippets were cut from text with its whitespace collapsed, so a quote is matched word by word
across any run of whitespace, ignoring case. Nothing here parses HTML: segments are plain text
that the template escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

MAX_QUOTE = 500
_FALLBACK_WORDS = 8


@dataclass(frozen=True)
class Segment:
    text: str
    is_match: bool = False


@dataclass(frozen=True)
class QuestionAnswer:
    question_id: str
    text: str
    maps_to: str
    answer: object


@dataclass(frozen=True)
class ComparisonRow:
    question_id: str
    question: str
    claim: str
    answer: str
    document_shows: str
    status: str  # "consistent", "contradiction" or "not_checked"
    note: str = ""
    document_id: str | None = None
    document_name: str | None = None
    page: int | None = None

    @property
    def is_contradicted(self) -> bool:
        """Tell whether the document says otherwise."""
        return self.status == "contradiction"


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)


def highlight(page_text: str, quote: str) -> list[Segment]:
    """Split page text into segments, marking where the quote appears (first match only)."""
    words = quote[:MAX_QUOTE].split()
    if not words:
        return [Segment(page_text)]
    match = _pattern(words).search(page_text)
    if match is None and len(words) > _FALLBACK_WORDS:
        # Snippets are cut mid-word at both ends; the inner words still find the place.
        match = _pattern(words[1 : 1 + _FALLBACK_WORDS]).search(page_text)
    if match is None:
        return [Segment(page_text)]
    start, end = match.span()
    segments = [Segment(page_text[:start]), Segment(page_text[start:end], True)]
    segments.append(Segment(page_text[end:]))
    return [segment for segment in segments if segment.text]


def has_match(segments: Iterable[Segment]) -> bool:
    """Tell whether any segment is a highlighted match."""
    return any(segment.is_match for segment in segments)


def show_value(value: object) -> str:
    """Render an answer or fact for reading: lists joined, booleans as yes/no, nothing as —."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show_value(item) for item in value)
    if isinstance(value, str):
        return value.replace("_", " ") if value.isidentifier() else value
    return str(value)


def compare(
    answers: Sequence[QuestionAnswer],
    checks: Mapping[str, Mapping[str, object]],
    document_names: Mapping[str, str],
) -> list[ComparisonRow]:
    """Pair every answered mapped question with the check of its claim against its document.

    ``checks`` are the score's claim checks by claim; an answer the score did not check (it was
    not submitted, or its value cannot be read as a claim) is shown as not checked.
    """
    rows = []
    for item in answers:
        check = checks.get(item.maps_to, {})
        document_id = check.get("document_id")
        page = check.get("page")
        rows.append(
            ComparisonRow(
                question_id=item.question_id,
                question=item.text,
                claim=item.maps_to,
                answer=show_value(item.answer),
                document_shows=show_value(check.get("shows")),
                status=str(check.get("status") or "not_checked"),
                note=str(check.get("note") or ("" if check else "not part of the latest score")),
                document_id=str(document_id) if document_id else None,
                document_name=document_names.get(str(document_id)) if document_id else None,
                page=page if isinstance(page, int) else None,
            )
        )
    return rows
