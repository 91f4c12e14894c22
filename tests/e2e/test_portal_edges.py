"""What a vendor sees when something goes wrong: an expired link, a file over the limit."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, col, select

from app.auth.models import Role, User
from app.core.config import Environment, Settings
from app.core.db import create_db_engine, utcnow
from app.mail.models import OutgoingMail
from app.requests import service as requests_service
from app.requests.models import QuestionnaireRequest
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier
from tests.e2e.conftest import MAX_UPLOAD_MB, STAFF
from tests.e2e.support import PORTAL_LINK, LiveServer, PageChecker, watch_console

if TYPE_CHECKING:
    from playwright.sync_api import Page

_names = itertools.count(1)


@pytest.fixture
def server_session(live_server: LiveServer) -> Iterator[Session]:
    """A session on the live server's database, for setting up what the browser then sees."""
    engine = create_db_engine(live_server.database_url, pool_size=1)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def send_to_new_vendor(session: Session, server: LiveServer) -> tuple[QuestionnaireRequest, str]:
    """Send the soc-assurance questionnaire to a new vendor; return the request and its link."""
    vendor = vendors_service.create_vendor(
        session,
        name=f"Edge Case Vendor {next(_names)}",
        domain="edge.example",
        services_used="Payroll",
        data_categories=["employee_personal_data"],
        inherent_tier=InherentTier.moderate,
    )
    assert vendor.id is not None
    contact = vendors_service.add_contact(
        session,
        vendor_id=vendor.id,
        name="Eddie Edge",
        email="eddie@edge.example",
        is_primary=True,
    )
    sender = session.exec(select(User).where(User.email == STAFF[Role.procurement.value])).one()
    settings = Settings(
        env=Environment.test,
        database_url=server.database_url,
        base_url=server.url,
        outbox_dir=server.outbox,
        organisation_name=server.env["DILIGENCE_ORGANISATION_NAME"],
    )
    request = requests_service.send_request(
        session,
        vendor_id=vendor.id,
        contact_id=contact.id,
        slug="soc-assurance",
        due_on=None,
        message="",
        sent_by=sender,
        settings=settings,
    )
    session.commit()
    mail = session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id).desc())).first()
    assert mail is not None
    # End the transaction: an open one would hold SQLite's lock while the browser saves.
    session.commit()
    match = PORTAL_LINK.search(mail.text_body)
    assert match is not None, mail.text_body
    return request, match.group(0)


def test_an_expired_link_says_so_instead_of_opening_the_questionnaire(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    server_session: Session,
    check: PageChecker,
) -> None:
    request, link = send_to_new_vendor(server_session, live_server)
    request.expires_at = utcnow() - timedelta(days=1)
    server_session.add(request)
    server_session.commit()

    page = new_page()
    response = page.goto(link)
    assert response is not None and response.status == 410
    page.get_by_role("heading", name="This link has expired").wait_for()
    assert page.get_by_role("button", name="Continue to the questionnaire").count() == 0
    assert page.get_by_text("ask the person who sent you the questionnaire").is_visible()
    check(page, "portal-link-expired")


def test_a_file_over_the_size_limit_is_refused_with_an_explanation(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    server_session: Session,
    check: PageChecker,
    tmp_path,
) -> None:
    _, link = send_to_new_vendor(server_session, live_server)
    too_big = tmp_path / "scanned-report.pdf"
    too_big.write_bytes(b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD_MB * 1024 * 1024 + 200_000))

    page = new_page()
    errors = watch_console(page)
    page.goto(link)
    page.get_by_role("button", name="Continue to the questionnaire").click()
    block = page.locator("#q-other_evidence_files")
    assert f"up to {MAX_UPLOAD_MB} MB" in block.inner_text()
    block.get_by_label(re.compile("Choose a file")).set_input_files(too_big)
    block.get_by_role("button", name="Upload").click()
    # Refused on the questionnaire page itself, beside the upload field.
    error = page.locator("#f-other_evidence_files-error")
    error.wait_for()
    assert f"the limit is {MAX_UPLOAD_MB} MB" in error.inner_text(), error.inner_text()
    check(page, "portal-upload-too-large")
    page.get_by_role("heading", name="SOC reports and independent assurance").wait_for()
    assert page.locator("#q-other_evidence_files .documents").count() == 0
    check.console([e for e in errors if "413" not in e], "oversized upload")
