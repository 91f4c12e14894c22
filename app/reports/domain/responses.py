"""Management's responses to exceptions, as Section 5 ("Other Information") prints them.

A response is tied to its exception by the control's id at the start of a line ("CC6.4.2
Management agrees ..."), or by its criterion ("CC6.2 Management ...") when the report names
only that, in tables as in prose, and runs to the next control id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.reports.domain import layout
from app.reports.domain.facts import ControlException
from app.reports.domain.layout import Document

_RESPONSE_CUE = re.compile(r"\bresponses?\b", re.IGNORECASE)
_NEXT_ID = re.compile(r"\n(?=(?:[A-Z]{1,8}[-.]?)?\d{1,3}[.\-]\d)")
_RESPONSE_CHARS = 600


def with_responses(
    doc: Document, exceptions: Sequence[ControlException]
) -> tuple[ControlException, ...]:
    """Attach management's response to each exception whose control it names."""
    parts = [
        (base, text)
        for base, text in doc.section_text(layout.OTHER_INFO)
        if _RESPONSE_CUE.search(text)
    ]
    if not parts:
        return tuple(exceptions)
    answered: list[ControlException] = []
    for item in exceptions:
        # By the control's id, or by its criterion when the response names only that.
        keys = [key for key in (item.control_id, *item.criteria) if key]
        response = next(
            (found for key in keys if (found := _response_for(key, parts)) is not None), None
        )
        answered.append(
            item.model_copy(update={"management_response": response}) if response else item
        )
    return tuple(answered)


def _response_for(control_id: str, parts: list[tuple[int, str]]) -> str | None:
    pattern = re.compile(rf"(?:^|\n){re.escape(control_id)}(?![\w.])[ \t:–-]*", re.MULTILINE)
    for _base, text in parts:
        match = pattern.search(text)
        if match is None:
            continue
        end = min(len(text), match.end() + _RESPONSE_CHARS)
        following = _NEXT_ID.search(text, match.end(), end)
        response = " ".join(text[match.end() : following.start() if following else end].split())
        if response:
            return response
    return None
