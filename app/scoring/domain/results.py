"""Score output: factors, gates, flags and findings, each explained and tied to evidence."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.policy import Band, InherentTier, ResidualRisk

Severity = Literal["high", "medium", "low", "info"]
GateEffect = Literal["reject", "cap", "provisional", "manual_review"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceRef(_Result):
    document_id: str
    page: int | None = None
    snippet: str = ""


class Factor(_Result):
    factor: str
    title: str
    points: int
    max: int
    reason_code: str
    message: str
    evidence: tuple[EvidenceRef, ...] = ()


class GateResult(_Result):
    gate: str
    reason_code: str
    effect: GateEffect
    cap: int | None = None
    message: str


class Flag(_Result):
    code: str
    message: str
    document_id: str | None = None


class Finding(_Result):
    code: str
    severity: Severity
    message: str
    evidence: tuple[EvidenceRef, ...] = ()


class ClaimCheck(_Result):
    """One answer beside what the document it concerns shows, and whether they agree."""

    claim: str
    answered: Any
    document_id: str | None = None
    shows: Any = None
    page: int | None = None
    status: Literal["consistent", "contradiction", "not_checked"]
    note: str = ""


class Candidate(_Result):
    document_id: str
    score: int
    pre_cap_score: int


class ScoreResult(_Result):
    """The assurance score of one vendor at one evaluation date under one policy."""

    score: int | None
    pre_cap_score: int | None
    band: Band | None
    band_label: str | None
    residual_risk: ResidualRisk
    inherent_tier: InherentTier
    provisional: bool
    factors: tuple[Factor, ...]
    gates: tuple[GateResult, ...]
    flags: tuple[Flag, ...]
    findings: tuple[Finding, ...]
    candidates: tuple[Candidate, ...]
    policy_version: str
    evaluation_date: date
    best_document_id: str | None
    claim_checks: tuple[ClaimCheck, ...] = ()


def evidence_for(facts: DocumentFacts, *fields: str) -> tuple[EvidenceRef, ...]:
    """Collect the evidence snippets behind some fields of one document."""
    refs: list[EvidenceRef] = []
    for field in fields:
        if field in facts.corrected_fields:
            refs.append(
                EvidenceRef(document_id=facts.document_id, snippet=f"{field} corrected by reviewer")
            )
            continue
        refs.extend(
            EvidenceRef(document_id=facts.document_id, page=item.page, snippet=item.snippet)
            for item in facts.evidence.get(field, ())
        )
    return tuple(refs)
