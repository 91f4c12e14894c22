"""Informational flags (SOC-REPORTS.md §5.4): no points, but shown to reviewers."""

from __future__ import annotations

from datetime import date

from app.scoring.domain.families import ClassifiedException, group_counts
from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.policy import Policy
from app.scoring.domain.results import Flag


def exception_flags(
    facts: DocumentFacts, exceptions: tuple[ClassifiedException, ...], policy: Policy
) -> list[Flag]:
    """Flag exception patterns: clusters in one criterion group, access clusters, unmapped ones."""
    rules, doc = policy.flags, facts.document_id
    counts = group_counts(exceptions)
    flags = [
        Flag(
            code="PATTERN_EXCEPTIONS",
            message=f"{count} exceptions in criterion group {group}: a pattern, not a one-off.",
            document_id=doc,
        )
        for group, count in sorted(counts.items())
        if count >= rules.pattern_min_exceptions
    ]
    access = counts.get(rules.access_cluster_group.upper(), 0)
    if access >= rules.access_cluster_min:
        message = (
            f"{access} exceptions in {rules.access_cluster_group} (logical and physical access)."
        )
        flags.append(Flag(code="ACCESS_EXCEPTION_CLUSTER", message=message, document_id=doc))
    unmapped = sum(1 for item in exceptions if item.family == "unmapped")
    if unmapped:
        weight = policy.factors.exceptions.families.unmapped_weight
        message = (
            f"{unmapped} exception(s) could not be tied to a criterion; each weighed {weight}."
        )
        flags.append(Flag(code="EXCEPTION_UNMAPPED", message=message, document_id=doc))
    tested = facts.controls_tested_count
    if (
        not exceptions
        and facts.exceptions_count == 0
        and (tested or 0) >= rules.zero_exceptions_min_controls
    ):
        message = (
            f"No exceptions across {tested} tested controls: not penalised, but verify the "
            "auditor's licence and peer review."
        )
        flags.append(Flag(code="ZERO_EXCEPTIONS_LARGE_REPORT", message=message, document_id=doc))
    return flags


def period_flags(facts: DocumentFacts, policy: Policy) -> list[Flag]:
    """Flag unusually short or long examination periods."""
    if facts.period_start is None or facts.period_end is None or facts.report_type == "type1":
        return []
    days = (facts.period_end - facts.period_start).days + 1
    if days < policy.flags.short_period_days:
        message = (
            f"Examination period of {days} days is shorter than {policy.flags.short_period_days}."
        )
        return [Flag(code="SHORT_PERIOD", message=message, document_id=facts.document_id)]
    if days > policy.flags.long_period_days:
        message = (
            f"Examination period of {days} days is longer than {policy.flags.long_period_days}."
        )
        return [Flag(code="LONG_PERIOD", message=message, document_id=facts.document_id)]
    return []


def current_certificates(
    documents: tuple[DocumentFacts, ...], evaluation_date: date, standard: str = "27001"
) -> tuple[DocumentFacts, ...]:
    """List ISO certificates to a standard whose expiry has not passed at the evaluation date."""
    return tuple(
        doc
        for doc in documents
        if doc.iso_standard == standard
        and doc.certificate_expiry is not None
        and doc.certificate_expiry >= evaluation_date
        and not _edition_withdrawn(doc, evaluation_date)
    )


# Certificates to ISO/IEC 27001:2013 lost their validity when the transition to the 2022
# edition ended, whatever expiry date they print.
ISO27001_2013_TRANSITION_END = date(2025, 10, 31)


def _edition_withdrawn(doc: DocumentFacts, evaluation_date: date) -> bool:
    return (
        doc.iso_standard == "27001"
        and doc.iso_edition == 2013
        and evaluation_date > ISO27001_2013_TRANSITION_END
    )


_NOT_SECURITY = frozenset({"9001", "14001"})


def document_flags(documents: tuple[DocumentFacts, ...], evaluation_date: date) -> list[Flag]:
    """Show ISO certificates with their expiry and name documents that are not assurance."""
    flags: list[Flag] = []
    for doc in documents:
        holder = f" for {doc.service_organization}" if doc.service_organization else ""
        number = doc.iso_standard
        if number is not None and doc.certificate_expiry is None:
            message = f"ISO/IEC {number} certificate{holder}: expiry date not found."
            flags.append(
                Flag(
                    code=f"ISO{number}_EXPIRY_UNKNOWN", message=message, document_id=doc.document_id
                )
            )
        elif number is not None and _edition_withdrawn(doc, evaluation_date):
            message = (
                f"ISO/IEC 27001:2013 certificate{holder}: not valid after "
                f"{ISO27001_2013_TRANSITION_END}, when the transition to the 2022 edition ended."
            )
            flags.append(
                Flag(code="ISO27001_2013_WITHDRAWN", message=message, document_id=doc.document_id)
            )
        elif number in _NOT_SECURITY:
            message = f"ISO {number} certificate{holder}: not a security standard; not scored."
            flags.append(
                Flag(code=f"ISO{number}_NOT_SECURITY", message=message, document_id=doc.document_id)
            )
        elif number is not None and doc.certificate_expiry is not None:
            expired = doc.certificate_expiry < evaluation_date
            code = f"ISO{number}_EXPIRED" if expired else f"ISO{number}_CERTIFIED"
            verb = "expired on" if expired else "valid until"
            message = f"ISO/IEC {number} certificate{holder} {verb} {doc.certificate_expiry}."
            flags.append(Flag(code=code, message=message, document_id=doc.document_id))
        elif doc.doc_kind == "other":
            message = "Not a SOC report, bridge letter or ISO certificate; not scored."
            flags.append(
                Flag(code="NOT_AN_ASSURANCE_DOCUMENT", message=message, document_id=doc.document_id)
            )
    if not any(doc.doc_kind == "soc_report" for doc in documents):
        flags.append(Flag(code="NO_SOC_REPORT", message="No SOC report on file; nothing to score."))
    return flags
