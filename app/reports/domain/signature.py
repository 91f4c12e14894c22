"""The signature block that closes an auditor's report: firm, place and date in any order.

Real blocks read "Firm LLP / City, State / Month D, YYYY", "D Month YYYY / City, ST" (the
firm signs with an image), or "City, State. Month D, YYYY" on one line. The block follows
the opinion paragraph, so it is looked for there first and at the end of the section only
when no opinion paragraph is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.reports.domain.dates import DATE_PATTERN, is_date_line, parse_date
from app.reports.domain.layout import Document, Section
from app.reports.domain.names import has_legal_suffix

_OPINION_LINE = re.compile(r"\bin\s+our\s+opinion\b|^opinion$", re.IGNORECASE)
# A place: "San Jose, CA", "Waukee, Iowa", "New York City, New York", "London, United Kingdom".
_PLACE = r"[A-Z][A-Za-z.'’ -]{1,40},\s*[A-Z][A-Za-z. ]{1,30}(?:\s+\d{5}(?:-\d{4})?)?"
_PLACE_LINE = re.compile(rf"^{_PLACE}\.?$")
_PLACE_THEN_DATE = re.compile(rf"^{_PLACE}[.,]?\s+(?P<date>{DATE_PATTERN})\.?$", re.IGNORECASE)
_DATE_THEN_PLACE = re.compile(rf"^(?P<date>{DATE_PATTERN})[.,]?\s+{_PLACE}\.?$", re.IGNORECASE)
_BLOCK_LINES = 25
_FIRM_LOOKBACK = 4


@dataclass(frozen=True)
class SignatureBlock:
    """Where the signature date sits, and the date."""

    date_index: int
    day: date


def signature_block(doc: Document, section: Section) -> SignatureBlock | None:
    """Find the dated signature block of an auditor's report section."""
    texts = doc.line_texts
    opinion = [i for i in range(section.start, section.end) if _OPINION_LINE.search(texts[i])]
    if opinion:
        stop = min(section.end, opinion[-1] + _BLOCK_LINES, len(texts))
        for index in range(opinion[-1], stop):
            if day := signature_date(texts[index]):
                return SignatureBlock(index, day)
        return None
    for index in range(section.end - 1, section.start, -1):
        if day := signature_date(texts[index]):
            return SignatureBlock(index, day)
    return None


def signature_date(line: str) -> date | None:
    """The date of a signature line: a date alone, or a date with the place it was signed."""
    text = " ".join(line.split())
    if is_date_line(text):
        return parse_date(re.sub(r"^dated:?\s*", "", text, flags=re.I).strip(" :."))
    for pattern in (_PLACE_THEN_DATE, _DATE_THEN_PLACE):
        if match := pattern.match(text):
            return parse_date(match.group("date").strip(" ."))
    return None


def is_place_line(line: str) -> bool:
    """Whether a line holds only a place, as under a firm's signature."""
    text = " ".join(line.split())
    # "Jay Maru, CPA" and "Quarry & Stone, LLP" have the shape of a place but are names.
    return bool(_PLACE_LINE.match(text)) and not has_legal_suffix(text.rstrip("."))


def lines_above(doc: Document, block: SignatureBlock, section: Section) -> list[int]:
    """Indexes of the lines just above the signature date, nearest first, skipping places."""
    indexes = []
    for index in range(
        block.date_index - 1, max(section.start, block.date_index - 1 - _FIRM_LOOKBACK), -1
    ):
        if is_place_line(doc.line_texts[index]):
            continue
        indexes.append(index)
    return indexes


def lines_below(doc: Document, block: SignatureBlock, section: Section) -> list[int]:
    """Indexes of the lines just below the signature date on its page (firm under the date)."""
    stop = min(section.end, block.date_index + 1 + _FIRM_LOOKBACK)
    page = doc.line_pages[block.date_index]
    return [
        i
        for i in range(block.date_index + 1, stop)
        if doc.line_pages[i] == page and not is_place_line(doc.line_texts[i])
    ]
