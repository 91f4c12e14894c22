"""Subservice organisations as real reports name them in prose.

Real carve-out reports rarely say "carve-out": they say the examination "did not extend to
the controls of AWS and Azure", that the services "provided by AWS and GCP, and ... by
Mailgun and SendGrid were not included within the scope", or that the company "uses Amazon
Web Services for data hosting services and Elevate Data Sync for data processing services
(subservice organizations)". Providers are often named once through a defined term ("AWS and
Redis Labs (collectively, the Cloud Providers)") and later only by that term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.reports.domain.layout import Document
from app.reports.domain.names import NAME_PATTERN, clean_name, normalize_name, split_name_list
from app.reports.domain.sources import find_in, sentence_around
from app.reports.domain.voting import Vote, snippet

_SUBSERVICE = r"sub-?service\s+organi[sz]ations?"
_NAME = rf"(?:{NAME_PATTERN})(?:\s+\([A-Z][\w-]{{1,15}}\))?"
_NAME_LIST = rf"(?P<list>{_NAME}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_NAME}){{0,5}})"
# Sentences that put another organisation's controls outside the examination.
NOT_EXAMINED = re.compile(
    r"\bdid\s+not\s+(?:extend\s+to|include)\b|\bwere\s+not\s+included\s+(?:with)?in\s+the\s+scope\b|"
    r"\b(?:is|are)\s+excluded\s+from\s+the\s+scope\b",
    re.IGNORECASE,
)
_CONTROLS_OF = re.compile(
    rf"(?i:controls\s+(?:of|at)|services?\s+(?:provided\s+by|from)|provided\s+by)\s+"
    rf"(?:the\s+)?{_NAME_LIST}"
)
_DEFINED_GROUP = re.compile(
    r"\((?:collectively,?\s+)?(?:the\s+)?[“\"]?(?P<term>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})[”\"]?\)"
)
_LIST_BEFORE = re.compile(
    rf"\b(?:by|of|from|uses|use|utilizes|with|leverages)\s+(?:the\s+)?{_NAME_LIST}\s*$"
)
_USES_FOR = re.compile(
    # The sentence may hold legal suffixes ("Inc. for hosting"); a full stop before a capital
    # ends it.
    rf"\b(?:uses|utilizes|engages|relies\s+on)\s+(?P<body>(?:[^.]|\.(?!\s+(?-i:[A-Z]))){{5,300}}?)"
    rf"\(\s*(?:the\s+)?[“\"]?{_SUBSERVICE}[”\"]?\s*\)",
    re.IGNORECASE,
)
_NAME_FOR = re.compile(rf"(?P<name>{NAME_PATTERN})\s+(?:for|to\s+provide)\s")
# A short form in brackets, then the name it stands for, read backwards from the bracket:
# one pattern over the whole text would try every capitalised word as the start of a name.
_SHORT_FORM = re.compile(r"\((?P<short>[A-Z][A-Za-z]{1,12})\)")
_NAME_BEFORE = re.compile(rf"(?P<long>{NAME_PATTERN})\Z")
_NAME_CHARS = 200
_SENTENCE_CHARS = 400
_NOT_A_PROVIDER = re.compile(
    r"\b(?:service\s+organization|user\s+entit|company|management|independent|auditor|"
    r"policies|procedures|controls?|system|platform|examination|criteria)\b",
    re.IGNORECASE,
)


def prose_votes(doc: Document) -> list[Vote[str]]:
    """Names of organisations whose controls or services the examination left out."""
    groups = defined_groups(doc)
    votes: list[Vote[str]] = []
    for match in find_in(NOT_EXAMINED, doc):
        sentence = sentence_around(doc.text, match.start(), match.end())
        page = doc.page_at(match.start())
        for excluded in _names_in_exclusion(sentence, groups):
            votes.append(Vote(excluded, 2.0, page, sentence[:160], f"not-examined:{page}"))
    for match in find_in(_USES_FOR, doc):
        page = doc.page_at(match.start())
        quote = snippet(doc.text, match.start(), match.end())
        # A name may wrap onto the next line inside the sentence.
        for found in _NAME_FOR.finditer(" ".join(match.group("body").split())):
            if provider := _provider(found.group("name")):
                votes.append(Vote(provider, 3.0, page, quote, f"uses-for:{page}"))
    return votes


def _names_in_exclusion(sentence: str, groups: dict[str, list[str]]) -> Iterator[str]:
    for found in _CONTROLS_OF.finditer(sentence):
        listed = found.group("list") or ""
        term = normalize_name(listed)
        if term in groups:
            yield from groups[term]
            continue
        for name in split_name_list(_without_abbreviations(listed)):
            if provider := _provider(name):
                yield provider


def defined_groups(doc: Document) -> dict[str, list[str]]:
    """Defined terms that stand for a list of organisations: "the Cloud Providers" -> names."""
    groups: dict[str, list[str]] = {}
    for match in _DEFINED_GROUP.finditer(doc.text):
        before = doc.text[max(0, match.start() - _SENTENCE_CHARS) : match.start()]
        listed = _LIST_BEFORE.search(before.replace("\n", " "))
        if not listed:
            continue
        names = [
            provider
            for name in split_name_list(_without_abbreviations(listed.group("list")))
            if (provider := _provider(name))
        ]
        if names:
            groups.setdefault(normalize_name(match.group("term")), names)
    return groups


def abbreviations(doc: Document) -> dict[str, str]:
    """Short forms a report defines for names: "Amazon Web Services (AWS)" gives AWS."""
    found: dict[str, str] = {}
    text = doc.text
    for match in _SHORT_FORM.finditer(text):
        # Space, possibly a line break, separates the name from its bracket.
        end = match.start()
        while end and text[end - 1].isspace():
            end -= 1
        if end == match.start():
            continue
        # Names are read within one line.
        start = max(0, end - _NAME_CHARS, text.rfind("\n", 0, end) + 1)
        named = _NAME_BEFORE.search(text, start, end)
        if named is None:
            continue
        long, short = named.group("long"), match.group("short")
        words = long.split()
        initials = "".join(word[0] for word in words if word[0].isupper())
        if short.upper() == initials.upper() or short in words:
            found.setdefault(normalize_name(short), long)
    return found


def _without_abbreviations(text: str) -> str:
    return re.sub(r"\s*\([A-Z][\w-]{1,15}\)", "", " ".join(text.split()))


def _provider(raw: str) -> str | None:
    name = clean_name(re.sub(r"^(?:the|and)\s+", "", raw.strip(), flags=re.I))
    if not name or _NOT_A_PROVIDER.search(name):
        return None
    return name
