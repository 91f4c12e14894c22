"""AI features: what a vendor says about them, set against the evidence on file.

Three checks (none is a guess; each says what to ask):
- "we hold a current ISO/IEC 42001 certificate" with no certificate on file, or an expired one;
- "customer data is not used for training" while the features reach models through a
  consumer or free plan, whose terms often allow the model provider to train on what it
  receives unless the account opts out: a question for the reviewer to put to the vendor;
- AI features in the service we use that the SOC 2 report's system description leaves out
  (a scope gap: the service auditor did not examine them), or that nobody has said are in.
"""

from __future__ import annotations

from typing import Final

from app.scoring.domain.findings import FindingContext, finding
from app.scoring.domain.flags import current_certificates
from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.results import Finding

TRAINS_BY_DEFAULT: Final = frozenset({"consumer_or_free_tier"})
"""Kinds of model offering (`model_provider_tiers`) whose terms often allow training by default."""


def has_ai_features(ctx: FindingContext) -> bool:
    """Tell whether the vendor's profile, or its own answers, say the service has AI features."""
    answers = ctx.answers
    answered_about_ai = (
        answers.ai_in_soc2_scope is not None
        or answers.ai_trains_on_customer_data is not None
        or bool(answers.model_provider_tiers)
    )
    return ctx.profile.ai_features or answered_about_ai


def iso42001_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Check "we hold a current ISO/IEC 42001 certificate" against the certificates on file."""
    if ctx.answers.iso42001_certified != "yes":
        return []
    if current_certificates(ctx.documents, ctx.evaluation_date, "42001"):
        return []
    held = [doc for doc in ctx.documents if doc.iso_standard == "42001"]
    if held:
        message = (
            f"Answered that it holds a current ISO/IEC 42001 certificate, but the certificate "
            f"on file ({held[0].display_name}) has expired or shows no expiry date."
        )
        return [
            finding(
                "ISO42001_CLAIM_CERTIFICATE_EXPIRED",
                "medium",
                message,
                held[0],
                "certificate_expiry",
            )
        ]
    message = (
        "Answered that it holds a current ISO/IEC 42001 certificate, but no ISO/IEC 42001 "
        "certificate is on file: ask for it."
    )
    return [finding("ISO42001_CLAIM_NO_CERTIFICATE", "medium", message)]


def training_claim_findings(ctx: FindingContext) -> list[Finding]:
    """Ask about "no training on customer data" beside a plan that may train by default."""
    tiers = set(ctx.answers.model_provider_tiers or ())
    if ctx.answers.ai_trains_on_customer_data != "no" or not tiers & TRAINS_BY_DEFAULT:
        return []
    message = (
        "Answered that customer data is not used to train models, but the AI features reach "
        "models through a consumer or free plan, whose terms often let the model provider "
        "train on what it receives unless the account opts out. Ask the vendor whether "
        "training is switched off for that plan, and for the terms that say so."
    )
    return [finding("AI_TRAINING_CLAIM_TO_CONFIRM", "low", message)]


def _soc2_reports(ctx: FindingContext) -> list[DocumentFacts]:
    return [
        doc for doc in ctx.documents if doc.doc_kind == "soc_report" and doc.framework == "SOC 2"
    ]


def soc2_scope_findings(ctx: FindingContext) -> list[Finding]:
    """Name AI features that the SOC 2 report on file does not (or may not) cover."""
    reports = _soc2_reports(ctx)
    if not reports or not has_ai_features(ctx):
        return []
    report = ctx.best if ctx.best in reports else reports[0]
    name = report.system_name or report.display_name
    if ctx.answers.ai_in_soc2_scope == "no":
        message = (
            f"The service has AI features, but the vendor says the system description of its "
            f"SOC 2 report ({name}) does not include them: the service auditor did not examine "
            "them. Look for other assurance over the AI features (ISO/IEC 42001, testing)."
        )
        return [finding("AI_SOC2_SCOPE_GAP", "medium", message, report, "system_name")]
    if ctx.answers.ai_in_soc2_scope is None and ctx.profile.ai_features:
        message = (
            f"The service has AI features; nobody has said whether the system description of "
            f"the SOC 2 report ({name}) includes them. Check the description, or send the "
            "AI-provider questionnaire."
        )
        return [finding("AI_SOC2_SCOPE_UNKNOWN", "info", message, report, "system_name")]
    return []


def ai_findings(ctx: FindingContext) -> list[Finding]:
    """Run the AI checks, in a fixed order."""
    return [
        *iso42001_claim_findings(ctx),
        *training_claim_findings(ctx),
        *soc2_scope_findings(ctx),
    ]
