"""Scores (current, history, explanation) and decisions about vendors."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from fastapi.responses import JSONResponse

from app.api.deps import IdempotencyDep, PageDep, api_user, page_of, require_json, v1_router
from app.api.idempotency import Created
from app.api.schemas import CREATE_ERRORS, Page
from app.api.v1.loaders import VendorDep
from app.api.v1.score_schemas import (
    DecisionIn,
    DecisionOut,
    OverrideIn,
    ScoreExplanationOut,
    ScoreOut,
)
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow
from app.core.errors import NotFound
from app.core.rows import id_of
from app.core.versions import ANY_VERSION
from app.mail.deps import MailDispatcherDep
from app.reviews import decisions, overrides
from app.scoring import service as scoring_service
from app.scoring.models import Score

router = v1_router("scores and decisions")
ScoreReaderDep = Annotated[User, api_user(Permission.scores_read)]
DecisionReaderDep = Annotated[User, api_user(Permission.decisions_read)]
DeciderDep = Annotated[User, api_user(Permission.decisions_write)]
ScorerDep = Annotated[User, api_user(Permission.scores_write)]


def _latest(session: SessionDep, vendor: VendorDep) -> Score:
    score = scoring_service.latest_score(session, id_of(vendor))
    if score is None:
        raise NotFound("This vendor has not been scored yet.")
    return score


LatestScoreDep = Annotated[Score, Depends(_latest)]


@router.get("/vendors/{vendor_id}/score", name="api.scores.current")
def current_score(
    session: SessionDep, _user: ScoreReaderDep, vendor: VendorDep, score: LatestScoreDep
) -> ScoreOut:
    """Read the vendor's current score; the band follows the final score."""
    in_force = scoring_service.override_in_force(session, score)
    return ScoreOut.of(score, override_in_force=in_force, tier=vendor.inherent_tier)


@router.get("/vendors/{vendor_id}/score/explanation", name="api.scores.explain")
def explain_score(
    session: SessionDep, _user: ScoreReaderDep, vendor: VendorDep, score: LatestScoreDep
) -> ScoreExplanationOut:
    """Explain the vendor's current score: factors, gates, flags and findings with evidence."""
    in_force = scoring_service.override_in_force(session, score)
    return ScoreExplanationOut.of(score, override_in_force=in_force, tier=vendor.inherent_tier)


@router.get("/vendors/{vendor_id}/scores", name="api.scores.history")
def score_history(
    request: Request, session: SessionDep, _user: ScoreReaderDep, vendor: VendorDep, paging: PageDep
) -> Page[ScoreOut]:
    """List every stored score of the vendor, newest first."""
    rows, total = scoring_service.score_history_page(
        session, id_of(vendor), offset=paging.offset, limit=paging.size
    )
    latest = scoring_service.latest_score(session, id_of(vendor))
    items = [
        ScoreOut.of(
            row,
            override_in_force=bool(
                latest and row.id == latest.id and scoring_service.override_in_force(session, row)
            ),
            tier=vendor.inherent_tier,
        )
        for row in rows
    ]
    return page_of(request, items, total, paging)


@router.post(
    "/vendors/{vendor_id}/score/override",
    name="api.scores.override",
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def override_score(
    body: OverrideIn, session: SessionDep, user: ScorerDep, vendor: VendorDep
) -> ScoreOut:
    """Set the final score by hand with a reason; the computed score stays beside it, the band
    follows the final score, and the override is audited as from the review page."""
    score = decisions.override(
        session,
        vendor=vendor,
        value=body.value,
        reason=body.reason,
        user=user,
        today=utcnow().date(),
        expected_version=ANY_VERSION,
    )
    return ScoreOut.of(score, override_in_force=True, tier=vendor.inherent_tier)


@router.delete("/vendors/{vendor_id}/score/override", name="api.scores.clear_override")
def clear_override(session: SessionDep, user: ScorerDep, vendor: VendorDep) -> ScoreOut:
    """Remove the override: the computed score and its band apply again (audited)."""
    score = overrides.clear_override(
        session, vendor, user_id=id_of(user), expected_version=ANY_VERSION
    )
    if score is None:
        raise NotFound("This vendor has not been scored yet.")
    return ScoreOut.of(score, override_in_force=False, tier=vendor.inherent_tier)


@router.get("/vendors/{vendor_id}/decisions", name="api.decisions.list")
def list_decisions(
    request: Request,
    session: SessionDep,
    _user: DecisionReaderDep,
    vendor: VendorDep,
    paging: PageDep,
) -> Page[DecisionOut]:
    """List the decisions about a vendor, newest first."""
    rows = decisions.list_decisions(session, id_of(vendor))
    window = rows[paging.offset : paging.offset + paging.size]
    return page_of(request, [DecisionOut.of(d, by) for d, by in window], len(rows), paging)


@router.post(
    "/vendors/{vendor_id}/decisions",
    name="api.decisions.create",
    status_code=201,
    response_model=DecisionOut,
    responses=CREATE_ERRORS,
    dependencies=[Depends(require_json)],
)
def record_decision(
    request: Request,
    body: DecisionIn,
    session: SessionDep,
    user: DeciderDep,
    vendor: VendorDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Record a decision; "more_information_requested" reopens the latest questionnaire."""

    def decide() -> Created:
        decision = decisions.record_decision(
            session,
            vendor=vendor,
            form=body,
            user=user,
            settings=request.app.state.settings,
            today=utcnow().date(),
        )
        background.add_task(dispatcher.deliver)
        return Created(DecisionOut.of(decision, user.full_name or user.email))

    return idempotency.run(body.model_dump_json().encode(), decide)
