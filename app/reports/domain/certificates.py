"""Field rules for management-system certificates (ISO/IEC 27001 and its family).

Certification bodies lay certificates out in many ways: a label and its date on one line,
a label on one line and the date on the next, three or four labels in one row with the
dates in the row below, or labels drawn as images so that the text layer holds only bare
dates. Dates are therefore paired with labels by their order in runs of adjacent labels and
dates, and bare dates are read by position when no label is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from app.reports.domain.dates import DATE_PATTERN, find_dates
from app.reports.domain.layout import Document
from app.reports.domain.names import clean_name, has_legal_suffix, normalize_name
from app.reports.domain.parties import decide_name
from app.reports.domain.voting import Decision, Vote, decide, snippet

# Standards a management-system certificate is issued against; 17021 and 27006 are the
# standards certification bodies themselves follow, never what a certificate certifies.
_STANDARD = re.compile(
    r"\bISO\s*/?\s*(?:IEC\s*)?(?P<number>27001|27017|27018|27701|42001|9001|22301|14001|"
    r"20000-1)(?:\s*:\s*(?P<edition>(?:19|20)\d\d))?\b"
)
_CERTIFICATE_CUE = re.compile(
    r"\bcertif(?:y|ies)\s+that\b|\bcertificate\s+of\s+(?:registration|certification|approval|"
    r"conformity)\b|\bfound\s+to\s+conform\b|\bconforms?\s+to\s+the\s+requirements\b|"
    r"\b(?:is|are)\s+compliant\s+with\s+the\s+requirements\b|\bcertificate\s+(?:number|no\b)|"
    r"\bcertified\s+by\b",
    re.IGNORECASE,
)
_OF_CERTIFICATE = r"(?:\s+of\s+(?:the\s+)?(?:certificate|certification|registration))?"
# One pattern for every date label; the first alternatives win where labels overlap.
_LABEL = re.compile(
    r"(?P<other>(?:last|previous|prior)\s+certification\s+cycle\s+expir(?:y|ation)\s+date|"
    r"(?:original|initial|first)\s+(?:certification|registration|approval|issue)(?:\s+date)?|"
    r"(?:registration|certification|approval)\s+date|certified\s+(?:[^\n]{0,40}?\s+)?since|"
    r"recertification\s+date|agreement\s+dated)"
    rf"|(?P<expiry>(?:expir(?:y|ation)\s+date|date\s+of\s+expiry|expires(?:\s+on)?|"
    rf"valid\s+(?:until|through|thru|till|to))){_OF_CERTIFICATE}"
    rf"|(?P<issue>(?:(?:re-?)?issue(?:d)?\s+(?:date|on)|date\s+of\s+(?:re-?)?issue|"
    rf"date\s+issued|current\s+(?:certificate\s+)?date|certificate\s+date|effective\s+date)"
    rf"){_OF_CERTIFICATE}",
    re.IGNORECASE,
)
_DATE = re.compile(DATE_PATTERN, re.IGNORECASE)
_ONLY_SEPARATORS = re.compile(r"^[\s:|\-–]*$")
# A line that is nothing but dates (and perhaps a page number or a short word).
_LEFTOVER_WORDS = 2

_NUMBER = re.compile(
    r"\b(?:certificate|registration|cert\.)\s+(?:number|no\.?|#|id)\s*:?\s*"
    # "IS 595806": a short prefix, a space and the digits.
    r"(?P<number>(?:[A-Z]{1,4}\s(?=\d))?[A-Z0-9][A-Z0-9./\-]{2,30})",
    re.IGNORECASE,
)
_ACCREDITATION = re.compile(
    r"\b(UKAS|ANAB|DAkkS|JAS-ANZ|COFRAC|ACCREDIA|ENAC|RvA|DANAK|SWEDAC|A2LA|IAS|SCC|"
    r"ANSI\s+National\s+Accreditation\s+Board)\b"
)
_SCOPE = re.compile(
    r"(?:\bscope\s+of\s+(?:certification|registration)\s*:\s*|\bfor\s+the\s+following\s+scope\s*:\s*"
    r"|^scope\s*:\s*|\bThe\s+scope\s+of\s+(?:the\s+|this\s+)"
    r"[^\n.]{0,60}?(?:certificat(?:e|ion)|ISMS)\s+(?:covers|includes|is\s+limited\s+to|is\s+"
    r"bounded\s+by)\s+)(?P<scope>[^.]{10,400}\.)",
    re.IGNORECASE | re.MULTILINE,
)
_BODY_NAME = r"(?P<name>[A-Z][\w&.,' \t-]{1,70}?)"
# Places a certificate names the body that issued it, with how telling each one is.
_BODY_PATTERNS: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    ("certified-by", 2.0, re.compile(rf"\bCertified\s+by\s+{_BODY_NAME}\s+since\b")),
    (
        "performed",
        2.0,
        re.compile(
            rf"^{_BODY_NAME}\s+(?:has\s+)?performed\s+(?:a|an|the)\s+(?:certification|audit)", re.M
        ),
    ),
    (
        "body-of",
        2.0,
        re.compile(rf"\bCertification\s+Body\s+of\s+{_BODY_NAME}\s+(?:hereby\s+)?certifies\b"),
    ),
    (
        "certifies",
        1.5,
        re.compile(rf"^(?!The\s|This\s|We\s){_BODY_NAME}\s+(?:hereby\s+)?certifies\s+that\b", re.M),
    ),
    ("issued-by", 1.5, re.compile(rf"\b(?:issued|granted)\s+by\s*:?\s+{_BODY_NAME}\s*$", re.M)),
    (
        "signatory",
        1.5,
        re.compile(
            r"^(?:[^\n]{0,40}?(?:\||,)\s*)?(?:[\w \t]{0,40}?\b(?:Director|Partner|Officer|Manager|"
            rf"President|CEO|Head)\b[\w \t]{{0,30}}?),\s*{_BODY_NAME}\s*\.?(?:\s+\d[^\n]*)?$",
            re.M,
        ),
    ),
    (
        "property-of",
        1.0,
        re.compile(
            rf"\bproperty\s+of\s+{_BODY_NAME}(?=,\s+located|\s+and\s+(?:is|must|shall)\b|\.\s|\s*$)",
            re.M,
        ),
    ),
)
# Lines that introduce the certified organisation, whose name follows on its own line.
_ORG_CUE = re.compile(
    r"\b(?:implemented\s+by|awarded\s+to|granted\s+to|issued\s+to|certif(?:y|ies)\s+that|"
    r"management\s+system\s+of|following\s+organi[sz]ation)\b",
    re.IGNORECASE,
)
_ORG_INLINE = re.compile(
    r"\b(?:Awarded|Granted|Issued)\s+to\s*:\s*(?P<name>[^\n]{2,80})$|"
    r"\bassess\s+(?P<assessed>[A-Z][\w&.,' -]{1,60}?)['’]s?\s+conformity\b",
    re.M,
)
_ORG_LOOKBACK = 3
_MAX_NAME_WORDS = 8


@dataclass(frozen=True)
class CertificateDates:
    """The dates a certificate prints, by what they mean."""

    issued: Decision[date]
    expiry: Decision[date]


def looks_like_certificate(doc: Document) -> bool:
    """Whether the document certifies a management system against an ISO standard."""
    if not _STANDARD.search(doc.text) or not _CERTIFICATE_CUE.search(doc.text):
        return False
    return read_dates(doc).expiry.value is not None


def read_dates(doc: Document) -> CertificateDates:
    """Pair each date with its label; fall back to a row of bare dates read by order."""
    issued: list[Vote[date]] = []
    expiry: list[Vote[date]] = []
    for label, start, end, day in _labelled_dates(doc.text):
        quote = snippet(doc.text, start, end)
        vote = Vote(day, 1.0, doc.page_at(start), quote, f"label:{doc.page_at(start)}")
        if label == "issue":
            issued.append(vote)
        elif label == "expiry":
            expiry.append(vote)
    if not expiry:
        return _bare_dates(doc)
    expiry_decision = decide(expiry)
    # A re-issued certificate prints both issue dates; the latest is the one in force.
    valid_issues = [v for v in issued if expiry_decision.value and v.value < expiry_decision.value]
    if valid_issues:
        latest = max(vote.value for vote in valid_issues)
        issued = [vote for vote in valid_issues if vote.value == latest]
    return CertificateDates(decide(issued), expiry_decision)


def _labelled_dates(text: str) -> list[tuple[str, int, int, date]]:
    """Return (label kind, start, end, date) for dates paired with a label.

    Labels and dates are read as one stream; a run of labels separated only by spacing is
    followed by a run of dates, and the n-th label takes the n-th date.
    """
    events: list[tuple[int, int, str, date | None]] = []
    for match in _LABEL.finditer(text):
        kind = match.lastgroup or "other"
        events.append((match.start(), match.end(), kind, None))
    for start, end, day in find_dates(text):
        events.append((start, end, "date", day))
    events.sort(key=lambda event: (event[0], event[1]))
    pairs: list[tuple[str, int, int, date]] = []
    pending: list[tuple[int, str]] = []
    previous_end = -1
    previous_kind = ""
    for start, end, kind, found in events:
        if start < previous_end:
            continue
        adjacent = previous_end >= 0 and _ONLY_SEPARATORS.match(text[previous_end:start])
        if not adjacent:
            pending = []
        if kind == "date" and found is not None:
            if pending:
                label_start, label = pending.pop(0)
                pairs.append((label, label_start, end, found))
        else:
            if previous_kind == "date":
                pending = []
            pending.append((start, kind))
        previous_end, previous_kind = end, kind
    return pairs


def _bare_dates(doc: Document) -> CertificateDates:
    """Read a line of unlabelled dates: the latest is the expiry, the one before it the issue."""
    for index, line in enumerate(doc.line_texts):
        found = list(find_dates(line))
        if len(found) < 2 or _LABEL.search(line):
            continue
        leftover = _DATE.sub(" ", line).split()
        if len([word for word in leftover if not word.isdigit()]) > _LEFTOVER_WORDS:
            continue
        days = sorted({day for _, _, day in found})
        page = doc.line_pages[index]
        quote = " ".join(line.split())[:160]
        # Without labels the reading is a guess from position: say so with a low confidence.
        expiry = replace(decide([Vote(days[-1], 1.0, page, quote, "row")]), confidence=0.5)
        issued = replace(decide([Vote(days[-2], 1.0, page, quote, "row")]), confidence=0.4)
        return CertificateDates(issued, expiry)
    return CertificateDates(Decision(None), Decision(None))


def certification_body(doc: Document, *, organization: str | None = None) -> Decision[str]:
    """Name the body that issued the certificate."""
    excluded = normalize_name(organization) if organization else None
    votes: list[Vote[str]] = []
    for rule, weight, pattern in _BODY_PATTERNS:
        for match in pattern.finditer(doc.text):
            name = _tidy(match.group("name"))
            if not name or re.search(r"\baccredit", name, re.I):
                continue
            if excluded and normalize_name(name) == excluded:
                continue
            page = doc.page_at(match.start())
            quote = snippet(doc.text, match.start(), match.end())
            votes.append(Vote(name, weight, page, quote, f"{rule}:{page}"))
    first = doc.line_texts[0] if doc.line_texts else ""
    if has_legal_suffix(first) and (name := _tidy(first)) and normalize_name(name) != excluded:
        votes.append(Vote(name, 2.0, doc.line_pages[0], first, "letterhead"))
    return decide_name(votes)


def certified_organization(doc: Document) -> list[Vote[str]]:
    """Collect the places a certificate names the organisation it certifies."""
    votes: list[Vote[str]] = []
    texts = doc.line_texts
    for index, line in enumerate(texts):
        if not _ORG_CUE.search(line):
            continue
        for ahead in range(index + 1, min(len(texts), index + 1 + _ORG_LOOKBACK)):
            name = _standalone_name(texts[ahead])
            if name:
                page = doc.line_pages[ahead]
                votes.append(Vote(name, 2.0, page, f"{line[:80]} {texts[ahead]}", f"cue:{page}"))
                break
    for match in _ORG_INLINE.finditer(doc.text):
        raw = match.group("name") or match.group("assessed")
        if name := _standalone_name(raw):
            page = doc.page_at(match.start())
            quote = snippet(doc.text, match.start(), match.end())
            votes.append(Vote(name, 1.5, page, quote, f"inline:{page}"))
    return votes


def standard(doc: Document) -> Decision[str]:
    """Name the standard and edition certified, e.g. "ISO/IEC 27001:2022"."""
    votes: list[Vote[str]] = []
    for match in _STANDARD.finditer(doc.text):
        number, edition = match.group("number"), match.group("edition")
        prefix = "ISO/IEC" if number.startswith(("27", "42", "20000")) else "ISO"
        value = f"{prefix} {number}:{edition}" if edition else f"{prefix} {number}"
        weight = 1.0 if edition else 0.3
        page = doc.page_at(match.start())
        votes.append(Vote(value, weight, page, snippet(doc.text, match.start(), match.end()), "s"))
    return decide(votes)


def certificate_number(doc: Document) -> str | None:
    """The certificate's number as printed."""
    for match in _NUMBER.finditer(doc.text):
        number = match.group("number").rstrip(".,")
        if any(ch.isdigit() for ch in number):
            return number
    return None


def accreditation_body(doc: Document) -> str | None:
    """The accreditation body named on the certificate, when one is printed."""
    match = _ACCREDITATION.search(doc.text)
    return match.group(1) if match else None


def scope_text(doc: Document) -> str | None:
    """The certificate's scope statement, whitespace collapsed."""
    match = _SCOPE.search(doc.text)
    return " ".join(match.group("scope").split())[:400] if match else None


def _tidy(raw: str) -> str | None:
    name = " ".join(raw.split()).strip(" ,.;:*")
    name = re.sub(r"\s+(?:and|is|has|will)$", "", name)
    return clean_name(name)


def _standalone_name(line: str) -> str | None:
    """A line that holds only an organisation's name (a trailing footnote mark allowed)."""
    text = " ".join(line.split()).strip(" *†")
    if not text or _STANDARD.search(text) or re.search(r"\d", text) or text.endswith(":"):
        return None
    words = text.split()
    if len(words) > _MAX_NAME_WORDS or not text[0].isupper():
        return None
    if not has_legal_suffix(text) and any(w[0].islower() for w in words if w not in _SMALL):
        return None
    return clean_name(text)


_SMALL = {"and", "of", "the", "for", "de", "&"}
