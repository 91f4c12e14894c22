"""Field rules for who the report is about and who signed it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.reports.domain import layout
from app.reports.domain.layout import Document
from app.reports.domain.names import (
    NAME_PATTERN,
    NAME_WITH_SUFFIX_PATTERN,
    clean_name,
    has_legal_suffix,
    normalize_name,
    preferred_form,
    same_entity,
)
from app.reports.domain.signature import lines_above, lines_below, signature_block
from app.reports.domain.sources import find_in, weight_at
from app.reports.domain.voting import Decision, Vote, decide, snippet

_N = rf"(?P<name>{NAME_PATTERN})"
_POSSESSIVE = r"(?:['’][sS]?)"
_M = re.MULTILINE
_ADDRESSEE = (
    r"(?:the\s+)?(?:Board\s+of\s+Directors\s+(?:and\s+(?:the\s+)?Management\s+)?of\s+"
    r"|(?:the\s+)?Management\s+of\s+"
    r"|(?:Our\s+)?(?:Valued\s+)?Customers(?:\s+and\s+Prospective\s+Customers)?\s+of\s+)"
)
_DEFINED_TERM = (
    r"\s+\((?:the\s+)?[“\"](?!sub)[A-Z][^”\"]{0,40}[”\"],?"
    r"(?:\s+or\s+(?:the\s+)?[“\"](?:Company|Service\s+Organization|Organization)[”\"])?\)"
)
# Places a report names the organization it is about (SOC-REPORTS.md §1.5).
_ORG_PATTERNS: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    (
        "examined",
        2.0,
        re.compile(
            r"\bWe\s+have\s+examined\s+(?:the\s+accompanying\s+description\s+of\s+)?"
            rf"{_N}{_POSSESSIVE}\s"
        ),
    ),
    (
        "report-on",
        2.0,
        re.compile(rf"\b(?i:Report\s+on)\s+{_N}{_POSSESSIVE}\s+(?i:Description|System|Controls)"),
    ),
    (
        "assertion-of",
        1.5,
        re.compile(
            rf"\bAssertion\s+of\s+(?:the\s+)?(?:Management\s+of\s+)?{_N}(?:\s+Management|\s*$)", _M
        ),
    ),
    ("management-of", 1.5, re.compile(rf"\bManagement\s+of\s+{_N}{_POSSESSIVE}\s+Assertion")),
    (
        "own-assertion",
        1.5,
        re.compile(rf"^{_N}{_POSSESSIVE}\s+(?:Management['’]s\s+)?Assertion", _M),
    ),
    ("addressee", 1.5, re.compile(rf"^To:?\s+{_ADDRESSEE}{_N}\s*[:,]?\s*$", _M)),
    ("defined-term", 1.0, re.compile(rf"{_N}{_DEFINED_TERM}")),
    ("system-owner", 1.0, re.compile(rf"\b{_N}['’]s\s+(?:System|Platform)\b")),
    # Bridge letters: "Kestrel Apps, Inc. (Kestrel) engaged Hollis & Price LLP to ...".
    ("engaged", 1.5, re.compile(rf"^{_N}(?:\s+\([^)\n]{{1,40}}\))?\s+engaged\s", _M)),
    (
        "certified",
        2.0,
        re.compile(rf"\bcertify\s+that\s+(?:the\s+)?(?:[A-Za-z /]+?\s+of\s*\n)?{_N}\s*$", _M),
    ),
)
_FIRM_SUFFIX = re.compile(
    r"(?:\bLLP|\bL\.L\.P\.|\bP\.C\.|\bPC|\bCPAs?|\bPLLC|\bLLC|\bLtd\.?|&)\s*$"
)
# Places a report names the firm that examined it (SOC-REPORTS.md §1.6).
_FIRM_PATTERNS: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    (
        "prepared-by",
        2.0,
        re.compile(
            r"\b(?:Prepared|Issued|Performed|Examined|Audited|Report)\s+(?:[^\n]{0,60}?\s+)?"
            rf"by\s+{_N}\s*$",
            _M,
        ),
    ),
    ("tests-by", 1.0, re.compile(rf"\b(?i:tests?\s+(?:performed|applied)\s+by)\s+{_N}\s+to\b")),
    ("no-opinion", 1.0, re.compile(rf"\bAccordingly,\s+{_N}\s+express(?:es)?\s+no\s+opinion")),
    ("signed", 3.0, re.compile(rf"^/s/\s*{_N}\s*$", _M)),
)
_PRINTED_NAME = re.compile(r"^[A-Z][A-Za-z0-9&.,'’ -]*$")
_NAME_JOINS = {"&", "and", "of", "the", "for", "de"}
_MAX_FIRM_WORDS = 6
_NOT_A_SIGNATURE = re.compile(
    r"\b(?:opinion|report|section|page|criteria|management|assertion|restricted|use|"
    r"sincerely|yours|signed)\b",
    re.IGNORECASE,
)
_LETTERHEAD = re.compile(
    rf"^(?P<name>{NAME_WITH_SUFFIX_PATTERN})(?:\s+(?:Tel|Phone|Fax|T)\b[^\n]*)?$"
)
# "A member firm of Ernst & Young Global Limited": the network's name, which the member
# firm's own name starts with.
_MEMBER_FIRM = re.compile(
    r"\bmember\s+firm\s+of\s+(?P<name>[A-Z][\w&'’. -]{1,50}?)\s+(?:Global|International)"
    r"(?:\s+(?:Limited|Ltd\.?|Cooperative|Network))?\b"
)
_ADDRESSED_TO = re.compile(r"^(?:To|Dear|Attn)\b", re.IGNORECASE)
_NOT_A_FIRM = re.compile(r"\b(?:service\s+auditor|management|the\s+company)\b", re.IGNORECASE)


def organization_votes(doc: Document) -> list[Vote[str]]:
    """Collect every statement of the service organization's name."""
    votes = list(_pattern_votes(doc, _ORG_PATTERNS))
    texts = doc.line_texts
    if texts and doc.line_pages[0] == 1 and has_legal_suffix(texts[0]):
        first = texts[0]
        if clean_name(first):
            votes.append(Vote(first, 1.0, 1, first, "first-line"))
    # A running header repeats the same name on every page: judge each distinct one once.
    usable: dict[str, bool] = {}
    for line in doc.running_lines:
        if "|" not in line.text:
            continue
        head = line.text.split("|")[0].strip()
        if head not in usable:
            usable[head] = has_legal_suffix(head) and bool(clean_name(head))
        if usable[head]:
            votes.append(Vote(head, 0.5, line.page, line.text, "running-header"))
    return votes


