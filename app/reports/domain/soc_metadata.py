"""Facts of an assurance document from its page texts: the pure extraction pipeline.

page texts → running headers/footers removed and sections found (layout) → field rules
that vote across the places a report states each fact → facts with confidence and
evidence. Nothing here opens files: callers pass the text of each page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from app.reports.domain import certificates, layout, parties, periods, scope
from app.reports.domain.dates import find_ranges
from app.reports.domain.facts import (
    FIELD_NAMES,
    CertificateFacts,
    DocKind,
    Evidence,
    ExtractionResult,
    ExtractionWarning,
    SectionSpan,
)
from app.reports.domain.layout import Document, build_document
from app.reports.domain.names import normalize_name
from app.reports.domain.opinion import decide_opinion
from app.reports.domain.responses import with_responses
from app.reports.domain.sources import find_in
from app.reports.domain.subservice_details import describe_subservices
from app.reports.domain.tested_criteria import TESTED_CRITERIA, tested_criteria
from app.reports.domain.tests_of_controls import read_test_results
from app.reports.domain.voting import Decision, Vote, decide, snippet

_FRAMEWORK = re.compile(
    r"\bSOC\s*(?:®|\(r\))?\s*(?P<n>[123])\b|\b(?:System|Service)\s+(?:and\s+)?Organi[sz]ation\s+"
    r"Controls?\s*(?:\(SOC\)\s*)?(?:®\s*)?(?P<m>[123])\b",
    re.IGNORECASE,
)
_SOC1_CUE = re.compile(
    r"\bAT-C\s+(?:section\s+)?320\b|\bISAE\s*3402\b|\bSSAE\s*(?:16|18)\b[^.\n]{0,30}SOC\s*1", re.I
)
_TYPE = re.compile(r"\bType\s*[-–]?\s*(?P<t>II|2|I|1)\b(?![.\d])", re.IGNORECASE)
_AUDITOR_OPINION = re.compile(r"\bin\s+our\s+opinion\b|\bexpress\s+an\s+opinion\b", re.IGNORECASE)
_EXAMINED = re.compile(r"\bwe\s+have\s+examined\b", re.IGNORECASE)
_ASSERTS = re.compile(
    r"\bwe\s+(?:are\s+responsible|assert|confirm)\b|\bmanagement\s+(?:asserts|is\s+responsible)\b",
    re.IGNORECASE,
)
_BRIDGE = re.compile(r"\b(?:bridge|gap)\s+(?:letter|period)\b", re.IGNORECASE)
_NO_CHANGES = re.compile(r"\b(?:no|not\s+aware\s+of\s+any)\s+material\s+changes\b", re.IGNORECASE)
_FRAMEWORK_WEIGHT = {layout.COVER: 3.0, layout.AUDITOR_REPORT: 2.0}


def extract_facts(pages: Sequence[str]) -> ExtractionResult:
    """Read every labelled fact from the page texts of one document."""
    doc = build_document(pages)
    kind = classify(doc)
    if kind == "soc_report":
        return _soc_report(doc)
    if kind == "bridge_letter":
        return _bridge_letter(doc)
    if kind == "iso_certificate":
        return _iso_certificate(doc)
    return _Facts(doc, "other", 0.7).result()


def classify(doc: Document) -> DocKind:
    """Tell what the document is: SOC report, bridge letter, ISO certificate or other."""
    has_report = doc.has_section(layout.AUDITOR_REPORT) or bool(_EXAMINED.search(doc.text))
    if has_report and _AUDITOR_OPINION.search(doc.text):
        return "soc_report"
    mentions_soc = bool(_FRAMEWORK.search(doc.text))
    if mentions_soc and (_BRIDGE.search(doc.text) or _NO_CHANGES.search(doc.text)):
        return "bridge_letter"
    if certificates.looks_like_certificate(doc):
        return "iso_certificate"
    if mentions_soc and _assertion_states_period(doc):
        # The auditor's pages may be scanned or missing; the report's name and management's
        # assertion over a period still make it a SOC report.
        return "soc_report"
    return "other"


def _assertion_states_period(doc: Document) -> bool:
    for _offset, text in doc.section_text(layout.ASSERTION):
        if _ASSERTS.search(text) and any(True for _ in find_ranges(text)):
            return True
    return False


class _Facts:
    """Collects field values with their confidence and evidence."""

    def __init__(self, doc: Document, kind: DocKind, kind_confidence: float) -> None:
        self.doc = doc
        self.values: dict[str, Any] = {"doc_kind": kind}
        self.confidence: dict[str, float] = {"doc_kind": kind_confidence}
        self.evidence: dict[str, tuple[Evidence, ...]] = {}
        self.warnings: list[ExtractionWarning] = []
        self.extra: dict[str, Any] = {}

    def put(self, field: str, decision: Decision[Any], value: Any = None) -> None:
        chosen = decision.value if value is None else value
        self.values[field] = chosen
        self.confidence[field] = decision.confidence if chosen not in (None, (), []) else 0.0
        if chosen not in (None, (), []) and decision.evidence:
            self.evidence[field] = decision.evidence

    def set(
        self, field: str, value: Any, confidence: float, evidence: Sequence[Evidence] = ()
    ) -> None:
        self.values[field] = value
        self.confidence[field] = round(confidence, 2)
        if evidence:
            self.evidence[field] = tuple(evidence)

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(ExtractionWarning(code=code, message=message))

    def result(self) -> ExtractionResult:
        for field in FIELD_NAMES:
            self.confidence.setdefault(field, 0.0)
        sections = tuple(
            SectionSpan(
                kind=s.kind, title=s.title[:120], page_start=s.page_start, page_end=s.page_end
            )
            for s in self.doc.sections
        )
        return ExtractionResult(
            **self.values,
            **self.extra,
            warnings=tuple(self.warnings),
            evidence=self.evidence,
            confidence=self.confidence,
            page_count=self.doc.page_count,
            sections=sections,
        )


def _soc_report(doc: Document) -> ExtractionResult:
    has_report = doc.has_section(layout.AUDITOR_REPORT) or bool(_EXAMINED.search(doc.text))
    facts = _Facts(doc, "soc_report", 0.95 if doc.has_section(layout.AUDITOR_REPORT) else 0.75)
    if not has_report:
        facts.confidence["doc_kind"] = 0.6
        facts.warn(
            "AUDITOR_REPORT_NOT_FOUND",
            "No auditor's report text was found; the facts come from the cover and "
            "management's assertion.",
        )
    framework = decide_framework(doc)
    facts.put("framework", framework)
    period = periods.decide_period(doc)
    report_type = decide_report_type(doc, framework.value, period.value)
    facts.put("report_type", report_type)
    _put_parties(facts)
    _put_period(facts, period, report_type.value)
    report_date = decide(periods.report_date_votes(doc))
    facts.put("report_date", report_date, _iso(report_date.value))
    facts.put("opinion", decide_opinion(doc))
    if facts.values["opinion"] is None:
        facts.warn("OPINION_NOT_FOUND", "No opinion paragraph was found in the auditor's report.")
    _put_scope(facts, framework.value)
    _put_exceptions(facts, framework.value, report_type.value)
    _check_dates(facts)
    return facts.result()


def decide_framework(doc: Document) -> Decision[str]:
    """Choose SOC 1, 2 or 3 by where the report names itself."""
    votes: list[Vote[str]] = []
    for match in find_in(_FRAMEWORK, doc):
        family = f"SOC {match.group('n') or match.group('m')}"
        weight = _FRAMEWORK_WEIGHT.get(doc.section_kind_at(match.start()), 0.5)
        page = doc.page_at(match.start())
        votes.append(
            Vote(family, weight, page, snippet(doc.text, match.start(), match.end()), f"t:{page}")
        )
    # Each distinct running line votes once, from the first page it is printed on.
    first_pages: dict[str, int] = {}
    for line in doc.running_lines:
        first_pages.setdefault(line.text, line.page)
    for text, page in first_pages.items():
        for match in _FRAMEWORK.finditer(text):
            family = f"SOC {match.group('n') or match.group('m')}"
            votes.append(Vote(family, 2.0, page, text[:160], "running-header"))
    for match in find_in(_SOC1_CUE, doc):
        page = doc.page_at(match.start())
        votes.append(
            Vote("SOC 1", 2.0, page, snippet(doc.text, match.start(), match.end()), "soc1-cue")
        )
    return decide(votes)


def decide_report_type(
    doc: Document, framework: str | None, period: periods.Period | None
) -> Decision[str]:
    """Choose Type 1 or Type 2; a SOC 3 and anything without a type get None."""
    if framework == "SOC 3":
        return Decision(value=None, confidence=0.9)
    votes: list[Vote[str]] = []
    for match in find_in(_TYPE, doc):
        if not re.search(
            r"SOC|report|examination", doc.text[max(0, match.start() - 40) : match.end() + 20], re.I
        ):
            continue
        value = "type2" if match.group("t").upper() in ("II", "2") else "type1"
        weight = _FRAMEWORK_WEIGHT.get(doc.section_kind_at(match.start()), 0.5)
        page = doc.page_at(match.start())
        votes.append(
            Vote(value, weight, page, snippet(doc.text, match.start(), match.end()), f"t:{page}")
        )
    for line in doc.running_lines[:1]:
        if found := _TYPE.search(line.text):
            value = "type2" if found.group("t").upper() in ("II", "2") else "type1"
            votes.append(Vote(value, 2.0, line.page, line.text[:160], "running-header"))
    if period is not None:
        value = "type2" if period[0] is not None else "type1"
        votes.append(Vote(value, 2.0, 0, "", "period-shape"))
    decision = decide(votes)
    return Decision(
        decision.value, decision.confidence, tuple(e for e in decision.evidence if e.page)
    )


def _put_parties(facts: _Facts) -> None:
    auditor = parties.decide_name(parties.auditor_votes(facts.doc))
    facts.put("service_auditor", auditor)
    exclude = [auditor.value] if auditor.value else []
    facts.put("service_organization", parties.decide_organization(facts.doc, exclude=exclude))


def _put_period(facts: _Facts, period: Decision[periods.Period], report_type: str | None) -> None:
    if period.value is None:
        facts.set("period_start", None, 0.0)
        facts.set("period_end", None, 0.0)
        return
    start, end = period.value
    if report_type == "type1":
        start = None
    facts.set(
        "period_start",
        _iso(start),
        period.confidence if start else 0.0,
        period.evidence if start else (),
    )
    facts.set("period_end", _iso(end), period.confidence, period.evidence)
    if period.runner_up is not None and period.runner_up_share >= 0.2:
        facts.warn(
            "DATE_CONFLICT",
            f"The report also states the period {_describe(period.runner_up)} "
            f"({period.runner_up_share:.0%} of the statements).",
        )


def _describe(period: periods.Period) -> str:
    start, end = period
    return f"{start.isoformat()} to {end.isoformat()}" if start else f"as of {end.isoformat()}"


def _put_scope(facts: _Facts, framework: str | None) -> None:
    doc = facts.doc
    if framework in ("SOC 2", "SOC 3"):
        categories = scope.decide_categories(doc)
        value = tuple(sorted(categories.value or {"security"}))
        confidence = categories.confidence if categories.value else 0.3
        facts.set("trust_services_criteria", value, confidence, categories.evidence)
    else:
        facts.set("trust_services_criteria", (), 0.9)
    excluded = [
        v
        for v in (facts.values.get("service_organization"), facts.values.get("service_auditor"))
        if v
    ]
    reading = scope.decide_subservice(doc, exclude=excluded)
    facts.set(
        "subservice_organizations",
        reading.names,
        reading.confidence,
        scope.evidence_of(reading.votes),
    )
    if reading.names:
        facts.put("subservice_method", reading.method)
        facts.extra["subservices"] = describe_subservices(doc, reading)
    else:
        facts.set("subservice_method", None, reading.confidence)
    items, pages = scope.read_cuecs(doc)
    facts.set(
        "cuecs",
        bool(items),
        0.9 if items else 0.7,
        scope.evidence_of(scope.cuec_evidence(pages, items)),
    )
    facts.extra["cuec_list"] = items


def _put_exceptions(facts: _Facts, framework: str | None, report_type: str | None) -> None:
    if framework == "SOC 3" or report_type != "type2":
        facts.set("exceptions_count", None, 0.8)
        return
    results = read_test_results(facts.doc)
    if results is None:
        facts.set("exceptions_count", None, 0.0)
        facts.warn(
            "TESTS_NOT_FOUND", "No tests-of-controls section was found in this Type 2 report."
        )
        return
    evidence = [
        Evidence(page=item.page, snippet=item.result[:160]) for item in results.exceptions[:3]
    ]
    if not evidence and results.first_result_page:
        evidence = [Evidence(page=results.first_result_page, snippet="No exceptions noted.")]
    confidence = 0.9 if results.clean_results or results.exceptions else 0.4
    facts.set("exceptions_count", len(results.exceptions), confidence, evidence)
    facts.extra["exceptions"] = with_responses(facts.doc, results.exceptions)
    tested = tested_criteria(facts.doc)
    if tested:
        facts.evidence[TESTED_CRITERIA] = tested


def _check_dates(facts: _Facts) -> None:
    start, end = facts.values.get("period_start"), facts.values.get("period_end")
    issued = facts.values.get("report_date")
    if start and end:
        days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
        if not 28 <= days <= 550:
            facts.warn("PERIOD_UNUSUAL", f"The examination period lasts {days} days.")
    if issued and end and issued < end:
        facts.warn("REPORT_DATE_BEFORE_PERIOD_END", "The report is dated before its period ends.")


def _bridge_letter(doc: Document) -> ExtractionResult:
    facts = _Facts(doc, "bridge_letter", 0.85)
    facts.put("framework", decide_framework(doc))
    facts.set("report_type", None, 0.9)
    facts.put("service_organization", parties.decide_organization(doc))
    report_period, bridge_end = periods.bridge_periods(doc)
    if report_period.value:
        start, end = report_period.value
        facts.set("period_start", _iso(start), report_period.confidence, report_period.evidence)
        facts.set("period_end", _iso(end), report_period.confidence, report_period.evidence)
    facts.put("bridge_through", bridge_end, _iso(bridge_end.value))
    letter = periods.letter_date(doc)
    facts.put("report_date", letter, _iso(letter.value))
    _check_bridge(facts, bridge_end)
    return facts.result()


def _check_bridge(facts: _Facts, bridge_end: Decision[date]) -> None:
    """Warn about a bridge letter that contradicts itself rather than guess."""
    dated, through = facts.values.get("report_date"), facts.values.get("bridge_through")
    if dated and through and dated < through:
        facts.warn(
            "BRIDGE_DATED_EARLY",
            f"The letter is dated {dated}, before the end of the period it bridges ({through}): "
            "management cannot vouch for the days after the letter.",
        )
    if bridge_end.runner_up is not None and bridge_end.runner_up != bridge_end.value:
        facts.warn(
            "BRIDGE_PERIOD_CONFLICT",
            f"The letter also names {bridge_end.runner_up.isoformat()} as the end of the bridged "
            "period.",
        )


def _iso_certificate(doc: Document) -> ExtractionResult:
    facts = _Facts(doc, "iso_certificate", 0.85)
    # Where a certificate introduces the organisation it certifies, other names (affiliates
    # in the scope, addresses) are no rivals.
    named = certificates.certified_organization(doc) or parties.organization_votes(doc)
    organization = parties.decide_name(named)
    issuer = certificates.certification_body(doc, organization=organization.value)
    facts.put("service_auditor", issuer)
    if issuer.value:
        exclude = normalize_name(issuer.value)
        organization = parties.decide_name(
            [vote for vote in named if normalize_name(vote.value) != exclude]
        )
    facts.put("service_organization", organization)
    dates = certificates.read_dates(doc)
    facts.put("report_date", dates.issued, _iso(dates.issued.value))
    facts.put("certificate_expiry", dates.expiry, _iso(dates.expiry.value))
    standard = certificates.standard(doc)
    facts.extra["standard"] = standard.value
    facts.extra["certificate"] = CertificateFacts(
        standard=standard.value,
        certificate_number=certificates.certificate_number(doc),
        certification_body=issuer.value,
        accreditation_body=certificates.accreditation_body(doc),
        scope=certificates.scope_text(doc),
        issued=_iso(dates.issued.value),
    )
    return facts.result()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
