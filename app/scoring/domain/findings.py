"""Consistency findings: where the vendor's answers and its documents disagree.

Each finding names what was claimed, what the document shows, and where (page evidence),
so a reviewer can raise it with the vendor without re-reading the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.scoring.domain.bridge import BridgeCheck
from app.scoring.domain.claim_checks import same
from app.scoring.domain.factors import describe_report
from app.scoring.domain.families import exception_count
from app.scoring.domain.flags import current_certificates
from app.scoring.domain.identity import Stranger
from app.scoring.domain.inputs import Answers, DocumentFacts, VendorProfile
from app.scoring.domain.policy import Policy
from app.scoring.domain.results import Candidate, Finding, Severity, evidence_for
from app.scoring.domain.targets import target_for


@dataclass(frozen=True)
class FindingContext:
    best: DocumentFacts | None
    bridges: tuple[BridgeCheck, ...]
    documents: tuple[DocumentFacts, ...]
    candidates: tuple[Candidate, ...]
    answers: Answers
    profile: VendorProfile
    evaluation_date: date
    policy: Policy


def finding(
    code: str, severity: Severity, message: str, source: DocumentFacts | None = None, *fields: str
) -> Finding:
    """Build a finding with the evidence behind some fields of its source document."""
    evidence = evidence_for(source, *fields) if source is not None else ()
    return Finding(code=code, severity=severity, message=message, evidence=evidence)


def _doc(ctx: FindingContext, key: str) -> DocumentFacts | None:
    """Return the document a claim is checked against (see `targets`)."""
    return target_for(key, ctx.answers, ctx.documents, ctx.best).document


def _is_current_soc2_type2(doc: DocumentFacts, ctx: FindingContext) -> bool:
    return (
        doc.doc_kind == "soc_report"
        and doc.framework == "SOC 2"
        and doc.report_type == "type2"
        and doc.period_end is not None
        and (ctx.evaluation_date - doc.period_end).days <= ctx.policy.current_report_days
    )


def soc2_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check "holds a current SOC 2 Type 2 report" against the reports on file."""
    claim = "Answered that it holds a current SOC 2 Type 2 report"
    if ctx.answers.holds_current_soc2_type2 != "yes":
        return []
    if any(_is_current_soc2_type2(doc, ctx) for doc in ctx.documents):
        return []
    best = _doc(ctx, "holds_current_soc2_type2") or ctx.best
    if best is None:
        return [
            finding("SOC2_TYPE2_CLAIM_NO_REPORT", "high", f"{claim}, but no SOC report is on file.")
        ]
    shown = (
        f"{claim}, but the best report on file ({best.display_name}) "
        f"is a {describe_report(best)} report"
    )
    if best.framework == "SOC 2" and best.report_type == "type1":
        return [finding("SOC2_TYPE2_CLAIM_TYPE1", "high", f"{shown}.", best, "report_type")]
    if best.framework != "SOC 2":
        return [finding("SOC2_TYPE2_CLAIM_WRONG_FRAMEWORK", "high", f"{shown}.", best, "framework")]
    if best.report_type is None or best.period_end is None:
        return [
            finding(
                "SOC2_TYPE2_CLAIM_UNCONFIRMED",
                "medium",
                f"{shown}; its type or period was not found.",
                best,
            )
        ]
    age = (ctx.evaluation_date - best.period_end).days
    message = (
        f"{shown} whose period ended {best.period_end}, {age} days before {ctx.evaluation_date}; "
        f"reports count as current for {ctx.policy.current_report_days} days."
    )
    return [finding("SOC2_TYPE2_CLAIM_NOT_CURRENT", "high", message, best, "period_end")]


def exception_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check claimed exceptions against the tests of controls in the report they concern."""
    best = _doc(
        ctx, "exceptions_count" if ctx.answers.exceptions_count is not None else "has_exceptions"
    )
    if best is None or best.report_type != "type2" or best.framework == "SOC 3":
        return []
    found = exception_count(best)
    if found is None:
        return []
    answered = ctx.answers.exceptions_count
    says_none = ctx.answers.has_exceptions == "no" or answered == 0
    if says_none and found > 0:
        message = (
            f"Answered that the report has no exceptions, but {best.display_name} lists {found}."
        )
        return [finding("EXCEPTIONS_CLAIM_CONTRADICTED", "high", message, best, "exceptions_count")]
    if answered is not None and answered != found:
        severity: Severity = "medium" if answered < found else "low"
        message = f"Answered {answered} exception(s), but {best.display_name} lists {found}."
        return [finding("EXCEPTIONS_COUNT_MISMATCH", severity, message, best, "exceptions_count")]
    if ctx.answers.has_exceptions == "yes" and found == 0:
        message = f"Answered that the report has exceptions, but {best.display_name} lists none."
        return [finding("EXCEPTIONS_COUNT_MISMATCH", "low", message, best, "exceptions_count")]
    return []


def period_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check answered period dates against the period of the report they concern."""
    best = _doc(ctx, "period_end" if ctx.answers.period_end is not None else "period_start")
    if best is None:
        return []
    pairs = [
        ("start", ctx.answers.period_start, best.period_start),
        ("end", ctx.answers.period_end, best.period_end),
    ]
    differences = [
        f"period {name} answered {answered}, report shows {shown}"
        for name, answered, shown in pairs
        if answered is not None and shown is not None and answered != shown
    ]
    if not differences:
        return []
    message = f"Answered period differs from {best.display_name}: {'; '.join(differences)}."
    return [finding("PERIOD_MISMATCH", "medium", message, best, "period_start", "period_end")]


