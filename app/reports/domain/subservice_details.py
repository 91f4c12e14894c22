"""Each subservice organisation with the services it provides and its presentation method.

Reports say what a provider does in a table ("Subservice Organization | Services Provided"),
in prose ("uses Amazon Web Services for data hosting services", "the cloud hosting services
provided by AWS and GCP", "Nimbus Queue, which provides message queuing") and, when some
providers are carved out and others included, state the method beside the provider ("The
controls of Ledgerline are included in this report (the inclusive method)"). A provider whose
method the report does not state for it takes the method stated for the subservice
organisations in general.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from app.reports.domain.facts import Evidence, SubserviceMethod, SubserviceOrganization
from app.reports.domain.layout import Document
from app.reports.domain.names import strip_suffix
from app.reports.domain.scope import CARVE_OUT, INCLUSIVE, TABLE_HEADER, SubserviceReading
from app.reports.domain.sources import find_in
from app.reports.domain.subservice_prose import NOT_EXAMINED
from app.reports.domain.voting import Vote, snippet

_TABLE_CHARS = 1500
_SERVICE_CHARS = 120
_MAX_EVIDENCE = 3
# The words of a service: lower-case words ("data hosting services", "e-mail delivery").
_SERVICE = r"(?P<svc>[a-z][\w/&'’-]*(?:[ \t]+[a-z/&][\w/&'’-]*){0,7})"
_OFFERS = re.compile(
    rf"^(?:\s*\([^)]{{0,80}}\))?,?\s+(?:(?:which|that|who)\s+)?(?:for|to\s+provide|provides?|to\s+host|offers?)\s+"
    rf"(?:the\s+|our\s+|its\s+)?{_SERVICE}"
)
_PROVIDED_BY = re.compile(
    r"(?<![\w-])(?P<svc>(?:[a-z][\w/&'’-]*\s+){1,4})services?\s+(?:are\s+|is\s+)?provided\s+by\s+"
)
_HOSTED = re.compile(r"\b(?:is\s+|are\s+)?hosted\s+(?:on|by|in|with|at)\s+(?:the\s+)?$")
_LEADING_FILLER = re.compile(r"^(?:(?:and|the|a|an|of|for|with|by|which|that|its|our)\s+)+")
_LIST_END = re.compile(r",\s+and\s+the\b|\s+(?:were|was|are|is|have|has)\b|[.;()]")
_TABLE_METHOD = re.compile(r"\b(?:carve[\s-]*out|carved[\s-]*out|inclusive)\b(?:\s+method)?", re.I)
_CELL_GAP = re.compile(r"\s*(?:\||\t|\s{2,})\s*")
# A service names what is provided; "for the period" or "to provide assurance" does not.
_SERVICE_WORD = re.compile(
    r"\b(?:services?|hosting|host|storage|processing|infrastructure|platform|delivery|support|"
    r"cent(?:er|re)s?|monitoring|payments?|e-?mail|backups?|network|cloud|computing|queu\w*|"
    r"messaging|authentication|colocation|software|analytics|communications?|facilit\w+|"
    r"logging|operations|database|identity|telephony|payroll|printing|mail)\b",
    re.IGNORECASE,
)
_SERVICE_END = re.compile(
    r"\s+(?:and|or)\s*$|\s+(?:which|that|where|while|whereas|but|so|our|we|as|in|during|"
    r"throughout|the\s+examination)\b.*$"
)
_CLAUSE = re.compile(r";|,?\s+\b(?:while|whereas|but)\b|\.\s+")


def describe_subservices(
    doc: Document, reading: SubserviceReading
) -> tuple[SubserviceOrganization, ...]:
    """Describe each subservice organisation the report names."""
    general: SubserviceMethod | None = _method(reading.method.value)
    return tuple(_describe(doc, name, votes, general) for name, votes in reading.named_by)


def _describe(
    doc: Document, name: str, votes: Sequence[Vote[str]], general: SubserviceMethod | None
) -> SubserviceOrganization:
    spellings = _spellings(name, votes)
    mention = _mention_pattern(spellings)
    services = _from_table(doc, spellings) or _from_prose(doc, mention, spellings)
    stated = _stated_methods(doc, mention, spellings, votes)
    evidence: list[Evidence] = []
    best = max(votes, key=lambda vote: vote.weight)
    evidence.append(Evidence(page=best.page, snippet=best.snippet))
    if services:
        evidence.append(services[1])
    method, method_stated = general, False
    if stated:
        counts = Counter(found for found, _quote in stated)
        top = max(counts.values())
        leaders = [found for found, count in counts.items() if count == top]
        method = general if general in leaders else leaders[0]
        method_stated = method is not None
        evidence.extend(quote for found, quote in stated if found == method)
    return SubserviceOrganization(
        name=name,
        services=services[0] if services else None,
        method=method,
        method_stated=method_stated,
        evidence=_distinct(evidence)[:_MAX_EVIDENCE],
    )


def _spellings(name: str, votes: Iterable[Vote[str]]) -> list[str]:
    forms = {name, strip_suffix(name), *(vote.value for vote in votes)}
    forms |= {strip_suffix(form) for form in forms}
    return sorted((form for form in forms if len(form) >= 2), key=len, reverse=True)


def _mention_pattern(spellings: Sequence[str]) -> re.Pattern[str]:
    # A name may wrap onto the next line.
    alternatives = "|".join(r"\s+".join(map(re.escape, form.split())) for form in spellings)
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w&])")


def _table_rows(doc: Document, spellings: Sequence[str]) -> Iterable[tuple[str, Evidence]]:
    """The cells after the provider's name in a subservice organisations table, and the row."""
    text = doc.text
    for header in find_in(TABLE_HEADER, doc):
        block_end = min(len(text), header.end() + _TABLE_CHARS)
        for line_start, line in _lines(text, header.end(), block_end):
            form = next((form for form in spellings if line.startswith(form)), None)
            if form is not None:
                quote = snippet(text, line_start, line_start + len(line), context=0)
                yield line[len(form) :], Evidence(page=doc.page_at(line_start), snippet=quote)


