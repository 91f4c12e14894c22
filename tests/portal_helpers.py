"""Helpers to drive the vendor portal over HTTP the way a browser does."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth.models import Role
from app.core.config import Settings
from app.mail.models import OutgoingMail
from app.requests import service as requests_service
from app.requests.models import QuestionnaireRequest
from app.vendors import service as vendors_service
from tests.factories import csrf_token, make_user, make_vendor

LINK = re.compile(r"https?://[^\s)\"<]+/portal/(dlg_p_[A-Za-z0-9_-]+)")


def send_request(
    session: Session,
    settings: Settings,
    *,
    slug: str = "soc-assurance",
    due_in_days: int | None = 14,
    **vendor_fields: object,
) -> tuple[QuestionnaireRequest, str]:
    """Send a questionnaire to a new vendor and return the request and its portal token."""
    vendor = make_vendor(session, **vendor_fields)
    assert vendor.id is not None
    contact = vendors_service.add_contact(
        session,
        vendor_id=vendor.id,
        name="Vera Vendor",
        email="vera@vendor.example",
        is_primary=True,
    )
    sender = make_user(session, role=Role.procurement)
    due = date.today() + timedelta(days=due_in_days) if due_in_days is not None else None
    request = requests_service.send_request(
        session,
        vendor_id=vendor.id,
        contact_id=contact.id,
        slug=slug,
        due_on=due,
        message="Please answer",
        sent_by=sender,
        settings=settings,
    )
    mail = session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id).desc())).first()
    assert mail is not None
    match = LINK.search(mail.text_body)
    assert match is not None, mail.text_body
    return request, match.group(1)


def open_portal(client: TestClient, token: str) -> None:
    """Open the link and press Continue, as the vendor does."""
    landing = client.get(f"/portal/{token}")
    assert landing.status_code == 200, landing.text
    response = client.post(
        "/portal/exchange",
        data={"token": token, "csrf_token": csrf_token(client, f"/portal/{token}")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def portal_token(client: TestClient) -> str:
    """Return the CSRF token of the portal page."""
    return csrf_token(client, "/portal")
