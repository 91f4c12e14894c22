"""Review pages: the dashboard, reports expiring soon, a vendor's review and its actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.auth.deps import OptionalUserDep, require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep, utcnow
from app.core.errors import InvalidInput
from app.core.forms import form_errors, parse_form
from app.core.pagination import PageRequest
from app.core.rows import id_of
from app.core.templating import templates
from app.core.versions import StaleEdit, submitted_version
from app.mail.deps import MailDispatcherDep
from app.requests.models import RequestStatus
from app.reviews import decisions, overrides
from app.reviews import service as reviews_service
from app.reviews.deps import FiltersDep
from app.reviews.document_routes import router as document_router
from app.reviews.export_routes import router as export_router
from app.reviews.pages import render_review
from app.reviews.schemas import (
    OVERRIDE_MESSAGES,
    REQUEST_STATUSES,
    SORT_LABELS,
    DecisionForm,
    OverrideForm,
    decision_errors,
    plain_errors,
)
from app.vendors.deps import VendorDep
from app.vendors.models import InherentTier, Vendor

router = APIRouter(tags=["reviews"])
router.include_router(document_router)
router.include_router(export_router)
ScoreReaderDep = Annotated[User, require(Permission.scores_read)]
DeciderDep = Annotated[User, require(Permission.decisions_write)]
ScorerDep = Annotated[User, require(Permission.scores_write)]
DashboardDep = Annotated[User, require(Permission.dashboard_view)]


@router.get("/", name="reviews.dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    user: OptionalUserDep,
    filters: FiltersDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    if user is None:
        return templates.TemplateResponse(request, "home.html", {"user": None})
    today = utcnow().date()
    rows = reviews_service.dashboard(
        session, filters=filters, page=PageRequest.of(page), today=today
    )
    context = {
        "rows": rows,
        "filters": filters,
        "params": filters.query_params(),
        "today": today,
        "tiers": list(InherentTier),
        "request_statuses": [
            RequestStatus(status) for status in REQUEST_STATUSES if status != "none"
        ],
        "sorts": SORT_LABELS,
        "can_export": can(user.role, Permission.exports_create),
    }
    return templates.TemplateResponse(request, "reviews/dashboard.html", context)


@router.get("/reviews/expiring", name="reviews.expiring")
def expiring(
    request: Request,
    session: SessionDep,
    _user: DashboardDep,
    days: Annotated[int, Query(ge=1, le=730)] = 60,
) -> Response:
    today = utcnow().date()
    upcoming, lapsed = reviews_service.expiring(session, today=today, within_days=days)
    context = {"upcoming": upcoming, "lapsed": lapsed, "days": days, "today": today}
    return templates.TemplateResponse(request, "reviews/expiring.html", context)


@router.get("/vendors/{vendor_id}/review", name="reviews.vendor")
def vendor_page(
    request: Request, session: SessionDep, user: ScoreReaderDep, vendor: VendorDep
) -> Response:
    return render_review(request, session, user, vendor)


def _back(vendor: Vendor, note: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/vendors/{vendor.id}/review?done={note}#{anchor}", status_code=303)


@router.post("/vendors/{vendor_id}/decisions", name="reviews.decide")
async def decide(
    request: Request,
    session: SessionDep,
    user: DeciderDep,
    vendor: VendorDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in DecisionForm.model_fields}
    try:
        data = parse_form(DecisionForm, form)
        decisions.record_decision(
            session,
            vendor=vendor,
            form=data,
            user=user,
            settings=request.app.state.settings,
            today=utcnow().date(),
        )
    except ValidationError as exc:
        errors = decision_errors(form_errors(exc), values)
        return render_review(
            request, session, user, vendor, failed="decision", errors=errors, values=values,
            status=422,
        )  # fmt: skip
    except InvalidInput as exc:
        field = "message" if values["outcome"] == "more_information_requested" else "outcome"
        return render_review(
            request, session, user, vendor, failed="decision", errors={field: exc.message},
            values=values, status=422,
        )  # fmt: skip
    background.add_task(dispatcher.deliver)
    return _back(vendor, "decision", "decision")


@router.post("/vendors/{vendor_id}/override", name="reviews.override")
async def override(
    request: Request, session: SessionDep, user: ScorerDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in ("value", "reason")}
    try:
        data = parse_form(OverrideForm, form)
    except ValidationError as exc:
        errors = plain_errors(form_errors(exc), OVERRIDE_MESSAGES)
        return render_review(
            request, session, user, vendor, failed="override", errors=errors, values=values,
            status=422,
        )  # fmt: skip
    try:
        decisions.override(
            session,
            vendor=vendor,
            value=data.value,
            reason=data.reason,
            user=user,
            today=utcnow().date(),
            expected_version=submitted_version(form),
        )
    except StaleEdit as exc:
        return render_review(
            request, session, user, vendor, failed="override", errors={"form": exc.message},
            values=values, status=409,
        )  # fmt: skip
    return _back(vendor, "override", "score")


@router.post("/vendors/{vendor_id}/override/clear", name="reviews.clear_override")
async def clear_override(
    request: Request, session: SessionDep, user: ScorerDep, vendor: VendorDep
) -> Response:
    form = await request.form()
    try:
        overrides.clear_override(
            session, vendor, user_id=id_of(user), expected_version=submitted_version(form)
        )
    except StaleEdit as exc:
        return render_review(
            request, session, user, vendor, failed="override", errors={"form": exc.message},
            status=409,
        )  # fmt: skip
    return _back(vendor, "override_removed", "score")
