"""Field rules for dates: examination period, report date, bridge and certificate dates."""

from __future__ import annotations

import re
from datetime import date

from app.reports.domain import layout
from app.reports.domain.dates import DATE_PATTERN, find_ranges, is_date_line, parse_date
from app.reports.domain.layout import Document
from app.reports.domain.signature import signature_block
from app.reports.domain.sources import find_in, narrative_spans, sentence_around, weight_at
from app.reports.domain.voting import Decision, Vote, decide, snippet

Period = tuple[date | None, date]

_PERIOD_CUE = re.compile(
    r"(?:period|covering|covered|from|between|for|throughout)\s*(?:of|from|:)?\s*$", re.IGNORECASE
)
_OTHER_PERIOD = re.compile(
    r"\b(?:prior|previous|preceding|last)\s+(?:year'?s?\s+)?(?:period|report|examination|audit|"
    r"soc)|\bnext\b|\bupcoming\b|\bwill\s+cover\b|\bis\s+expected\b|\bscheduled\b|"
    r"\bbridge\s+period\b|\bgap\s+period\b",
    re.IGNORECASE,
)
_BRIDGE_CUE = re.compile(
    r"\bbridge\b|\bgap\b|this\s+letter|since\s+the\s+end|subsequent\s+to|no\s+material\s+changes|"
    r"not\s+aware",
    re.IGNORECASE,
)
_FUTURE_CUE = re.compile(
    r"\bnext\b|\bupcoming\b|\bwill\s+cover\b|\bexpected\b|\bscheduled\b|\bplanned\b", re.IGNORECASE
)
_AS_OF = re.compile(rf"\bas\s+of\s+(?P<date>{DATE_PATTERN})", re.IGNORECASE)
_ENDING = re.compile(rf"\bperiod\s+end(?:ing|ed)\s+(?P<date>{DATE_PATTERN})", re.IGNORECASE)
_AS_OF_SECTIONS = {layout.COVER, layout.AUDITOR_REPORT, layout.ASSERTION}
_LABELLED_REPORT_DATE = re.compile(
    rf"\b(?:report\s+date|date\s+of\s+(?:the\s+)?report|report\s+issued(?:\s+on)?)\s*:?\s*"
    rf"(?P<date>{DATE_PATTERN})",
    re.IGNORECASE,
)
_ISSUE_DATE = re.compile(
    rf"(?<!original\s)\b(?:date\s+of\s+issue|issue\s+date|date\s+issued|issued\s+on|"
    rf"(?:re-?)?issue(?:d)?|current\s+certificate\s+date|certificate\s+date)\s*:?\s*"
    rf"(?P<date>{DATE_PATTERN})",
    re.IGNORECASE,
)
_EXPIRY_DATE = re.compile(
    rf"\b(?:expiry\s+date|expiration\s+date|date\s+of\s+expiry|expires(?:\s+on)?|valid\s+"
    rf"(?:until|through|to|thru)|valid\s+till)\s*:?\s*(?P<date>{DATE_PATTERN})",
    re.IGNORECASE,
)


_PART_OF_PERIOD = re.compile(
    r"\bonly\s+(?:for|during|from|between|in)\b[^.\n]{0,30}$|\b(?:added|removed|migrated)\b"
    r"[^.\n]{0,40}\b(?:during|for)\s+the\s+period\s*$",
    re.IGNORECASE,
)


def period_votes(doc: Document) -> list[Vote[Period]]:
    """Collect every statement of the examination period (range or "as of" date)."""
    text = doc.text
    votes: list[Vote[Period]] = []
    ranges = (r for span in narrative_spans(doc) for r in find_ranges(text, *span))
    for start, end, first, last in ranges:
        if _OTHER_PERIOD.search(sentence_around(text, start, end)):
            continue
        if _PART_OF_PERIOD.search(text[max(0, start - 60) : start]):
            # A product or site in scope for part of the period is no rival period.
            continue
        cue = 1.0 if _PERIOD_CUE.search(text[max(0, start - 40) : start]) else 0.3
        weight = weight_at(doc, start) * cue
        quote = snippet(text, start, end)
        votes.append(Vote((first, last), weight, doc.page_at(start), quote, _source(doc, start)))
    for pattern in (_AS_OF, _ENDING):
        for match in find_in(pattern, doc):
            if doc.section_kind_at(match.start()) not in _AS_OF_SECTIONS:
                continue
            if _OTHER_PERIOD.search(sentence_around(text, match.start(), match.end())):
                continue
            day = parse_date(match.group("date"))
            if day:
                quote = snippet(text, match.start(), match.end())
                weight = weight_at(doc, match.start()) * (0.8 if pattern is _AS_OF else 0.5)
                page = doc.page_at(match.start())
                votes.append(Vote((None, day), weight, page, quote, _source(doc, match.start())))
    return votes


def decide_period(doc: Document) -> Decision[Period]:
    """Choose the examination period by weighted vote."""
    return decide(period_votes(doc))


def _source(doc: Document, offset: int) -> str:
    return f"{doc.section_kind_at(offset)}:{doc.page_at(offset)}"


