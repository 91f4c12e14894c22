"""The rows of each export: the dashboard view and one vendor's full review."""

from __future__ import annotations

from collections.abc import Sequence

from app.reviews.domain.rules import DECISION_LABELS
from app.reviews.exports import ExportValue, Sheet
from app.reviews.schemas import DashboardRow
from app.reviews.vendor_review import ReviewPage

DASHBOARD_HEADERS = (
    "Vendor",
    "Inherent tier",
    "Final score",
    "Computed score",
    "Overridden",
    "Band",
    "Residual risk",
    "Best report",
    "Period end",
    "Current until",
    "Exceptions",
    "Open findings",
    "Contradictions",
    "Request status",
    "Latest decision",
    "Decided at",
    "Follow-up on",
    "Next review",
    "Overdue remediation items",
    "Missing requirements",
)


def dashboard_sheet(rows: Sequence[DashboardRow]) -> Sheet:
    """Lay out the dashboard rows, one vendor per row."""
    return Sheet(
        "Vendors",
        DASHBOARD_HEADERS,
        tuple(
            (
                row.name,
                row.inherent_tier,
                row.score_value,
                row.computed_value,
                row.is_overridden,
                row.band,
                row.residual_risk,
                row.best_report,
                row.period_end,
                row.current_until,
                row.exceptions_count,
                row.open_findings,
                row.has_contradictions,
                row.request_status_label if row.request_status else "",
                DECISION_LABELS.get(row.latest_decision or "", ""),
                row.latest_decision_at,
                row.follow_up_on,
                row.next_review_on,
                row.overdue_remediation,
                row.missing_requirements,
            )
            for row in rows
        ),
    )


def _summary(page: ReviewPage) -> Sheet:
    card, vendor = page.card, page.vendor
    pairs: list[tuple[ExportValue, ExportValue]] = [
        ("Vendor", vendor.name),
        ("Inherent tier", vendor.inherent_tier.value if vendor.inherent_tier else None),
        ("Final score", card.final),
        ("Computed score", card.computed),
        ("Overridden", card.is_overridden),
        (
            "Override reason",
            card.score.override_reason if card.is_overridden and card.score else None,
        ),
        ("Band", card.band),
        ("Band label", card.band_label),
        ("Computed band", card.computed_band),
        ("Residual risk", card.residual_risk),
        ("Policy version", card.score.policy_version if card.score else None),
        ("Evaluated on", card.score.evaluated_on if card.score else None),
        ("Current until", page.current_until),
    ]
    return Sheet("Summary", ("Item", "Value"), tuple(pairs))


def _facts_sheet(page: ReviewPage) -> Sheet:
    return Sheet(
        "Facts",
        ("Document", "File", "Fact", "Read from document", "Corrected to", "Correction reason"),
        tuple(
            (
                view.document.id,
                view.document.filename,
                line.label,
                line.extracted,
                line.corrected,
                line.correction_reason,
            )
            for view in page.documents
            for line in view.lines
        ),
    )


def _score_sheets(page: ReviewPage) -> list[Sheet]:
    factors = Sheet(
        "Factors",
        ("Factor", "Points", "Maximum", "Reason code", "Reason"),
        tuple(
            (
                f.get("title") or f.get("factor"),
                f.get("points"),
                f.get("max"),
                f.get("reason_code"),
                f.get("message"),
            )
            for f in page.card.factors
        ),
    )
    findings = Sheet(
        "Findings",
        ("Code", "Severity", "Contradicts an answer", "Finding"),
        tuple(
            (f["code"], f["severity"], f["is_contradiction"], f["message"])
            for f in page.card.findings
        ),
    )
    return [factors, findings]


def vendor_sheets(page: ReviewPage) -> list[Sheet]:
    """Lay out one vendor's review: summary, answers, facts, factors, findings, decisions."""
    answers = Sheet(
        "Answers vs facts",
        ("Question", "Answer", "Documents show", "Contradicted"),
        tuple((r.question, r.answer, r.document_shows, r.is_contradicted) for r in page.comparison),
    )
    decisions = Sheet(
        "Decisions",
        ("Decided at", "By", "Outcome", "Reason", "Conditions", "Follow-up on"),
        tuple(
            (
                d.decided_at,
                by,
                DECISION_LABELS.get(d.outcome.value, d.outcome.value),
                d.reason,
                d.conditions,
                d.follow_up_on,
            )
            for d, by in page.decisions
        ),
    )
    return [_summary(page), answers, _facts_sheet(page), *_score_sheets(page), decisions]
