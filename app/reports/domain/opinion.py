"""Field rule for the form of the service auditor's opinion (SOC-REPORTS.md §4.6).

Read only inside the auditor's report: exceptions in the tests section and "except
for" in management's assertion say nothing about the opinion. Checked worst first.
"""

from __future__ import annotations

import re

from app.reports.domain import layout
from app.reports.domain.layout import Document
from app.reports.domain.voting import Decision, Vote, decide, snippet

_IN_OUR_OPINION = re.compile(r"\b(?:also\s+)?in\s+our\s+opinion\b", re.IGNORECASE)
_PARAGRAPH_CHARS = 1500
_HEADING_LINE = re.compile(r"\n(?=[A-Z][A-Za-z' ]{2,50}\n)")
_CUES: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (form, re.compile(pattern, re.IGNORECASE), in_opinion)
    for form, pattern, in_opinion in (
        (
            "disclaimer",
            r"\bdisclaimer\s+of\s+(?:an\s+)?opinion\b|\bbasis\s+for\s+disclaimer",
            False,
        ),
        (
            "disclaimer",
            # A disclaimer withholds the opinion on the report's subject; "we do not express an
            # opinion or any other form of assurance on its cybersecurity program" scopes out
            # something else and is no disclaimer.
            r"\b(?:we\s+)?do\s+not\s+express\s+an\s+opinion(?=\s*[.;]|\s+on\s+(?:whether|"
            r"management|the\s+(?:accompanying\s+)?description|the\s+suitability|the\s+fairness|"
            r"the\s+(?:service\s+organization|system|controls)\b|[^.]{0,60}?\bassertion))|\bunable\s+to\s+obtain\s+sufficient\s+appropriate\s+"
            r"evidence\s+to\s+provide\s+a\s+basis\s+for\s+an\s+opinion",
            False,
        ),
        ("adverse", r"\badverse\s+opinion\b", False),
        (
            "adverse",
            r"\b(?:were|was|are|is|have\s+not\s+been)\s+not\s+(?:suitably\s+designed|operating\s+"
            r"effectively|fairly\s+(?:stated|presented))|\bdid\s+not\s+operate\s+effectively|"
            r"\bdoes\s+not\s+(?:fairly\s+)?present",
            True,
        ),
        ("qualified", r"(?<!un)(?<!un-)\bqualified\s+opinion\b", False),
        ("qualified", r"\bexcept\s+for\b", True),
        (
            "unqualified",
            r"\bin\s+all\s+material\s+respects\b|\bfairly\s+stated\b|\b(?:presents|present)\s+"
            r"fairly\b|\bfairly\s+presents\b|\bcontrols\b[^.]{0,120}?\bwere\s+effective\b",
            True,
        ),
    )
)
_RANK = {"disclaimer": 4, "adverse": 3, "qualified": 2, "unqualified": 1}


def decide_opinion(doc: Document) -> Decision[str]:
    """Classify the opinion as unqualified, qualified, adverse or disclaimer."""
    parts = doc.section_text(layout.AUDITOR_REPORT)
    if not parts and _IN_OUR_OPINION.search(doc.text):
        parts = [(0, doc.text)]
    votes: list[Vote[str]] = []
    for base, text in parts:
        votes.extend(_votes_in(doc, base, text))
    if not votes:
        return Decision(value=None)
    worst = max(_RANK[vote.value] for vote in votes)
    decision = decide([vote for vote in votes if _RANK[vote.value] == worst])
    agreeing = sum(1 for vote in votes if _RANK[vote.value] == worst)
    confidence = min(1.0, 0.6 + 0.15 * agreeing)
    return Decision(
        value=decision.value, confidence=round(confidence, 2), evidence=decision.evidence
    )


def _votes_in(doc: Document, base: int, text: str) -> list[Vote[str]]:
    windows = [_opinion_window(text, m.start()) for m in _IN_OUR_OPINION.finditer(text)]
    votes: list[Vote[str]] = []
    for form, pattern, in_opinion in _CUES:
        spans = windows if in_opinion else [(0, len(text))]
        for begin, end in spans:
            match = pattern.search(text, begin, end)
            if match:
                offset = base + match.start()
                quote = snippet(text, match.start(), match.end(), context=70)
                votes.append(Vote(form, 1.0, doc.page_at(offset), quote, pattern.pattern[:20]))
    return votes


def _opinion_window(text: str, start: int) -> tuple[int, int]:
    """Return the span of the opinion paragraph that starts at `start`."""
    limit = min(len(text), start + _PARAGRAPH_CHARS)
    heading = _HEADING_LINE.search(text, start, limit)
    return start, heading.start() if heading else limit