def report_date_votes(doc: Document) -> list[Vote[date]]:
    """Collect the date under the auditor's signature and labelled report dates."""
    votes: list[Vote[date]] = []
    for section in doc.sections:
        if section.kind != layout.AUDITOR_REPORT:
            continue
        block = signature_block(doc, section)
        if block is not None:
            index = block.date_index
            near = " / ".join(doc.line_texts[max(0, index - 3) : index + 1])
            page = doc.line_pages[index]
            votes.append(Vote(block.day, 3.0, page, near[:160], f"signature:{page}"))
    for match in find_in(_LABELLED_REPORT_DATE, doc):
        day = parse_date(match.group("date"))
        if day:
            quote = snippet(doc.text, match.start(), match.end())
            page = doc.page_at(match.start())
            votes.append(Vote(day, 2.0, page, quote, f"label:{page}"))
    return votes


def letter_date(doc: Document) -> Decision[date]:
    """Find the date a letter is dated: a date-only line near the top of page 1."""
    for text, page in zip(doc.line_texts[:12], doc.line_pages, strict=False):
        if is_date_line(text):
            day = parse_date(text.strip(" :."))
            if day:
                return decide([Vote(day, 2.0, page, text, "letter-date")])
    match = re.search(rf"\bdate\s*:?\s*(?P<date>{DATE_PATTERN})", doc.text, re.IGNORECASE)
    if match and (day := parse_date(match.group("date"))):
        quote = snippet(doc.text, match.start(), match.end())
        return decide([Vote(day, 1.0, doc.page_at(match.start()), quote, "letter-date")])
    return Decision(value=None)


def bridge_periods(doc: Document) -> tuple[Decision[Period], Decision[date]]:
    """Split a bridge letter's ranges into the extended report's period and the bridge end."""
    text = doc.text
    report: list[Vote[Period]] = []
    bridge: list[Vote[date]] = []
    for start, end, first, last in find_ranges(text):
        sentence = sentence_around(text, start, end)
        if _FUTURE_CUE.search(sentence):
            continue
        quote, page = snippet(text, start, end), doc.page_at(start)
        if _is_bridge_range(text, start, end, sentence):
            bridge.append(Vote(last, 2.0, page, quote, f"bridge:{start}"))
        else:
            report.append(Vote((first, last), 2.0, page, quote, f"report:{start}"))
    # "As of February 18, 2025, the company is not aware of any material changes": the date
    # management vouches for is the end of the bridged period.
    for match in _AS_OF_NO_CHANGES.finditer(text):
        day = parse_date(match.group("date"))
        if day:
            quote = snippet(text, match.start(), match.end())
            # Management vouches only up to that date, whatever range the letter names.
            bridge.append(Vote(day, 3.0, doc.page_at(match.start()), quote, "as-of-no-changes"))
    report_period = decide(report)
    if report_period.value is not None:
        report_end = report_period.value[1]
        bridge = [vote for vote in bridge if vote.value > report_end]
    return report_period, decide(bridge)


_AS_OF_NO_CHANGES = re.compile(
    rf"\b(?:as\s+of|through|until)\s+(?P<date>{DATE_PATTERN}),?\s+(?:[^.]{{0,80}}?\s)?"
    r"(?:(?:is|are|was|were)\s+not\s+aware\s+of\s+any|there\s+(?:have\s+been|were)\s+no)\s+"
    r"material\s+changes",
    re.IGNORECASE,
)

_DEFINED_AS_BRIDGE = re.compile(r"^\s*\((?:the\s+)?[“\"](?:bridge|gap)", re.IGNORECASE)
_DEFINED_AS_REPORT = re.compile(
    r"^\s*\((?:the\s+)?[“\"](?:report|examination|review|audit)", re.IGNORECASE
)
_REPORT_BEFORE = re.compile(
    r"\b(?:report|examination|audit)\b[^.\n]{0,40}\b(?:period|covered|covering)\b[^.\n]{0,12}$",
    re.IGNORECASE,
)


def _is_bridge_range(text: str, start: int, end: int, sentence: str) -> bool:
    """Tell a bridged (gap) period from the period of the report being extended."""
    following = text[end : end + 40]
    if _DEFINED_AS_BRIDGE.search(following):
        return True
    if _DEFINED_AS_REPORT.search(following) or _REPORT_BEFORE.search(
        text[max(0, start - 80) : start]
    ):
        return False
    return bool(_BRIDGE_CUE.search(sentence))


def certificate_dates(doc: Document) -> tuple[Decision[date], Decision[date]]:
    """Read a certificate's issue date and expiry date from their labels."""
    issued: list[Vote[date]] = []
    expiry: list[Vote[date]] = []
    for pattern, votes in ((_ISSUE_DATE, issued), (_EXPIRY_DATE, expiry)):
        for match in pattern.finditer(doc.text):
            day = parse_date(match.group("date"))
            if day:
                quote = snippet(doc.text, match.start(), match.end())
                votes.append(Vote(day, 1.0, doc.page_at(match.start()), quote, "label"))
    return decide(issued), decide(expiry)
