"""Date grammar of assurance reports: US and day-first long dates, ISO dates, ranges."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
DATE_PATTERN = (
    rf"(?:{_MONTH}\s+\d{{1,2}}{_ORDINAL},?\s+{_YEAR}"
    rf"|\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
    rf"|{_YEAR}-\d\d-\d\d)"
)
_US = re.compile(rf"^({_MONTH})\s+(\d{{1,2}}){_ORDINAL},?\s+({_YEAR})$", re.IGNORECASE)
_DAY_FIRST = re.compile(
    rf"^(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?({_MONTH}),?\s+({_YEAR})$", re.IGNORECASE
)
_ISO = re.compile(rf"^({_YEAR})-(\d\d)-(\d\d)$")
_DATE = re.compile(rf"\b{DATE_PATTERN}\b", re.IGNORECASE)
RANGE_SPLITTER = r"(?:to|through|thru|until|and|–|—|-|~)"
_RANGE = re.compile(
    rf"\b(?P<start>{DATE_PATTERN}),?\s*{RANGE_SPLITTER}\s*(?:and\s+including\s+)?"
    rf"(?P<end>{DATE_PATTERN})\b",
    re.IGNORECASE,
)
_DATE_ONLY_LINE = re.compile(rf"^(?:dated:?\s*)?{DATE_PATTERN}\.?$", re.IGNORECASE)


def parse_date(text: str) -> date | None:
    """Parse one written date ("March 31, 2025", "31st March 2025", "2025-03-31")."""
    text = " ".join(text.split())
    parts: tuple[str, str, str] | None = None
    if match := _US.match(text):
        parts = (match.group(3), match.group(1), match.group(2))
    elif match := _DAY_FIRST.match(text):
        parts = (match.group(3), match.group(2), match.group(1))
    elif match := _ISO.match(text):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    if parts is None:
        return None
    year, month_name, day = parts
    try:
        return date(int(year), _MONTHS[month_name[:3].lower()], int(day))
    except ValueError:
        return None


def find_dates(text: str) -> Iterator[tuple[int, int, date]]:
    """Yield (start, end, date) for every written date in the text."""
    for match in _DATE.finditer(text):
        parsed = parse_date(match.group(0))
        if parsed:
            yield match.start(), match.end(), parsed


def find_ranges(
    text: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int, date, date]]:
    """Yield (start, end, first, last) for every "date to date" range in the text."""
    for match in _RANGE.finditer(text, start, len(text) if end is None else end):
        first, last = parse_date(match.group("start")), parse_date(match.group("end"))
        if first and last and first < last:
            yield match.start(), match.end(), first, last


def is_date_line(text: str) -> bool:
    """Tell whether a line holds nothing but a date (as under a signature)."""
    return bool(_DATE_ONLY_LINE.match(text.strip()))
