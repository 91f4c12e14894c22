"""Send a vendor the set of questionnaires its inherent tier requires (one action)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.db import SessionDep, utcnow
from app.core.errors import InvalidInput
from app.mail.deps import MailDispatcherDep
from app.reviews.tier_sets import send_tier_set
from app.vendors.deps import VendorDep

router = APIRouter(tags=["vendors"])
SenderDep = Annotated[User, require(Permission.questionnaires_write)]


@router.post("/vendors/{vendor_id}/tier-set", name="reviews.send_tier_set")
def send_set(
    request: Request,
    session: SessionDep,
    user: SenderDep,
    vendor: VendorDep,
    background: BackgroundTasks,
    dispatcher: MailDispatcherDep,
) -> Response:
    try:
        result = send_tier_set(
            session,
            vendor=vendor,
            user=user,
            settings=request.app.state.settings,
            today=utcnow().date(),
        )
    except InvalidInput as exc:
        return RedirectResponse(
            f"/vendors/{vendor.id}?tier_set_error={quote(str(exc))}#tier-set", status_code=303
        )
    background.add_task(dispatcher.deliver)
    return RedirectResponse(
        f"/vendors/{vendor.id}?tier_set_sent={result.sent}#tier-set", status_code=303
    )
