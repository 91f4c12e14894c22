"""The vendor's remediation items through its portal link: see them, answer, add evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.core.db import SessionDep, utcnow, writes_through_queue
from app.core.errors import DiligenceError
from app.core.limits import UPLOAD_BODY_LIMIT
from app.core.rows import id_of
from app.core.writes import run_write
from app.evidence.deps import EvidenceStoreDep
from app.evidence.intake import UploadRefused
from app.portal.deps import PortalRequestDep, get_portal_request
from app.portal.routes import _organisation, _page
from app.remediation import answers, queries
from app.remediation.domain.rules import VENDOR_ANSWERABLE
from app.requests.models import QuestionnaireRequest
from app.vendors.models import Vendor

router = APIRouter(tags=["portal"], dependencies=[Depends(_organisation)])


def _context(session: Session, found: QuestionnaireRequest) -> dict[str, object]:
    rows = queries.for_portal(session, found.vendor_id)
    return {
        "vendor": session.get(Vendor, found.vendor_id),
        "rows": rows,
        "histories": {
            id_of(row.item): queries.history(session, id_of(row.item), for_vendor=True)
            for row in rows
        },
        "answerable": VENDOR_ANSWERABLE,
        "today": utcnow().date(),
    }


@router.get("/portal/remediation", name="portal.remediation")
def remediation(request: Request, session: SessionDep, found: PortalRequestDep) -> Response:
    context = {**_context(session, found), "errors": {}, "values": {}}
    return _page(request, "portal/remediation.html", context)


@router.post(
    "/portal/remediation/{item_id}/answer",
    name="portal.remediation_answer",
    max_body_size=UPLOAD_BODY_LIMIT,
)
@writes_through_queue
async def answer(
    request: Request,
    store: EvidenceStoreDep,
    item_id: int,
    text: Annotated[str, Form(max_length=5000)] = "",
    file: UploadFile | None = None,
) -> Response:
    # The portal session is resolved inside a write transaction: resolving it can write.
    def check(session: Session) -> answers.VendorAnswer:
        found = get_portal_request(request, session)
        given = answers.VendorAnswer(item_id, found.vendor_id, id_of(found), text.strip())
        answers.check_answerable(session, given)
        return given

    try:
        if not text.strip():
            raise _Refused("text", "Write what was changed, even when you attach evidence.")
        given = await run_write(request.app, check)
        if file is not None and file.filename:
            upload = answers.evidence_upload(given, source=file.file, filename=file.filename)
            await answers.receive_answer_with_evidence(
                request.app, store, upload, answer=given, today=utcnow().date()
            )
        else:
            await run_write(request.app, lambda session: answers.record_answer(session, given))
    except (_Refused, UploadRefused) as exc:
        field = exc.field if isinstance(exc, _Refused) else "file"
        return await _refused(request, item_id, {field: exc.message}, text, status=422)
    target = request.url_for("portal.remediation").path + f"?answered={item_id}#item-{item_id}"
    return RedirectResponse(target, status_code=303)


class _Refused(DiligenceError):
    status_code = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


async def _refused(
    request: Request, item_id: int, errors: dict[str, str], text: str, *, status: int
) -> Response:
    """Show the items again with the vendor's words kept and the problem beside the field."""

    def read(session: Session) -> dict[str, object]:
        return _context(session, get_portal_request(request, session))

    context = await run_write(request.app, read)
    context |= {"errors": {item_id: errors}, "values": {item_id: text}}
    return _page(request, "portal/remediation.html", context, status=status)