def decide_organization(doc: Document, *, exclude: Iterable[str] = ()) -> Decision[str]:
    """Choose the service organization's printed legal name."""
    excluded = {normalize_name(name) for name in exclude}
    votes = [v for v in organization_votes(doc) if normalize_name(v.value) not in excluded]
    return decide_name(votes)


def auditor_votes(doc: Document) -> list[Vote[str]]:
    """Collect statements naming the firm that signed the auditor's report."""
    votes = [v for v in _pattern_votes(doc, _FIRM_PATTERNS) if not _NOT_A_FIRM.search(v.value)]
    votes.extend(_signature_votes(doc))
    votes.extend(v for v in _letterhead_votes(doc) if not _ADDRESSED_TO.match(v.snippet))
    return votes


def _signature_votes(doc: Document) -> list[Vote[str]]:
    """Read the firm name printed with the city and date that close the auditor's report."""
    votes: list[Vote[str]] = []
    for section in doc.sections:
        if section.kind != layout.AUDITOR_REPORT:
            continue
        block = signature_block(doc, section)
        if block is None:
            continue
        nearby = lines_above(doc, block, section) + lines_below(doc, block, section)
        for index in nearby:
            text = doc.line_texts[index].removeprefix("/s/").strip()
            name = _firm_name(text)
            if name:
                weight = 3.0 if has_legal_suffix(name) or _FIRM_SUFFIX.search(text) else 2.0
                votes.append(Vote(name, weight, doc.line_pages[index], text, "signature"))
                break
    return votes


