from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.db import utcnow
from app.jobs import tasks
from app.reports.models import Document, DocumentKind
from app.reports.storage_backends import get_storage
from app.scoring import service as scoring_service
from app.vendors.models import Vendor
from tests.factories import (
    csrf_token,
    form_version,
    make_user,
    make_vendor,
    post_form,
    sign_in,
)
from tests.form_pages import error_summary, read_field
from tests.web.reviews.helpers import add_document, report_facts

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def _upload(client, vendor, pdf: bytes, *, name: str = "report.pdf", follow: bool = True):
    """Upload a file on the vendor's page, as a risk officer signed in on ``client`` does."""
    return client.post(
        f"/vendors/{vendor.id}/documents",
        data={"csrf_token": csrf_token(client, "/vendors")},
        files={"file": (name, pdf, "application/pdf")},
        follow_redirects=follow,
    )


def test_vendor_list_shows_an_empty_state(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/vendors")
    assert page.status_code == 200
    assert "No vendors yet" in page.text


def test_vendor_list_searches_by_name_and_escapes_input(client, session):
    make_vendor(session, name="Acme Hosting")
    make_vendor(session, name="Globex Analytics")
    sign_in(client, make_user(session))
    page = client.get("/vendors", params={"q": "acme"})
    assert "Acme Hosting" in page.text
    assert "Globex Analytics" not in page.text
    page = client.get("/vendors", params={"q": "<b>zzz</b>"})
    assert "<b>zzz</b>" not in page.text
    assert "No vendor matches" in page.text


def test_vendor_list_paginates(client, session):
    for number in range(30):
        make_vendor(session, name=f"Paged Vendor {number:02d}")
    sign_in(client, make_user(session))
    first = client.get("/vendors", params={"q": "Paged"})
    second = client.get("/vendors", params={"q": "Paged", "page": 2})
    assert "Paged Vendor 00" in first.text and "Paged Vendor 29" not in first.text
    assert "Paged Vendor 29" in second.text
    assert "Page 2 of 2" in second.text


def test_vendor_page_shows_profile_and_unknown_vendor_is_404(client, session):
    vendor = make_vendor(session, name="Initech", services_used="Payroll")
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}")
    assert "Initech" in page.text and "Payroll" in page.text
    assert client.get("/vendors/999999").status_code == 404


def test_procurement_creates_and_edits_a_vendor_with_its_profile(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(
        client,
        "/vendors",
        {
            "name": "Northwind Payroll",
            "domain": "Northwind.example",
            "services_used": "Payroll",
            "data_categories": ["employee_personal_data", "financial_data"],
            "flags": ["personal_data", "icfr_relevant"],
            "inherent_tier": "high",
            "status": "onboarding",
        },
    )
    assert response.status_code == 303
    vendor = session.exec(select(Vendor).where(Vendor.name == "Northwind Payroll")).one()
    assert vendor.domain == "northwind.example"
    assert vendor.profile["icfr_relevant"] is True
    assert vendor.profile["uptime_critical"] is False
    response = post_form(
        client,
        f"/vendors/{vendor.id}",
        {
            "name": "Northwind Payroll Ltd",
            "inherent_tier": "critical",
            "status": "active",
            "version": form_version(client, f"/vendors/{vendor.id}/edit"),
        },
    )
    assert response.status_code == 303
    session.refresh(vendor)
    assert vendor.inherent_tier.value == "critical"
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "vendor.updated", AuditEvent.subject_id == str(vendor.id)
        )
    ).one()
    assert event.data["changed"]["name"] == {
        "from": "Northwind Payroll",
        "to": "Northwind Payroll Ltd",
    }


