"""Builders for scoring tests: a clean SOC 2 Type 2 report and friends, overridable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from app.scoring.domain.inputs import DocumentFacts, VendorProfile, parse_facts
from app.scoring.domain.results import ScoreResult
from app.scoring.domain.rules import score_vendor
from app.scoring.policy_loader import load_default_policy

POLICY = load_default_policy()
AS_OF = date(2025, 6, 30)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "scoring"


def report(**overrides: Any) -> dict[str, Any]:
    """Return facts for a clean SOC 2 Type 2 report ending two months before AS_OF."""
    data: dict[str, Any] = {
        "document_id": "report",
        "doc_kind": "soc_report",
        "framework": "SOC 2",
        "report_type": "type2",
        "service_organization": "Lumenary Cloud, Inc.",
        "service_auditor": "Halvorsen & Pike LLP",
        "period_start": "2024-05-01",
        "period_end": "2025-04-30",
        "report_date": "2025-06-01",
        "opinion": "unqualified",
        "trust_services_criteria": ["security"],
        "exceptions_count": 0,
        "subservice_organizations": [],
        "subservice_method": None,
        "cuecs": False,
        "bridge_through": None,
        "certificate_expiry": None,
    }
    data.update(overrides)
    return data


def bridge(**overrides: Any) -> dict[str, Any]:
    """Return facts for a bridge letter extending `report()` by two months."""
    data: dict[str, Any] = {
        "document_id": "bridge",
        "doc_kind": "bridge_letter",
        "framework": "SOC 2",
        "service_organization": "Lumenary Cloud Inc",
        "period_start": "2024-05-01",
        "period_end": "2025-04-30",
        "report_date": "2025-07-05",
        "bridge_through": "2025-06-30",
    }
    data.update(overrides)
    return data


def certificate(**overrides: Any) -> dict[str, Any]:
    """Return facts for an ISO/IEC 27001 certificate valid past AS_OF."""
    data: dict[str, Any] = {
        "document_id": "iso",
        "doc_kind": "iso_certificate",
        "service_organization": "Lumenary Cloud, Inc.",
        "service_auditor": "Aldermoor Certification Services Ltd.",
        "report_date": "2024-03-12",
        "certificate_expiry": "2027-03-11",
    }
    data.update(overrides)
    return data


def facts(**overrides: Any) -> DocumentFacts:
    """Parse `report(**overrides)` into document facts."""
    return parse_facts(report(**overrides), default_document_id="report")


def profile(**overrides: Any) -> VendorProfile:
    """Return a high-tier vendor profile that needs only security."""
    return VendorProfile(**{"inherent_tier": "high", **overrides})


def score(
    *documents: dict[str, Any] | DocumentFacts,
    answers: dict[str, Any] | None = None,
    vendor: VendorProfile | None = None,
    as_of: date = AS_OF,
    policy: Any = POLICY,
) -> ScoreResult:
    """Score documents with sensible defaults."""
    return score_vendor(list(documents), answers or {}, vendor or profile(), as_of, policy)


def factor(result: ScoreResult, code: str) -> Any:
    """Return one factor of a result by its code (F1..F7)."""
    return next(item for item in result.factors if item.factor == code)


def codes(items: Any) -> list[str]:
    """List the codes (or reason codes) of findings, flags or gates."""
    return [getattr(item, "code", None) or item.reason_code for item in items]


def labels() -> list[dict[str, Any]]:
    """Load the corpus labels copied into the scoring fixtures."""
    loaded: list[dict[str, Any]] = json.loads((FIXTURES / "labels.json").read_text("utf-8"))
    return loaded