def criteria_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check answered trust services criteria against the scope of the report they concern."""
    best, answered = _doc(ctx, "trust_services_criteria"), ctx.answers.trust_services_criteria
    if best is None or answered is None or best.framework not in ("SOC 2", "SOC 3"):
        return []
    in_report = {*best.trust_services_criteria, "security"}
    claimed = {*answered, "security"} if "security" in in_report else set(answered)
    if claimed == in_report:
        return []
    overclaimed = sorted(claimed - in_report)
    unclaimed = sorted(in_report - claimed)
    parts = [f"answered but not in the report: {', '.join(overclaimed)}"] if overclaimed else []
    parts += [f"in the report but not answered: {', '.join(unclaimed)}"] if unclaimed else []
    severity: Severity = "medium" if overclaimed else "low"
    message = f"Trust services criteria differ from {best.display_name}: {'; '.join(parts)}."
    return [finding("CRITERIA_MISMATCH", severity, message, best, "trust_services_criteria")]


def _same_names(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    return same("subservice_organizations", left, right)


def fact_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check answered family, type, opinion, subservice method and CUECs against the report."""
    answers = ctx.answers
    simple: list[tuple[str, Severity, object]] = [
        ("framework", "medium", answers.framework),
        ("report_type", "medium", answers.report_type),
        ("opinion", "high", answers.opinion),
        ("subservice_method", "low", answers.subservice_method),
        ("cuecs", "low", answers.cuecs),
    ]
    findings: list[Finding] = []
    for field, severity, answered in simple:
        doc = _doc(ctx, field) if answered is not None else None
        shown = (
            None if doc is None else (doc.has_cuecs if field == "cuecs" else getattr(doc, field))
        )
        if doc is None or shown is None or same(field, answered, shown):
            continue
        message = f"Answered {field} = {answered}, but {doc.display_name} shows {shown}."
        findings.append(finding("ANSWER_MISMATCH", severity, message, doc, field))
    return findings


def party_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check the answered audit firm and subservice organisations against the report."""
    answers = ctx.answers
    findings: list[Finding] = []
    best = _doc(ctx, "service_auditor")
    auditor, signed = answers.service_auditor, best.service_auditor if best else None
    if best and auditor and signed and not same("service_auditor", auditor, signed):
        message = (
            f"Answered service auditor {auditor}, but {best.display_name} was signed by {signed}."
        )
        findings.append(finding("ANSWER_MISMATCH", "medium", message, best, "service_auditor"))
    orgs, best = answers.subservice_organizations, _doc(ctx, "subservice_organizations")
    if best and orgs is not None and not _same_names(orgs, best.subservice_organizations):
        message = (
            f"Answered subservice organisations ({', '.join(orgs) or 'none'}) differ from "
            f"{best.display_name} ({', '.join(best.subservice_organizations) or 'none'})."
        )
        findings.append(
            finding("ANSWER_MISMATCH", "low", message, best, "subservice_organizations")
        )
    return findings


def dated_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check answered bridge and certificate dates against the letters and certificates."""
    pairs = [
        ("bridge_through", "bridge_letter", ctx.answers.bridge_through),
        ("certificate_expiry", "iso_certificate", ctx.answers.certificate_expiry),
    ]
    findings: list[Finding] = []
    for field, kind, answered in pairs:
        held = [
            doc
            for doc in ctx.documents
            if doc.doc_kind == kind and doc.iso_standard != "42001" and getattr(doc, field)
        ]
        if answered is None or not held or any(getattr(doc, field) == answered for doc in held):
            continue
        shown = getattr(held[0], field)
        message = f"Answered {field} = {answered}, but {held[0].display_name} shows {shown}."
        findings.append(finding("ANSWER_MISMATCH", "low", message, held[0], field))
    return findings


def iso_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check an ISO/IEC 27001 certification claim against the certificates on file."""
    if ctx.answers.iso27001_certified != "yes":
        return []
    current = current_certificates(ctx.documents, ctx.evaluation_date)
    if current:
        return []
    held = [doc for doc in ctx.documents if doc.iso_standard == "27001"]
    if held:
        message = (
            f"Answered ISO/IEC 27001 certified, but the certificate on file "
            f"({held[0].display_name}) has expired or shows no expiry."
        )
        return [
            finding(
                "ISO_CLAIM_CERTIFICATE_EXPIRED", "medium", message, held[0], "certificate_expiry"
            )
        ]
    return [
        finding(
            "ISO_CLAIM_NO_CERTIFICATE",
            "medium",
            "Answered ISO/IEC 27001 certified, but no certificate is on file.",
        )
    ]


def claim_findings(ctx: FindingContext) -> list[Finding]:
    """Run every answer-versus-document check, in a fixed order."""
    checks = (
        soc2_claim_findings,
        exception_claim_findings,
        period_claim_findings,
        criteria_claim_findings,
        fact_claim_findings,
        party_claim_findings,
        dated_claim_findings,
        iso_claim_findings,
    )
    return [item for check in checks for item in check(ctx)]


def stranger_findings(strangers: tuple[Stranger, ...], profile: VendorProfile) -> list[Finding]:
    """Name each document about another organisation, which earns the vendor nothing."""
    names = " / ".join(profile.organization_names)
    findings = []
    for item in strangers:
        doc = item.facts
        said = (
            " The vendor says it is its own under another name: confirm the alias."
            if (item.vendor_says_alias)
            else ""
        )
        message = (
            f"{doc.display_name} is about {doc.service_organization}, not about {names}; it earns "
            "no points and answers no questions. If it is the vendor's under another name, add "
            "that name to the vendor's other names; if it is a subservice organisation's own "
            f"report, file it as one.{said}"
        )
        findings.append(
            finding("DOCUMENT_OTHER_ORGANIZATION", "high", message, doc, "service_organization")
        )
    return findings