def test_a_vendor_without_a_name_is_not_created_and_the_form_says_why(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    response = post_form(client, "/vendors", {"name": "", "domain": "x.example"})
    assert response.status_code == 422
    assert read_field(response.text, "name").error == "Fill in this field."
    assert read_field(response.text, "domain").value == "x.example"
    assert "Name: Fill in this field." in error_summary(response.text)


def test_contacts_can_be_added_and_a_bad_email_is_refused(client, session):
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.procurement))
    assert (
        post_form(
            client, f"/vendors/{vendor.id}/contacts", {"name": "Pat", "email": "pat@vendor.example"}
        ).status_code
        == 303
    )
    bad = post_form(client, f"/vendors/{vendor.id}/contacts", {"name": "Quinn", "email": "nope"})
    assert bad.status_code == 422
    assert read_field(bad.text, "c-email").error == "Enter an e-mail address like name@example.com."
    assert read_field(bad.text, "c-name").value == "Quinn"
    assert "pat@vendor.example" in bad.text


def test_staff_upload_a_report_for_a_vendor_and_it_is_read_and_scored(client, session):
    # a02 is about Corvid Metrics, Inc.: the vendor is known by that name too.
    vendor = make_vendor(session, aliases=["Corvid Metrics"])
    sign_in(client, make_user(session, role=Role.risk_officer))
    pdf = (CORPUS / "a02.pdf").read_bytes()

    response = _upload(client, vendor, pdf, name="corvid-soc2.pdf")
    assert response.status_code == 200
    assert "The document was uploaded." in response.text
    assert "corvid-soc2.pdf" in response.text
    assert "2 exception(s)" in response.text
    score = scoring_service.latest_score(session, vendor.id)
    assert score is not None
    assert score.value is not None
    again = _upload(client, vendor, pdf, name="corvid-soc2.pdf")
    assert "That file is already on record for this vendor, so nothing was added." in again.text
    assert again.text.count("corvid-soc2.pdf<br>") == 1


def test_the_vendor_profile_intake_derives_the_inherent_tier_and_scoring_flags(client, session):
    vendor = make_vendor(session, inherent_tier=None)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get(f"/vendors/{vendor.id}/profile")
    assert page.status_code == 200
    assert "q__data_categories" in page.text
    answers = {
        "q__vendor_services": "Payment processing",
        "q__business_owner": "Finance",
        "q__data_categories": ["personal", "payment_card"],
        "q__personal_data_volume": "over_100000",
        "q__system_access": "privileged",
        "q__integration_depth": "deep",
        "q__business_criticality": "high",
        "q__uptime_critical": "yes",
        "q__max_tolerable_outage": "under_1h",
        "q__transaction_processing": "yes",
        "q__icfr_relevant": "yes",
    }
    version = form_version(client, f"/vendors/{vendor.id}/profile")
    response = post_form(client, f"/vendors/{vendor.id}/profile", {**answers, "version": version})
    assert response.status_code == 303, response.text
    session.refresh(vendor)
    assert vendor.inherent_tier.value == "critical"
    assert vendor.profile["personal_data"] is True
    assert vendor.profile["uptime_critical"] is True
    version = form_version(client, f"/vendors/{vendor.id}/profile")
    data = {"q__system_access": "user", "version": version}
    incomplete = post_form(client, f"/vendors/{vendor.id}/profile", data)
    assert incomplete.status_code == 422
    assert "Please answer the marked questions" in incomplete.text


def test_the_vendor_page_names_what_each_document_was_read_as(client, session, settings):
    vendor = make_vendor(session, name="Lumenary Cloud")
    end = utcnow().date() - timedelta(days=40)
    add_document(session, settings, vendor, facts=report_facts(end), filename="soc2.pdf")
    bridge = {"doc_kind": "bridge_letter", "period_end": end, "bridge_through": end}
    add_document(
        session,
        settings,
        vendor,
        kind=DocumentKind.bridge_letter,
        facts=bridge,
        filename="bridge.pdf",
        content=b"bridge",
    )
    iso = {"doc_kind": "iso_certificate", "standard": "ISO/IEC 27001:2022"}
    add_document(
        session,
        settings,
        vendor,
        kind=DocumentKind.iso27001_certificate,
        facts=iso,
        filename="iso.pdf",
        content=b"iso",
    )
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}").text
    read = page[page.index("What was read") :]
    read = read[: read.index("</table>")]
    assert "SOC 2 Type 2, period end" in read
    assert "Bridge letter" in read and "bridge letter" not in read
    assert "ISO/IEC 27001:2022" in read and "iso certificate" not in read


