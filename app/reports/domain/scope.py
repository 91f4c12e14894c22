"""Field rules for scope: trust services categories, subservice organizations, CUECs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.reports.domain.layout import Document
from app.reports.domain.names import (
    NAME_PATTERN,
    NAME_WITH_SUFFIX_PATTERN,
    clean_name,
    normalize_name,
    preferred_form,
    same_entity,
    split_name_list,
)
from app.reports.domain.sources import find_in, sentence_around, weight_at
from app.reports.domain.subservice_prose import abbreviations, prose_votes
from app.reports.domain.voting import Decision, Vote, decide, evidence_of, snippet

_CATEGORY_WORDS = {
    "security": "security",
    "availability": "availability",
    "processing integrity": "processing_integrity",
    "confidentiality": "confidentiality",
    "privacy": "privacy",
}
_ONE = r"(?:security|availability|processing\s+integrity|confidentiality|privacy)"
_LIST = rf"(?:the\s+)?{_ONE}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){_ONE}){{0,4}}"
_IN_SCOPE = re.compile(
    rf"(?:criteria|criterion|principles?|categor(?:y|ies))\s+(?:relevant\s+to|for)\s+(?P<list>{_LIST})"
    rf"|\brelevant\s+to\s+(?P<list2>{_LIST})",
    re.IGNORECASE,
)
_OUT_OF_SCOPE = re.compile(
    rf"(?P<list>{_LIST})\s+(?:categor(?:y|ies)|criteria|principles?)\s+(?:was|were|is|are)\s+not\s+"
    r"(?:included|in\s+scope|within|part|covered)",
    re.IGNORECASE,
)
# "TSP section 100, 2017 Trust Services Criteria for Security, ..., and Privacy" cites the
# standard by its title; it names all five categories and says nothing about scope.
_CITATION_BEFORE = re.compile(
    r"(?:TSP\b[^.\n]{0,40}|\b(?:19|20)\d\d\s+|Principles\s+and\s+)(?:Trust\s+Services\s+)?$",
    re.IGNORECASE,
)

_SUBSERVICE = r"sub-?service\s+organi[sz]ations?"
_USES = re.compile(r"\b(?:uses|use|utilizes|relies\s+on|engages)\s+", re.IGNORECASE)
# After each "uses": the names run up to a defined term or a stated purpose. Found with
# a plain search on a short window so no lazy pattern can backtrack across the document.
_USES_END = re.compile(
    rf"\s+(?:\((?:collectively,?\s+)?(?:the\s+|each\s+a\s+)?[“\"]{_SUBSERVICE}[”\"]\)"
    r"|(?P<purpose>to\s+provide|for\s+(?:the\s+)?(?:provision|hosting|cloud|data)))",
    re.IGNORECASE,
)
_LEADING_ARTICLE = re.compile(r"^(?:the\s+(?:following\s+)?)", re.IGNORECASE)
_USES_WINDOW = 340
TABLE_HEADER = re.compile(
    rf"^{_SUBSERVICE}(?:\s+name)?\s+(?:services?|description|function)", re.I | re.M
)
_ROW_NAME = re.compile(rf"^(?P<name>{NAME_WITH_SUFFIX_PATTERN})(?=[ \t]|$)", re.M)
# Names are matched case-sensitively: a capitalised run of words. Case-insensitive name
# patterns would try every word of the document as the start of a name.
_INCLUDED_NAME = re.compile(
    rf"(?i:(?:relevant\s+)?controls\s+of\s+)(?P<name>{NAME_PATTERN})(?i:\s+(?:are|were)\s+included)"
    rf"|(?P<name2>{NAME_PATTERN})(?i:\s+has\s+provided\s+(?:a|its)\s+(?:written\s+)?assertion)"
)
_NONE_USED = re.compile(
    rf"\bdoes\s+not\s+(?:use|utilize|rely\s+on)\s+(?:any\s+)?{_SUBSERVICE}", re.I
)
CARVE_OUT = re.compile(
    rf"\bcarve[\s-]*out\b|\bcarved[\s-]*out\b|\bexcludes?\s+(?:the\s+)?(?:control\s+objectives\s+"
    rf"and\s+related\s+)?controls\s+of\s+(?:the\s+)?{_SUBSERVICE}"
    # How real reports say it: the examination left the providers' controls out.
    r"|\bdid\s+not\s+extend\s+to\s+the\s+(?:policies,\s+procedures,\s+and\s+)?controls\s+of\b"
    rf"|\bdid\s+not\s+include\s+the\s+services\s+provided\s+by\s+the\s+{_SUBSERVICE}"
    rf"|\b{_SUBSERVICE}\s+(?:is|are)\s+excluded\s+from\s+the\s+scope"
    r"|\bwere\s+not\s+included\s+(?:with)?in\s+the\s+scope\s+of\s+this\s+examination"
    rf"|\bdoes\s+not\s+disclose\s+the\s+actual\s+controls\s+at\s+the\s+{_SUBSERVICE}",
    re.IGNORECASE,
)
INCLUSIVE = re.compile(
    rf"\binclusive\s+method\b|\bincludes?\s+(?:the\s+)?(?:relevant\s+)?controls\s+of\s+(?:the\s+)?"
    rf"{_SUBSERVICE}|{_SUBSERVICE}['’]s?\s+assertion",
    re.IGNORECASE,
)


def decide_categories(doc: Document) -> Decision[frozenset[str]]:
    """Choose the trust services categories in scope (security is always included)."""
    votes: list[Vote[frozenset[str]]] = []
    for match in find_in(_IN_SCOPE, doc):
        if _CITATION_BEFORE.search(doc.text[max(0, match.start() - 60) : match.start()]):
            continue
        listed = match.group("list") or match.group("list2")
        categories = frozenset(_categories_in(listed)) | {"security"}
        quote = snippet(doc.text, match.start(), match.end())
        page = doc.page_at(match.start())
        votes.append(Vote(categories, weight_at(doc, match.start()), page, quote, f"scope:{page}"))
    excluded: set[str] = set()
    for match in find_in(_OUT_OF_SCOPE, doc):
        excluded.update(_categories_in(match.group("list")))
    votes = [vote for vote in votes if not (vote.value & excluded)] or votes
    return decide(votes)


def _categories_in(text: str) -> set[str]:
    flat = " ".join(text.lower().split())
    return {code for words, code in _CATEGORY_WORDS.items() if words in flat}


def subservice_votes(doc: Document) -> list[Vote[str]]:
    """Collect the names a report gives its subservice organizations."""
    text = doc.text
    votes: list[Vote[str]] = []
    for trigger in find_in(_USES, doc):
        window = text[trigger.end() : trigger.end() + _USES_WINDOW]
        match = _USES_END.search(window)
        listed = window[: match.start()] if match else ""
        if not match or "(" in listed or listed.count("\n") > 1 or len(listed) < 3:
            continue
        end = trigger.end() + match.end()
        context = sentence_around(text, end, end + 200)
        if match.group("purpose") and not re.search(_SUBSERVICE, context, re.IGNORECASE):
            continue
        weight = 1.5 if match.group("purpose") else 3.0
        for name in split_name_list(_LEADING_ARTICLE.sub("", listed)):
            votes.append(_vote(doc, name, weight, trigger.start(), "uses"))
    for header in find_in(TABLE_HEADER, doc):
        block_end = min(len(text), header.end() + 1500)
        for row in _ROW_NAME.finditer(text, header.end(), block_end):
            if row_name := clean_name(row.group("name")):
                votes.append(_vote(doc, row_name, 2.0, row.start(), "table"))
    for match in find_in(_INCLUDED_NAME, doc):
        if included := clean_name(match.group("name") or match.group("name2") or ""):
            votes.append(_vote(doc, included, 1.0, match.start(), "included"))
    votes.extend(prose_votes(doc))
    return votes


def _vote(doc: Document, name: str, weight: float, offset: int, rule: str) -> Vote[str]:
    page = doc.page_at(offset)
    quote = snippet(doc.text, offset, offset + len(name))
    return Vote(name, weight, page, quote, f"{rule}:{page}")


@dataclass(frozen=True)
class SubserviceReading:
    """The subservice organisations a report names, how it presents them, and where."""

    names: tuple[str, ...] = ()
    method: Decision[str] = field(default_factory=lambda: Decision[str](value=None))
    confidence: float = 0.6
    votes: tuple[Vote[str], ...] = ()
    # Each name with the votes that named it (its other spellings and short forms).
    named_by: tuple[tuple[str, tuple[Vote[str], ...]], ...] = ()


def decide_subservice(doc: Document, *, exclude: Iterable[str] = ()) -> SubserviceReading:
    """Return subservice names, the presentation method, confidence and evidence votes."""
    if any(True for _ in find_in(_NONE_USED, doc)):
        return SubserviceReading(confidence=0.9)
    excluded = {normalize_name(name) for name in exclude}
    # "AWS" and "Amazon Web Services" are one organisation when the report defines one as
    # the other's short form.
    long_forms = abbreviations(doc)
    groups: dict[str, list[Vote[str]]] = {}
    for vote in subservice_votes(doc):
        key = normalize_name(vote.value)
        key = normalize_name(long_forms.get(key, vote.value))
        # The service organisation's own short name ("Lumenary" for "Lumenary Cloud, Inc.").
        if key and not any(key == name or same_entity(key, name) for name in excluded):
            groups.setdefault(key, []).append(vote)
    chosen = {key: votes for key, votes in groups.items() if sum(v.weight for v in votes) >= 2.0}
    named_by = sorted(
        (
            (_spelled_out(preferred_form([v.value for v in votes]), long_forms), tuple(votes))
            for votes in chosen.values()
        ),
        key=lambda item: item[0],
    )
    if not named_by:
        return SubserviceReading()
    strength = min(sum(v.weight for v in votes) for votes in chosen.values())
    return SubserviceReading(
        names=tuple(name for name, _votes in named_by),
        method=_decide_method(doc),
        confidence=round(min(1.0, 0.5 + 0.1 * strength), 2),
        votes=tuple(vote for votes in chosen.values() for vote in votes),
        named_by=tuple(named_by),
    )


def _spelled_out(name: str, long_forms: dict[str, str]) -> str:
    """Print "Amazon Web Services" rather than "AWS" when the report defines the short form."""
    return long_forms.get(normalize_name(name), name)


def _decide_method(doc: Document) -> Decision[str]:
    votes: list[Vote[str]] = []
    for method, pattern in (("carve-out", CARVE_OUT), ("inclusive", INCLUSIVE)):
        for match in find_in(pattern, doc):
            page = doc.page_at(match.start())
            quote = snippet(doc.text, match.start(), match.end())
            votes.append(Vote(method, weight_at(doc, match.start()), page, quote, f"m:{page}"))
    return decide(votes)


_CUEC_HEADING = re.compile(
    r"^(?:[\dIVX]+[.)]?\s+|[A-Z][.)]\s+)?(?:complementary\s+user[\s-]+entity\s+controls?|"
    r"complementary\s+controls\s+(?:at|of|for)\s+user\s+entities|"
    r"user\s+control\s+considerations|client\s+control\s+considerations|user\s+entity\s+"
    r"(?:control\s+)?(?:responsibilities|considerations))(?:\s*\(CUECs?\))?\s*:?$",
    re.IGNORECASE,
)
# "1." and "1)" and, in tables whose number column has no punctuation, "1 Validating ...".
_BULLET = re.compile(r"^(?:[•\-*◦▪–·●]|\d{1,2}[.)]|\d{1,2}(?=\s+[A-Z])|\(?[a-z]\))\s+")
_CUEC_SENTENCE = re.compile(
    r"^(?:User\s+entities|Customers|Clients|The\s+user\s+entity|User\s+organi[sz]ations)\b"
    r".{0,60}\b(?:are|is|should|must|will|have)\b",
    # Case-sensitive: an item starts a sentence; "user entities' auditors should ..." in the
    # middle of the introduction is no item.
)
_NO_CUECS = re.compile(
    r"\b(?:no|not\s+any|none)\b.{0,40}\b(?:required|necessary|applicable|identified)", re.I
)
_BLOCK_LINES = 80


# Every CUEC heading names user entities or clients; only lines with these words are read.
_CUEC_HEADING_WORDS = ("user", "client")


def read_cuecs(doc: Document) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Return the complementary user entity controls listed, and the pages they are on."""
    items: list[str] = []
    pages: list[int] = []
    texts = doc.line_texts
    for index in doc.lines_with_words(_CUEC_HEADING_WORDS):
        if _CUEC_HEADING.match(texts[index]):
            block = list(texts[index + 1 : index + 1 + _BLOCK_LINES])
            found = _items_in(block)
            items.extend(found)
            if found:
                # Quote the page the list starts on, which may follow the heading's page.
                first = next((i for i, text in enumerate(block) if found[0][:30] in text), -1)
                pages.append(doc.line_pages[index + 1 + first])
    unique = tuple(dict.fromkeys(items))
    return unique, tuple(dict.fromkeys(pages))


