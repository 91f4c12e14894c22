"""Pre-answering: questionnaire claims a valid document already answers.

Vendors are shown "from your report, page N" and only confirm, instead of being asked
twice for facts the auditor's report states.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from app.scoring.domain.families import exception_count
from app.scoring.domain.inputs import DocumentFacts

ClaimValue = str | int | bool | list[str]


class ClaimPrefill(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: ClaimValue
    document_id: str
    page: int | None


def _page(facts: DocumentFacts, field: str) -> int | None:
    pages = [item.page for item in facts.evidence.get(field, ()) if item.page is not None]
    return pages[0] if pages else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _report_claims(
    facts: DocumentFacts, evaluation_date: date, current_days: int
) -> dict[str, tuple[ClaimValue | None, str]]:
    is_tested = facts.report_type == "type2" and facts.framework in ("SOC 1", "SOC 2")
    count = exception_count(facts) if is_tested else None
    has_criteria = facts.framework in ("SOC 2", "SOC 3") and bool(facts.trust_services_criteria)
    is_current = (
        facts.period_end is not None and (evaluation_date - facts.period_end).days <= current_days
    )
    holds = facts.framework == "SOC 2" and facts.report_type == "type2" and is_current
    return {
        "framework": (facts.framework, "framework"),
        "report_type": (facts.report_type, "report_type"),
        "period_start": (_iso(facts.period_start), "period_start"),
        "period_end": (_iso(facts.period_end), "period_end"),
        "service_auditor": (facts.service_auditor, "service_auditor"),
        "opinion": (facts.opinion, "opinion"),
        "trust_services_criteria": (
            list(facts.trust_services_criteria) if has_criteria else None,
            "trust_services_criteria",
        ),
        "exceptions_count": (count, "exceptions_count"),
        "has_exceptions": (
            None if count is None else ("yes" if count else "no"),
            "exceptions_count",
        ),
        "subservice_organizations": (
            list(facts.subservice_organizations),
            "subservice_organizations",
        ),
        "subservice_method": (facts.subservice_method, "subservice_method"),
        "cuecs": (facts.has_cuecs, "cuecs"),
        # Only a yes is proven: a Type 1 on file does not show the vendor lacks a Type 2.
        "holds_current_soc2_type2": ("yes" if holds else None, "period_end"),
    }


def _other_claims(
    facts: DocumentFacts, evaluation_date: date
) -> dict[str, tuple[ClaimValue | None, str]]:
    if facts.doc_kind == "bridge_letter" and facts.bridge_through is not None:
        return {
            "has_bridge_letter": ("yes", "bridge_through"),
            "bridge_through": (facts.bridge_through.isoformat(), "bridge_through"),
        }
    expiry = facts.certificate_expiry
    if facts.iso_standard == "42001" and expiry is not None:
        current = "yes" if expiry >= evaluation_date else None
        return {"iso42001_certified": (current, "certificate_expiry")}
    if facts.doc_kind == "iso_certificate" and expiry is not None:
        return {
            "iso27001_certified": (
                "yes" if expiry >= evaluation_date else None,
                "certificate_expiry",
            ),
            "certificate_expiry": (expiry.isoformat(), "certificate_expiry"),
        }
    return {}


def prefill_claims(
    facts: DocumentFacts, evaluation_date: date, *, current_report_days: int = 365
) -> dict[str, ClaimPrefill]:
    """Give the claims a valid document answers, each with the page it was read from."""
    if facts.doc_kind == "soc_report":
        if facts.opinion is None and facts.service_auditor is None:
            return {}  # gate G1: not an auditor's report, so it proves nothing
        claims = _report_claims(facts, evaluation_date, current_report_days)
    else:
        claims = _other_claims(facts, evaluation_date)
    return {
        key: ClaimPrefill(value=value, document_id=facts.document_id, page=_page(facts, field))
        for key, (value, field) in claims.items()
        if value is not None
    }
