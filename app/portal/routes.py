"""The vendor portal: one link, no account, answers saved as the vendor goes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.audit.actors import vendor_actor
from app.core.db import SessionDep, utcnow, writes_through_queue
from app.core.errors import InvalidInput
from app.core.limits import UPLOAD_BODY_LIMIT
from app.core.rows import id_of
from app.core.templating import templates
from app.core.writes import run_write
from app.evidence import corrections
from app.evidence.deps import EvidenceStoreDep
from app.mail.deps import MailDispatcherDep
from app.organisation.deps import get_organisation
from app.organisation.service import OrganisationProfile
from app.portal import receipts
from app.portal import service as portal_service
from app.portal.deps import PortalRequestDep, get_portal_request, portal_cookie_name
from app.portal.saving import AnswerClash, SavedAnswer, save_or_clash
from app.reports.models import DocumentIdentity
from app.requests import answer_store as answering
from app.requests.errors import IncompleteSubmission, RequestClosed
from app.requests.models import QuestionnaireRequest


def _organisation(request: Request, session: SessionDep) -> None:
    """Read how the organisation presents itself, then end that transaction.

    A changing request's session begins as a SQLite writer; holding it while the route saves
    through the single-writer path (``run_write``) would lock that write out.
    """
    get_organisation(request)
    session.commit()


# Every portal page speaks for the organisation: its name and welcome text.
router = APIRouter(tags=["portal"], dependencies=[Depends(_organisation)])
# The answer autosave returns page fragments that do not show the organisation; it is the
# portal's busiest route, so it skips that read (and is matched before the other routers).
autosave_router = APIRouter(tags=["portal"])
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _page(request: Request, name: str, context: dict[str, object], status: int = 200) -> Response:
    profile: OrganisationProfile = request.state.organisation_profile
    context = {"organisation": profile.name, "welcome_text": profile.welcome_text, **context}
    return _fragment(request, name, context, status)


def _fragment(
    request: Request, name: str, context: dict[str, object], status: int = 200
) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(NO_STORE)
    return response


@router.get("/portal/receipt", name="portal.receipt")
def receipt(request: Request, session: SessionDep, found: PortalRequestDep) -> Response:
    context = receipts.receipt_context(session, request=found, settings=request.app.state.settings)
    return _page(request, "portal/receipt.html", context)


@router.get("/portal/{token}", name="portal.landing")
def landing(request: Request, session: SessionDep, token: str) -> Response:
    # No side effects: mail scanners open every link, so using it takes a POST.
    found = portal_service.find_by_token(session, token)
    portal_service.check_link_state(found, utcnow())
    context = portal_service.landing_context(session, found)
    return _page(request, "portal/landing.html", {**context, "token": token})


@router.post("/portal/exchange", name="portal.exchange")
def exchange(
    request: Request, session: SessionDep, token: Annotated[str, Form(max_length=100)]
) -> Response:
    cookie, _ = portal_service.exchange(session, token)
    response = RedirectResponse(request.url_for("portal.questionnaire").path, status_code=303)
    response.set_cookie(
        portal_cookie_name(request),
        cookie,
        httponly=True,
        samesite="lax",
        path="/",
        secure=request.app.state.settings.public_base_url.startswith("https://"),
        max_age=int(portal_service.SESSION_ABSOLUTE.total_seconds()),
    )
    return response


@router.get("/portal", name="portal.questionnaire")
def questionnaire(request: Request, session: SessionDep, found: PortalRequestDep) -> Response:
    page = portal_service.build_page(session, found)
    return _page(request, "portal/questionnaire.html", {"page": page, "errors": {}, "missing": []})


@router.post("/portal/answers", name="portal.save_all")
async def save_all(request: Request, session: SessionDep, found: PortalRequestDep) -> Response:
    form = await request.form()
    page = portal_service.build_page(session, found)
    errors = portal_service.save_form(session, request=found, page=page, getlist=form.getlist)
    if errors:
        page = portal_service.build_page(session, found)
        context = {"page": page, "errors": errors, "missing": []}
        return _page(
            request,
            "portal/questionnaire.html",
            context,
            status=409 if any(e.startswith("conflict:") for e in errors.values()) else 422,
        )
    return RedirectResponse(
        request.url_for("portal.questionnaire").path + "?saved=1", status_code=303
    )


@autosave_router.post("/portal/answers/{question_id}", name="portal.save_answer")
@writes_through_queue
async def save_answer(request: Request, question_id: str) -> Response:
    # The portal session is resolved inside the write transaction: resolving it can write too.
    form = await request.form()

    def save(session: Session) -> SavedAnswer | AnswerClash:
        found = get_portal_request(request, session)
        return save_or_clash(session, request=found, question_id=question_id, getlist=form.getlist)

    try:
        saved = await run_write(request.app, save)
    except RequestClosed as exc:
        # Swapped in like a clash (409): say so beside the field instead of a whole error page.
        refused: dict[str, object] = {"question_id": question_id, "message": exc.message}
        return _fragment(request, "portal/_save_refused.html", refused, status=409)
    if isinstance(saved, AnswerClash):
        # Another window saved first: both values are shown and the vendor chooses.
        return _fragment(request, "portal/_conflict.html", {"clash": saved}, status=409)
    context: dict[str, object] = {
        "page": saved,
        "question_id": question_id,
        "version": saved.version,
        "changed": saved.changed,
    }
    return _fragment(request, "portal/_saved.html", context)


@router.get("/portal/questions/{question_id}", name="portal.question")
def question(
    request: Request, session: SessionDep, found: PortalRequestDep, question_id: str
) -> Response:
    """Return one question as it is saved now (the vendor chose the saved answer)."""
    page = portal_service.build_page(session, found)
    view = portal_service.find_question(page, question_id)
    return _page(request, "portal/_one_question.html", {"page": page, "view": view})


@router.post("/portal/uploads/{question_id}", name="portal.upload", max_body_size=UPLOAD_BODY_LIMIT)
@writes_through_queue
async def upload(
    request: Request, store: EvidenceStoreDep, question_id: str, file: UploadFile
) -> Response:
    # Resolved inside a write transaction, as for answers: resolving the session can write.
    def target(session: Session) -> tuple[QuestionnaireRequest, portal_service.UploadRules]:
        found = get_portal_request(request, session)
        return found, portal_service.upload_rules(session, found, question_id, utcnow().date())

    try:
        found, rules = await run_write(request.app, target)
        outcome = await portal_service.upload_for_question(
            request.app,
            store,
            request=found,
            question_id=question_id,
            source=file.file,
            filename=file.filename or "document.pdf",
            rules=rules,
        )
    except InvalidInput as exc:
        # The form posts without JavaScript: the page comes back with the reason beside the field.
        return await _upload_refused(request, question_id, exc)
    note = f"?uploaded={outcome.document.id}{'&duplicate=1' if outcome.is_duplicate else ''}"
    target_url = request.url_for("portal.questionnaire").path + note + f"#q-{question_id}"
    return RedirectResponse(target_url, status_code=303)


async def _upload_refused(request: Request, question_id: str, exc: InvalidInput) -> Response:
    def page(session: Session) -> portal_service.PortalPage:
        return portal_service.build_page(session, get_portal_request(request, session))

    context = {
        "page": await run_write(request.app, page),
        "errors": {question_id: exc.message},
        "upload_refused": True,
    }
    return _page(
        request, "portal/questionnaire.html", {**context, "missing": []}, status=exc.status_code
    )


@router.post(
    "/portal/completed-questionnaire",
    name="portal.completed_upload",
    max_body_size=UPLOAD_BODY_LIMIT,
)
def completed_upload(
    request: Request,
    session: SessionDep,
    store: EvidenceStoreDep,
    found: PortalRequestDep,
    file: UploadFile,
) -> Response:
    outcome = portal_service.upload_completed(
        session,
        store,
        request=found,
        source=file.file,
        filename=file.filename or "questionnaire.xlsx",
    )
    filled_here = sum(1 for _ in outcome.prefilled)
    target = request.url_for("portal.questionnaire").path + f"?completed={filled_here}"
    return RedirectResponse(target, status_code=303)


@router.post("/portal/documents/{document_id}/feedback", name="portal.document_feedback")
def document_feedback(
    request: Request,
    session: SessionDep,
    found: PortalRequestDep,
    document_id: int,
    note: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    portal_service.record_feedback(session, request=found, document_id=document_id, note=note)
    return RedirectResponse(
        request.url_for("portal.questionnaire").path + "?feedback=1", status_code=303
    )


@router.post("/portal/documents/{document_id}/remove", name="portal.document_remove")
def document_remove(
    request: Request,
    session: SessionDep,
    store: EvidenceStoreDep,
    found: PortalRequestDep,
    document_id: int,
) -> Response:
    corrections.remove_upload(
        session,
        store,
        request=found,
        document_id=document_id,
        actor=vendor_actor(id_of(found)),
        today=utcnow().date(),
    )
    return RedirectResponse(
        request.url_for("portal.questionnaire").path + "?removed=1", status_code=303
    )


@router.post("/portal/documents/{document_id}/identity", name="portal.document_identity")
def document_identity(
    request: Request,
    session: SessionDep,
    found: PortalRequestDep,
    document_id: int,
    identity: Annotated[DocumentIdentity, Form()],
) -> Response:
    corrections.state_identity(
        session,
        request=found,
        document_id=document_id,
        identity=identity,
        actor=vendor_actor(id_of(found)),
        today=utcnow().date(),
    )
    return RedirectResponse(
        request.url_for("portal.questionnaire").path + "?identified=1", status_code=303
    )


@router.post("/portal/submit", name="portal.submit")
def submit(
    request: Request,
    session: SessionDep,
    found: PortalRequestDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    try:
        is_new = portal_service.submit_answers(
            session, request=found, settings=request.app.state.settings
        )
    except IncompleteSubmission:
        page = portal_service.build_page(session, found)
        assert found.id is not None
        missing = answering.missing_answers(found, answering.load_answers(session, found.id))
        context = {"page": page, "errors": {}, "missing": missing}
        return _page(request, "portal/questionnaire.html", context, status=422)
    if is_new:
        background.add_task(dispatcher.deliver)
    return RedirectResponse(request.url_for("portal.receipt").path, status_code=303)