def _items_in(lines: list[str]) -> list[str]:
    bulleted = any(_BULLET.match(text) for text in lines[:25])
    items: list[str] = []
    open_item = False
    for text in lines:
        starts = _BULLET.match(text) if bulleted else _CUEC_SENTENCE.match(text)
        if starts:
            items.append(text[starts.end() :] if bulleted else text)
            open_item = not text.endswith(".")
        elif items and open_item and not _is_heading(text):
            items[-1] = f"{items[-1]} {text}"
            open_item = not text.endswith(".")
        elif items or _NO_CUECS.search(text):
            # A heading or a new paragraph ends the list; "none are required" means none.
            break
    return [" ".join(item.split()) for item in items]


def _is_heading(text: str) -> bool:
    return len(text) < 70 and not text.endswith((".", ",", ";")) and text[:1].isupper()


def cuec_evidence(pages: tuple[int, ...], items: tuple[str, ...]) -> list[Vote[str]]:
    """Quote the first listed CUEC on each page where a CUEC list starts."""
    return [Vote("cuecs", 1.0, page, items[0][:160], "cuec") for page in pages[:1]] if items else []


__all__ = [
    "SubserviceReading",
    "cuec_evidence",
    "decide_categories",
    "decide_subservice",
    "evidence_of",
    "read_cuecs",
]