def _from_table(doc: Document, spellings: Sequence[str]) -> tuple[str, Evidence] | None:
    """The services cell beside the provider's name."""
    for cells, quote in _table_rows(doc, spellings):
        service = _tidy(_CELL_GAP.sub(" ", _TABLE_METHOD.sub("", cells)), cell=True)
        if service:
            return service, quote
    return None


def _lines(text: str, start: int, end: int) -> Iterable[tuple[int, str]]:
    position = text.find("\n", start) + 1 if start else 0
    while 0 < position < end:
        stop = text.find("\n", position)
        stop = len(text) if stop == -1 else stop
        yield position, text[position:stop].strip()
        position = stop + 1


def _from_prose(
    doc: Document, mention: re.Pattern[str], spellings: Sequence[str]
) -> tuple[str, Evidence] | None:
    text = doc.text
    for found in find_in(mention, doc):
        after = text[found.end() : found.end() + 200].replace("\n", " ")
        offers = _OFFERS.match(after)
        service = _tidy(offers.group("svc")) if offers else None
        before = text[max(0, found.start() - 200) : found.start()].replace("\n", " ")
        if service is None:
            service = _provided_by(before, text[found.start() : found.end() + 200], spellings)
        if service is None and _HOSTED.search(before):
            service = "hosting"
        if service:
            quote = snippet(text, found.start(), found.end())
            return service, Evidence(page=doc.page_at(found.start()), snippet=quote)
    return None


def _provided_by(before: str, after: str, spellings: Sequence[str]) -> str | None:
    """ "the cloud hosting services provided by AWS and GCP": the service of each listed name."""
    matches = list(_PROVIDED_BY.finditer(before))
    if not matches:
        return None
    last = matches[-1]
    between = before[last.end() :]
    if _LIST_END.search(between):
        return None
    words = _LEADING_FILLER.sub("", last.group("svc")).strip()
    if not words or not any(after.startswith(form) for form in spellings):
        return None
    plural = last.group(0)[len(last.group("svc")) :].split()[0]
    return _tidy(f"{words} {plural}")


def _stated_methods(
    doc: Document, mention: re.Pattern[str], spellings: Sequence[str], votes: Sequence[Vote[str]]
) -> list[tuple[SubserviceMethod, Evidence]]:
    """The methods the report states for this provider by name, each with its quote."""
    stated: list[tuple[SubserviceMethod, Evidence]] = [
        (method, Evidence(page=vote.page, snippet=vote.snippet))
        for vote in votes
        if (method := _method_of_rule(vote.source))
    ]
    in_table = [
        (_method_named(cell.group(0)), quote)
        for cells, quote in _table_rows(doc, spellings)
        if (cell := _TABLE_METHOD.search(cells))
    ]
    if in_table:
        # A method column says it for this row alone; prose around a table runs into rows.
        return in_table
    text = doc.text
    for found in find_in(mention, doc):
        clause = _clause_around(text, found.start(), found.end())
        method = _method_in(clause)
        if method:
            quote = snippet(text, found.start(), found.end())
            stated.append((method, Evidence(page=doc.page_at(found.start()), snippet=quote)))
    return stated


def _method_of_rule(source: str) -> SubserviceMethod | None:
    rule = source.partition(":")[0]
    return "carve-out" if rule == "not-examined" else "inclusive" if rule == "included" else None


def _clause_around(text: str, start: int, end: int) -> str:
    begin = max(0, start - 250)
    stops = list(_CLAUSE.finditer(text, begin, start))
    begin = stops[-1].end() if stops else begin
    after = _CLAUSE.search(text, end, min(len(text), end + 250))
    return " ".join(text[begin : after.start() if after else end + 250].split())


def _method_in(clause: str) -> SubserviceMethod | None:
    carved = bool(CARVE_OUT.search(clause) or NOT_EXAMINED.search(clause))
    included = bool(INCLUSIVE.search(clause)) or bool(
        re.search(r"\b(?:are|were|is)\s+included\b|\bhas\s+provided\s+(?:a|its)\b", clause)
    )
    if carved == included:
        return None
    return "carve-out" if carved else "inclusive"


def _method_named(words: str) -> SubserviceMethod:
    return "inclusive" if "inclusive" in words.lower() else "carve-out"


def _method(value: str | None) -> SubserviceMethod | None:
    return "carve-out" if value == "carve-out" else "inclusive" if value == "inclusive" else None


def _tidy(raw: str, *, cell: bool = False) -> str | None:
    words = " ".join(raw.split()).strip(" ,.;:-–")
    words = _LEADING_FILLER.sub("", words)
    if not cell:
        words = _SERVICE_END.sub("", words).strip(" ,.;:-–")
        if not _SERVICE_WORD.search(words):
            return None
    if len(words) < 3 or not any(ch.isalpha() for ch in words):
        return None
    return words[:_SERVICE_CHARS]


def _distinct(quotes: Iterable[Evidence]) -> tuple[Evidence, ...]:
    seen: set[tuple[int, str]] = set()
    kept: list[Evidence] = []
    for quote in quotes:
        if (quote.page, quote.snippet) not in seen:
            seen.add((quote.page, quote.snippet))
            kept.append(quote)
    return tuple(kept)