class _NotedQueue:
    """A job queue that only notes the documents it was asked to read."""

    def __init__(self) -> None:
        self.deferred: list[int] = []

    def defer_reading(self, session, document_id: int) -> None:
        self.deferred.append(document_id)


def test_a_document_left_to_the_background_reader_says_it_is_being_read(
    app, client, session, settings
):
    queue = _NotedQueue()
    app.state.reading_queue = queue
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    response = _upload(client, vendor, (CORPUS / "a02.pdf").read_bytes(), follow=False)
    assert response.status_code == 303
    assert "document=queued" in response.headers["location"]
    page = client.get(response.headers["location"]).text
    assert "The document was uploaded and is being read" in page
    assert "Being read…" in page
    [document_id] = queue.deferred
    # The table asks for itself again until the document is read, then stops asking.
    table_url = f"/vendors/{vendor.id}/documents"
    assert f'hx-get="http://testserver{table_url}"' in page or f'hx-get="{table_url}"' in page
    assert "htmx.min.js" in page
    htmx = {"HX-Request": "true"}
    while_reading = client.get(table_url, headers=htmx)
    assert while_reading.status_code == 200
    assert 'hx-trigger="every 3s"' in while_reading.text
    assert "<h1>" not in while_reading.text  # the table alone
    tasks.read_pending_document(
        session, document_id, storage=get_storage(settings), today=utcnow().date()
    )
    session.commit()
    read = client.get(table_url, headers=htmx)
    assert "hx-trigger" not in read.text
    assert "SOC 2 Type 2" in read.text and "2 exception(s)" in read.text
    # Opened in the browser's address bar, the address leads to the vendor's page.
    plain = client.get(table_url, follow_redirects=False)
    assert plain.status_code == 303
    assert plain.headers["location"].endswith(f"/vendors/{vendor.id}#documents")


class _UnreachableQueue:
    """A job queue that cannot queue, failing in a savepoint as the real one does."""

    def defer_reading(self, session, document_id: int) -> None:
        try:
            with session.begin_nested():
                session.execute(text("SELECT * FROM no_such_job_table"))
        except SQLAlchemyError:
            pass  # the sweeper queues the reading later


def test_an_upload_whose_reading_could_not_be_queued_keeps_its_file(app, client, session, settings):
    app.state.reading_queue = _UnreachableQueue()
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    pdf = (CORPUS / "a02.pdf").read_bytes()
    response = _upload(client, vendor, pdf, follow=False)
    assert response.status_code == 303
    document = session.exec(select(Document).where(Document.vendor_id == vendor.id)).one()
    # The file is there for the reading that the sweeper queues later.
    assert get_storage(settings).read(document.storage_key, sha256=document.sha256) == pdf


def test_a_pending_document_whose_file_is_gone_is_marked_failed_not_retried_for_ever(
    app, client, session, settings
):
    queue = _NotedQueue()
    app.state.reading_queue = queue
    vendor = make_vendor(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    _upload(client, vendor, (CORPUS / "a02.pdf").read_bytes())
    [document_id] = queue.deferred
    storage = get_storage(settings)
    storage.delete(session.get(Document, document_id).storage_key)
    outcome = tasks.read_pending_document(
        session, document_id, storage=storage, today=utcnow().date()
    )
    assert outcome == "failed"
    page = client.get(f"/vendors/{vendor.id}").text
    assert "Could not be read: The stored file is missing; upload the document again." in page
    assert "hx-trigger" not in page
