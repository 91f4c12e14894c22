"""Page layout of a report as text: running headers/footers and section boundaries.

Pure: takes the page texts and returns a `Document`, the body lines with their page
numbers, the running lines that were removed, and the sections found by headings.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, count, repeat
from operator import add
from typing import NamedTuple

from app.reports.domain.line_search import lines_with_words, lowered

# Section kinds; the keys of SOC-REPORTS.md §4.4 plus the cover before the first heading.
COVER = "cover"
AUDITOR_REPORT = "auditor_report"
ASSERTION = "assertion"
SUBSERVICE_ASSERTION = "subservice_assertion"
DESCRIPTION = "description"
TESTS = "tests_of_controls"
OTHER_INFO = "other_information"

_EDGE_LINES = 3
_MAX_HEADING_CHARS = 110
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$|^page\s+[ivxlc]+$",
    re.IGNORECASE,
)
_RESULT_LINE = re.compile(r"\b(?:exceptions?|deviations?)\b", re.IGNORECASE)
_NUMBERED_PREFIX = re.compile(
    r"^(?:(?:section|part|chapter)\s+(?:[ivx]{1,5}|\d{1,2}[a-z]?)(?:-[a-z])?|"
    r"(?:attachment|appendix|exhibit|schedule)\s+[a-z0-9]{1,3}|[ivx]{1,5}(?:-[a-z])?\.|\d{1,2}\.)"
    r"\s*[:.\-–—]?\s+",
    re.IGNORECASE,
)
_TOC_TITLE = re.compile(r"^(?:table\s+of\s+)?contents$", re.IGNORECASE)
_TOC_ENTRY_END = re.compile(r"(?:\.{2,}|\s)\s*\d{1,4}$")
_APOS = r"['’]?"
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            AUDITOR_REPORT,
            rf"independent\s+(?:service\s+)?(?:auditor|accountant|practitioner)s?{_APOS}s?{_APOS}"
            r"\s+(?:assurance\s+|examination\s+)?report|report\s+of\s+independent\s+"
            r"(?:accountants|auditors?|service\s+auditors?)",
        ),
        (SUBSERVICE_ASSERTION, rf"sub-?service\s+organi[sz]ation{_APOS}s?{_APOS}\s+assertion"),
        (
            TESTS,
            r"tests?\s+of\s+(?:the\s+)?(?:controls|operating\s+effectiveness)|results\s+of\s+tests|"
            r"testing\s+matri|information\s+provided\s+by\s+(?:the\s+)?(?:independent\s+)?"
            r"(?:service\s+)?auditor|related\s+controls|exceptions\s+noted\s+during\s+testing|"
            r"\bcontrols,?\s+and\s+tests\b",
        ),
        (
            OTHER_INFO,
            r"^other\s+information|\bother\s+information\s+provided|supplement(?:al|ary)\s+"
            rf"information|management{_APOS}s?\s+responses?",
        ),
        (ASSERTION, r"\bassertions?\b|statement\s+of\s+assertion"),
        (
            DESCRIPTION,
            r"description|overview\s+of\s+operations|boundaries|principal\s+service\s+"
            r"commitments|information\s+provided\s+by",
        ),
    )
)
_UNNUMBERED_ALLOWED = re.compile(
    rf"^(?:independent|report\s+of|assertion|management{_APOS}s\s+assertion|other\s+information|"
    r"supplement|description\s+of\s+(?:the\s+)?(?!tests)|(?:trust\s+services\s+criteria|"
    r"control\s+objectives),)",
    re.IGNORECASE,
)
_AUDITOR_HEADING_LINE = re.compile(
    rf"^independent\s+(?:service\s+)?(?:auditor|accountant|practitioner)s?{_APOS}s?{_APOS}\s+"
    r"(?:assurance\s+|examination\s+)?report$",
    re.IGNORECASE,
)
# "Lumenary Cloud, Inc.'s Assertion" style headings: a short line ending in the word.
_ENDS_WITH_ASSERTION = re.compile(r"assertion$", re.IGNORECASE)


class Line(NamedTuple):
    """One body line and the 1-based page it is printed on."""

    # A named tuple rather than a frozen dataclass: a long report has thousands of
    # lines, and a frozen dataclass costs several times more to build.

    text: str
    page: int


@dataclass(frozen=True)
class Section:
    """A run of body lines under one heading; `start`/`end` index `Document.lines`."""

    kind: str
    title: str
    start: int
    end: int
    page_start: int
    page_end: int


@dataclass(frozen=True)
class Document:
    """Body lines with running headers/footers removed, and the sections found.

    The body lines are kept as two parallel tuples, their texts and their pages: a long
    report has thousands of lines and the rules read them by index, so `Line` objects
    are only made when `lines` is asked for.
    """

    line_texts: tuple[str, ...]
    line_pages: tuple[int, ...]
    running_lines: tuple[Line, ...]
    sections: tuple[Section, ...]
    page_count: int
    text: str
    line_offsets: tuple[int, ...]
    # `text` in lower case, or None when lower-casing would not keep every offset.
    lowered_text: str | None = field(default=None, repr=False, compare=False)

    @cached_property
    def lines(self) -> tuple[Line, ...]:
        """Return the body lines with their pages."""
        return tuple(map(Line, self.line_texts, self.line_pages))

    def line_index_at(self, offset: int) -> int:
        """Return the index of the line containing a character offset of `text`."""
        return max(0, bisect.bisect_right(self.line_offsets, offset) - 1)

    def page_at(self, offset: int) -> int:
        """Return the page on which a character offset of `text` is printed."""
        if not self.line_pages:
            return 1
        return self.line_pages[self.line_index_at(offset)]

    def section_kind_at(self, offset: int) -> str:
        """Return the kind of the section containing a character offset of `text`."""
        index = self.line_index_at(offset)
        for section in self.sections:
            if section.start <= index < section.end:
                return section.kind
        return COVER

    def section_text(self, kind: str) -> list[tuple[int, str]]:
        """Return (offset, text) for every section of a kind, in reading order."""
        parts = []
        for section in self.sections:
            if section.kind == kind and section.end > section.start:
                begin = self.line_offsets[section.start]
                end = self._end_offset(section.end)
                parts.append((begin, self.text[begin:end]))
        return parts

    def has_section(self, kind: str) -> bool:
        """Tell whether a section of this kind was found."""
        return any(section.kind == kind for section in self.sections)

    def lines_with_words(self, words: tuple[str, ...]) -> list[int]:
        """Return the indexes of the lines containing any of these words, ignoring case."""
        return lines_with_words(words, self.text, self.line_offsets, self.lowered_text)

    def _end_offset(self, line_end: int) -> int:
        return self.line_offsets[line_end] if line_end < len(self.line_texts) else len(self.text)


def build_document(pages: Sequence[str]) -> Document:
    """Split pages into body lines, drop running headers/footers and find sections."""
    page_lines = [[text for text in map(str.strip, page.split("\n")) if text] for page in pages]
    keys: dict[str, str] = {}
    running_keys = _running_keys(page_lines, keys)
    texts: list[str] = []
    line_pages: list[int] = []
    running: list[Line] = []
    for number, lines in enumerate(page_lines, start=1):
        # Only the lines at the top and bottom of a page can be running headers/footers.
        head_end = min(_EDGE_LINES, len(lines))
        tail_start = max(head_end, len(lines) - _EDGE_LINES)
        for text in lines[:head_end]:
            _place_edge_line(Line(text, number), running_keys, keys, texts, line_pages, running)
        texts.extend(lines[head_end:tail_start])
        line_pages.extend(repeat(number, tail_start - head_end))
        for text in lines[tail_start:]:
            _place_edge_line(Line(text, number), running_keys, keys, texts, line_pages, running)
    # offset of line i = the lengths of the lines before it plus one line break each
    offsets = list(map(add, accumulate(map(len, texts), initial=0), count()))
    offsets.pop()
    body_text = "\n".join(texts)
    low = lowered(body_text)
    return Document(
        line_texts=tuple(texts),
        line_pages=tuple(line_pages),
        running_lines=tuple(running),
        sections=tuple(_find_sections(texts, line_pages, (body_text, low), offsets, page_lines)),
        page_count=len(pages),
        text=body_text,
        line_offsets=tuple(offsets),
        lowered_text=low,
    )


def _place_edge_line(
    line: Line,
    running_keys: set[str],
    keys: dict[str, str],
    texts: list[str],
    pages: list[int],
    running: list[Line],
) -> None:
    is_running = _PAGE_NUMBER.match(line.text) or (
        running_keys and _cached_key(line.text, keys) in running_keys
    )
    if is_running:
        running.append(line)
    else:
        texts.append(line.text)
        pages.append(line.page)


_DIGITS = re.compile(r"\d+")


def _line_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _cached_key(text: str, keys: dict[str, str]) -> str:
    """Return the line key of a text; running lines repeat on every page, so keys are memoised."""
    key = keys.get(text)
    if key is None:
        key = keys[text] = _line_key(text)
    return key


def _running_keys(page_lines: list[list[str]], keys: dict[str, str]) -> set[str]:
    """Return keys of lines repeated once per page at the top or bottom of many pages."""
    if len(page_lines) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        edges = set(lines[:_EDGE_LINES] + lines[-_EDGE_LINES:])
        # A running header or footer is printed once per page; table cell text that
        # happens to sit at a page edge usually repeats within the page as well.
        repeated = {text for text in edges if lines.count(text) > 1}
        counts.update(
            _cached_key(text, keys) for text in edges - repeated if not _RESULT_LINE.search(text)
        )
    threshold = max(3, int(0.4 * len(page_lines)))
    return {key for key, count in counts.items() if count >= threshold}


_HEADING_WORDS = (
    "report", "assertion", "description", "controls", "information", "responses",
    "boundaries", "commitments", "tests", "results", "matri", "provided",
)  # fmt: skip
_HEADING_HINT = re.compile("|".join(_HEADING_WORDS), re.IGNORECASE)


def heading_kind(text: str) -> tuple[str, bool] | None:
    """Classify a heading line: (section kind, numbered?) or None if not a heading."""
    if len(text) > _MAX_HEADING_CHARS or not _HEADING_HINT.search(text):
        return None
    prefix = _NUMBERED_PREFIX.match(text)
    title = text[prefix.end() :] if prefix else text
    allowed = bool(prefix) or bool(
        _UNNUMBERED_ALLOWED.match(title) or _ENDS_WITH_ASSERTION.search(title)
    )
    if not title or not allowed:
        return None
    # "Independent service auditor's report" in sentence case is still the heading when the
    # line says nothing else.
    if (
        not prefix
        and (title.endswith((".", ",", ";")) or not _looks_like_title(title))
        and not _AUDITOR_HEADING_LINE.match(title)
    ):
        return None
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(title):
            return kind, prefix is not None
    return None


_SMALL_WORDS = {"of", "and", "the", "to", "for", "in", "on", "by", "a", "an", "its", "&"}


def _looks_like_title(text: str) -> bool:
    words = [w for w in re.findall(r"[\w'’&]+", text) if w.lower() not in _SMALL_WORDS]
    if not words or len(words) > 14:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.7 * len(words)


def _toc_pages(page_lines: list[list[str]]) -> set[int]:
    pages = set()
    for number, lines in enumerate(page_lines, start=1):
        if any(_TOC_TITLE.match(text) for text in lines[:6]):
            pages.add(number)
    return pages


# The cheap first test of a line, so only a few lines reach the heading dictionary.
_HEADING_START = re.compile(
    f"{_NUMBERED_PREFIX.pattern}|{_UNNUMBERED_ALLOWED.pattern}", re.IGNORECASE
)
_ASSERTION_ENDINGS = ("ssertion", "SSERTION")


def _heading_candidates(texts: list[str], hinted: list[int]) -> list[int]:
    """Return the indexes of lines that pass the cheap first test for a heading.

    `hinted` are the lines that contain a heading word. Every heading contains one,
    itself or, for a numbered heading wrapped onto two lines, on its next line; so only
    those lines and the lines just before them need the test.
    """
    start = _HEADING_START.match
    near = sorted({*hinted, *(index - 1 for index in hinted if index > 0)})
    return [
        index
        for index in near
        if len(text := texts[index]) <= _MAX_HEADING_CHARS
        and (start(text) or text.endswith(_ASSERTION_ENDINGS))
    ]


def _find_sections(
    texts: list[str],
    pages: list[int],
    text: tuple[str, str | None],
    offsets: list[int],
    page_lines: list[list[str]],
) -> list[Section]:
    toc = _toc_pages(page_lines)
    headings: list[tuple[int, str, bool]] = []
    hinted = lines_with_words(_HEADING_WORDS, text[0], offsets, text[1])
    for index in _heading_candidates(texts, hinted):
        line = texts[index]
        if pages[index] in toc or _TOC_ENTRY_END.search(line):
            continue
        if index > 0 and _opens_quote(texts[index - 1]):
            # The line continues a quoted title in running text, e.g. an assertion's name.
            continue
        found = heading_kind(line)
        if found is None and index + 1 < len(texts) and _NUMBERED_PREFIX.match(line):
            # A long numbered heading wraps onto a second line.
            found = heading_kind(f"{line} {texts[index + 1]}")
        if found:
            headings.append((index, found[0], found[1]))
    numbered_kinds = {kind for _, kind, numbered in headings if numbered}
    kept = [(i, kind) for i, kind, numbered in headings if numbered or kind not in numbered_kinds]
    sections: list[Section] = []
    starts = [(0, COVER)] if not kept or kept[0][0] > 0 else []
    spans = starts + kept
    # Each section ends where the next one starts, the last one at the end of the body.
    ends = [i for i, _ in spans[1:]] + [len(texts)]
    for (start, kind), end in zip(spans, ends, strict=True):
        if sections and sections[-1].kind == kind:
            previous = sections.pop()
            start = previous.start
        if end > start:
            sections.append(_section(texts, pages, kind, start, end))
    return sections


def _opens_quote(text: str) -> bool:
    """Whether a line leaves a quotation open at its end."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _section(texts: list[str], pages: list[int], kind: str, start: int, end: int) -> Section:
    return Section(
        kind=kind,
        title=texts[start],
        start=start,
        end=end,
        page_start=pages[start],
        page_end=pages[end - 1],
    )