def _firm_name(text: str) -> str | None:
    """A signature line that names a firm: title case, short, no sentence punctuation."""
    if not _PRINTED_NAME.match(text):
        return None
    suffixed = has_legal_suffix(text) or bool(_FIRM_SUFFIX.search(text))
    if text.endswith((".", ":")) and not suffixed:
        return None
    words = text.replace(",", " ").split()
    if len(words) > _MAX_FIRM_WORDS or not all(w[0].isupper() or w in _NAME_JOINS for w in words):
        return None
    if _NOT_A_FIRM.search(text) or _NOT_A_SIGNATURE.search(text):
        return None
    return clean_name(text)


def _letterhead_votes(doc: Document) -> list[Vote[str]]:
    """Read a firm printed at the top of the auditor's report page or in its footer."""
    votes: list[Vote[str]] = []
    for section in doc.sections:
        if section.kind != layout.AUDITOR_REPORT:
            continue
        page = doc.line_pages[section.start]
        first = section.start
        while first > 0 and doc.line_pages[first - 1] == page:
            first -= 1
        for index in range(first, min(section.start + 2, len(doc.line_texts))):
            match = _LETTERHEAD.match(doc.line_texts[index])
            if not match or not _FIRM_SUFFIX.search(match.group("name")):
                continue
            if (name := clean_name(match.group("name"))) and not _NOT_A_FIRM.search(name):
                votes.append(Vote(name, 2.0, page, doc.line_texts[index], "letterhead"))
                break
    seen: set[str] = set()
    lines = [(line.text, line.page) for line in doc.running_lines]
    lines += [(text, page) for text, page in zip(doc.line_texts, doc.line_pages, strict=True)]
    for text, page in lines:
        # The pattern needs the word; a substring test skips most lines at once.
        match = _MEMBER_FIRM.search(text) if "member" in text else None
        if match and (name := clean_name(match.group("name"))) and name not in seen:
            seen.add(name)
            votes.append(Vote(name, 1.0, page, text, "member-firm"))
    return votes


def decide_name(votes: list[Vote[str]]) -> Decision[str]:
    """Vote on names, merging short defined forms into the full legal name."""
    # Names repeat across votes (a running header gives one per page): normalise each once.
    normal = {name: normalize_name(name) for name in {v.value for v in votes}}
    keys = sorted(set(normal.values()), key=len, reverse=True)
    canonical: dict[str, str] = {}
    for key in keys:
        canonical[key] = next((k for k in keys if len(k) > len(key) and same_entity(key, k)), key)
    decision = decide(votes, key=lambda name: canonical[normal[name]])
    if decision.value is None:
        return decision
    winner_key = canonical[normal[decision.value]]
    forms = [v.value for v in votes if canonical[normal[v.value]] == winner_key]
    full = [form for form in forms if normal[form] == winner_key] or forms
    return Decision(
        value=preferred_form(full),
        confidence=decision.confidence,
        evidence=decision.evidence,
        runner_up=decision.runner_up,
        runner_up_share=decision.runner_up_share,
        votes=decision.votes,
    )


def _pattern_votes(
    doc: Document, patterns: tuple[tuple[str, float, re.Pattern[str]], ...]
) -> Iterable[Vote[str]]:
    for rule, weight, pattern in patterns:
        for match in find_in(pattern, doc):
            name = clean_name(match.group("name"))
            if name:
                offset = match.start("name")
                quote = snippet(doc.text, match.start(), match.end())
                page = doc.page_at(offset)
                yield Vote(name, weight * weight_at(doc, offset) / 2, page, quote, f"{rule}:{page}")
