"""Load what scoring reads for many vendors at once, in a few queries per group of vendors.

Scoring one vendor reads its documents with their facts, the answers of its submitted
questionnaires and its latest stored score. Rescoring every vendor one by one costs
several queries per vendor; here each of those is one query for a whole group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.core.rows import id_of
from app.questionnaires.domain.answer_rules import add_claims
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.library import latest_versions
from app.reports import service as reports_service
from app.reports.models import Document, DocumentKind, ReportFacts
from app.requests import answer_store as answering
from app.requests.models import Answer, QuestionnaireRequest, RequestStatus
from app.scoring.models import Score
from app.vendors.models import Vendor


@dataclass(frozen=True)
class LatestScore:
    """The parts of a vendor's latest stored score that decide whether a new one is stored."""

    id: int
    vendor_id: int
    fingerprint: str
    override_value: Decimal | None
    override_reason: str | None
    override_by_id: int | None
    overridden_at: datetime | None


@dataclass
class VendorInputs:
    """Everything scoring reads about one vendor."""

    vendor: Vendor
    documents: list[dict[str, Any]] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=lambda: new_claims())
    latest: LatestScore | None = None
    # When each assurance document (SOC report, bridge letter) was uploaded: a newer one
    # ends an override.
    assurance_uploads: list[datetime] = field(default_factory=list)

    def override_in_force(self) -> bool:
        """Tell whether the latest score's override still applies (no newer assurance)."""
        latest = self.latest
        if latest is None or latest.override_value is None or latest.overridden_at is None:
            return False
        overridden_at = latest.overridden_at
        return not any(uploaded > overridden_at for uploaded in self.assurance_uploads)


def load_inputs(
    session: Session,
    vendor_ids: Sequence[int],
    *,
    assurance_kinds: Iterable[DocumentKind],
    answered: Iterable[RequestStatus],
) -> list[VendorInputs]:
    """Return the scoring inputs of these vendors, in the order given."""
    vendors = session.exec(select(Vendor).where(col(Vendor.id).in_(vendor_ids))).all()
    inputs = {id_of(vendor): VendorInputs(vendor) for vendor in vendors}
    _add_documents(session, inputs, set(assurance_kinds))
    _add_claims(session, inputs, [status.value for status in answered])
    titles = questionnaire_titles()
    for item in inputs.values():
        item.claims["questionnaire_titles"] = titles
    for latest in latest_scores(session, list(inputs)):
        inputs[latest.vendor_id].latest = latest
    return [inputs[vendor_id] for vendor_id in vendor_ids if vendor_id in inputs]


def _add_documents(
    session: Session, inputs: dict[int, VendorInputs], assurance: set[DocumentKind]
) -> None:
    # Plain columns, not ReportFacts rows: building thousands of ORM objects costs more than
    # scoring them. The same order as reports_service.list_documents: newest first.
    facts_columns = [getattr(ReportFacts, name) for name in reports_service.SCORED_COLUMNS]
    rows = session.execute(
        sa_select(
            col(Document.vendor_id).label("owner_id"),
            col(Document.kind).label("kind"),
            col(Document.uploaded_at).label("uploaded_at"),
            col(Document.identity).label("identity"),
            col(Document.filename).label("filename"),
            col(ReportFacts.id).label("facts_id"),
            *facts_columns,
        )
        .outerjoin(ReportFacts, col(ReportFacts.document_id) == Document.id)
        .where(col(Document.vendor_id).in_(list(inputs)))
        .order_by(
            col(Document.vendor_id), col(Document.uploaded_at).desc(), col(Document.id).desc()
        )
    ).mappings()
    for row in rows:
        target = inputs[row["owner_id"]]
        if row["facts_id"] is not None:
            facts = reports_service.effective_facts_of(row)
            target.documents.append(
                facts | {"identity": row["identity"], "filename": row["filename"]}
            )
        if row["kind"] in assurance:
            target.assurance_uploads.append(row["uploaded_at"])


def _add_claims(session: Session, inputs: dict[int, VendorInputs], answered: list[str]) -> None:
    """Add what each vendor claimed in its submitted questionnaires, the latest winning."""
    requests = session.exec(
        select(QuestionnaireRequest)
        .where(
            col(QuestionnaireRequest.vendor_id).in_(list(inputs)),
            col(QuestionnaireRequest.status).in_(answered),
        )
        .order_by(col(QuestionnaireRequest.submitted_at), col(QuestionnaireRequest.id))
    ).all()
    if not requests:
        return
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    for request_id, question_id, value in session.exec(
        select(Answer.request_id, Answer.question_id, Answer.value).where(
            col(Answer.request_id).in_([request.id for request in requests])
        )
    ).all():
        answers[request_id][question_id] = value
    for request in requests:
        assert request.id is not None
        definition = answering.frozen_definition(request).definition
        add_submission(
            inputs[request.vendor_id].claims,
            request.questionnaire_slug,
            definition,
            answers.get(request.id, {}),
        )


def questionnaire_titles() -> dict[str, str]:
    """Return the title of each released questionnaire, by slug (read once per scoring run)."""
    return {loaded.definition.slug: loaded.definition.title for loaded in latest_versions()}


def new_claims() -> dict[str, Any]:
    """Return the claims of a vendor that has submitted nothing yet (requirements are checked)."""
    return {"questionnaires_submitted": [], "uploads_answered": []}


def add_submission(
    claims: dict[str, Any],
    slug: str,
    definition: QuestionnaireDefinition,
    values: Mapping[str, Any],
) -> None:
    """Add one submitted questionnaire: its claims, its slug and the files it answered with."""
    add_claims(claims, definition, values)
    if slug not in claims["questionnaires_submitted"]:
        claims["questionnaires_submitted"].append(slug)
    for question in definition.questions():
        reference = f"{slug}/{question.id}"
        answered = question.type == "file_upload" and values.get(question.id)
        if answered and reference not in claims["uploads_answered"]:
            claims["uploads_answered"].append(reference)


def newest_score_ids(vendor_ids: Sequence[int]) -> SelectOfScalar[Any]:
    """Return a subquery of the id of each vendor's latest stored score (the highest id)."""
    return (
        select(func.max(Score.id))
        .where(col(Score.vendor_id).in_(vendor_ids))
        .group_by(col(Score.vendor_id))
    )


def latest_scores(session: Session, vendor_ids: Sequence[int]) -> list[LatestScore]:
    """Return the latest stored score of each of these vendors that has one."""
    newest = newest_score_ids(vendor_ids)
    columns = sa_select(
        col(Score.id),
        col(Score.vendor_id),
        col(Score.fingerprint),
        col(Score.override_value),
        col(Score.override_reason),
        col(Score.override_by_id),
        col(Score.overridden_at),
    )
    rows = session.execute(columns.where(col(Score.id).in_(newest))).all()
    return [LatestScore(*row) for row in rows]