_ATOM_ID = r"(?:[A-Z]{1,8}[-.]?)?\d{1,4}(?:[.-]\d{1,4}){1,3}[a-z]?"
_ATOM_RESULT = (
    r"(?i:no\s+(?:relevant\s+)?(?:exceptions|deviations)\s+noted"
    r"|(?:exceptions?|deviations?)\s+noted)\.?"
)
_ATOM_ID_LINE = re.compile(rf"{_ATOM_ID}$")
_ATOM_RESULT_LINE = re.compile(rf"{_ATOM_RESULT}$")
_MAX_ATOM_CHARS = 32


def rows_out_of_order(page_text: str) -> bool:
    """Tell whether a page's table cells came out column by column instead of by row.

    Read row by row, a control-test table alternates control ids, descriptions and
    results; read column by column it yields runs of bare ids or bare results.
    """
    run_kind, run_length = "", 0
    for raw in page_text.split("\n"):
        text = raw.strip()
        if not text:
            continue
        kind = ""
        # Bare cells are short; testing length first keeps this cheap on prose lines.
        if len(text) <= _MAX_ATOM_CHARS:
            kind = (
                "id"
                if _ATOM_ID_LINE.match(text)
                else "result"
                if _ATOM_RESULT_LINE.match(text)
                else ""
            )
        run_length = run_length + 1 if kind and kind == run_kind else (1 if kind else 0)
        run_kind = kind
        if run_length >= 3:
            return True
    return False
