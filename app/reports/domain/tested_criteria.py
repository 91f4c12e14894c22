"""Which trust services criteria the tests of controls (Section 4) cover, and on what page.

A SOC 2 Type 2 lists its controls under the criteria they meet, either as criterion headers
("CC6.1: The entity implements ...") or in a criteria column ("CC6.1" in a cell, which may
share a line with the other cells of its row). Every criterion named in the tests section
counts as tested, with the page where it first appears, whether or not one of its controls
has an exception: which results failed is read by `tests_of_controls`.
"""

from __future__ import annotations

import re

from app.reports.domain import layout
from app.reports.domain.facts import Evidence
from app.reports.domain.layout import Document

# The evidence key under which a report's tested criteria are stored, one snippet each.
TESTED_CRITERIA = "tested_criteria"

# A whole criterion id, not part of a longer number ("CC6.1.2" is a control id under CC6.1).
# The id comes first in the pattern so that the search skips ahead to its first letters; the
# character before it is checked afterwards.
_CRITERION = re.compile(r"(?P<id>(?:CC[1-9]|A1|C1|PI1|P[1-8])\.\d{1,2})(?!\d)")


def tested_criteria(doc: Document) -> tuple[Evidence, ...]:
    """Return one snippet per criterion listed in the tests section: its id and first page."""
    first_page: dict[str, int] = {}
    for base, text in doc.section_text(layout.TESTS):
        for match in _CRITERION.finditer(text):
            if match["id"] in first_page or _joined_to_previous(text, match.start()):
                continue
            first_page[match["id"]] = doc.page_at(base + match.start("id"))
    return tuple(
        Evidence(page=page, snippet=criterion)
        for criterion, page in sorted(first_page.items(), key=lambda item: _order(item[0]))
    )


def _joined_to_previous(text: str, start: int) -> bool:
    before = text[start - 1] if start else " "
    return before.isalnum() or before in "._"


def _order(criterion: str) -> tuple[str, int, int]:
    family, _, number = criterion.partition(".")
    digits = "".join(ch for ch in family if ch.isdigit())
    return (family.rstrip("0123456789"), int(digits or 0), int(number))
