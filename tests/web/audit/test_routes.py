from __future__ import annotations

from app.audit import service as audit_service
from app.audit.actors import user_actor, vendor_actor
from app.auth.models import Role
from app.vendors import service as vendors_service
from tests.factories import make_user, make_vendor, sign_in
from tests.portal_helpers import send_request


def _events(session, count, action="vendor.updated", actor="system"):
    for n in range(count):
        audit_service.record(
            session, actor=actor, action=action, subject_type="vendor", subject_id=n
        )


def test_auditors_browse_the_log_newest_first_with_pages(client, session):
    _events(session, 30)
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "Page 1 of 2" in page.text
    assert page.text.index("<td>31</td>") < page.text.index("<td>30</td>")
    second = client.get("/admin/audit?page=2")
    assert "<td>1</td>" in second.text


def test_events_read_as_sentences_with_names_and_the_record_on_demand(client, session):
    ada = make_user(session, role=Role.procurement, email="ada@buyer.example")
    ada.full_name = "Ada Byron"
    session.add(ada)
    vendor = make_vendor(session, name="Orchard Lane")
    contact = vendors_service.add_contact(
        session, vendor_id=vendor.id, name="Robin", email="robin@orchard.example"
    )
    audit_service.record(
        session,
        actor=user_actor(ada.id),
        action="vendor.contact_added",
        subject_type="vendor",
        subject_id=vendor.id,
        data={"contact_id": contact.id, "is_primary": True},
    )
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/admin/audit").text
    assert "Ada Byron (ada@buyer.example) added a contact to Orchard Lane." in page
    assert "Contact: Robin &lt;robin@orchard.example&gt;" in page
    assert "Is primary: yes" in page
    # The stored record is there for whoever needs it, folded away.
    assert "<summary>Record as stored" in page
    assert f"&#34;actor&#34;: &#34;user:{ada.id}&#34;" in page
    assert f"<td>user:{ada.id}</td>" not in page


def test_a_vendor_acting_through_its_link_is_named_by_its_vendor(client, session, settings):
    request, _token = send_request(session, settings, name="Orchard Lane")
    audit_service.record(
        session,
        actor=vendor_actor(request.id),
        action="request.submitted",
        subject_type="request",
        subject_id=request.id,
    )
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get("/admin/audit?action=request.submitted").text
    assert "The vendor Orchard Lane submitted “" in page
    assert "” for Orchard Lane." in page


def test_the_log_filters_by_action_actor_subject_and_date(client, session):
    person = make_user(session, role=Role.risk_officer, email="rita@buyer.example")
    _events(session, 5)
    _events(session, 2, actor=user_actor(person.id))
    _events(session, 1, action="document.downloaded")
    sign_in(client, make_user(session, role=Role.admin))
    by_action = client.get("/admin/audit?action=document.downloaded")
    assert by_action.text.count("downloaded vendor no. 0.") == 1
    assert "edited the vendor" not in by_action.text
    by_subject = client.get("/admin/audit?subject_type=vendor&subject_id=4")
    assert by_subject.text.count("edited the vendor vendor no. 4.") == 1
    by_actor = client.get(f"/admin/audit?actor=user:{person.id}")
    assert by_actor.text.count("rita@buyer.example edited the vendor") == 2
    assert "Diligence (automatically)" not in by_actor.text.split("<table")[1]
    empty = client.get("/admin/audit?since=2999-01-01")
    assert "No event matches" in empty.text
    assert client.get("/admin/audit?since=not-a-date").status_code == 422


def test_the_page_escapes_event_details(client, session):
    audit_service.record(session, actor="system", action="x.y", data={"name": "<script>x</script>"})
    sign_in(client, make_user(session, role=Role.auditor))
    assert "<script>x</script>" not in client.get("/admin/audit").text


def _mixed_log(session):
    _events(session, 1, action="vendor.created")
    _events(session, 1, action="user.signed_in")
    _events(session, 1, action="user.role_changed")
    _events(session, 1, action="api_token.created")
    _events(session, 1, action="security.access_denied")


def test_risk_officers_read_the_vendor_events_but_not_security_or_administration(client, session):
    _mixed_log(session)
    sign_in(client, make_user(session, role=Role.risk_officer))
    assert "Audit log</a>" in client.get("/vendors").text
    page = client.get("/admin/audit").text
    assert "created the vendor" in page
    for hidden in ("signed in", "changed the role of", "created the API token", "refused access"):
        assert hidden not in page
    assert "1 event, newest first" in page
    # Asking for a hidden action by name shows nothing either, and the menu does not offer it.
    assert "No event matches" in client.get("/admin/audit?action=user.role_changed").text
    assert 'value="user.role_changed"' not in page


def test_auditors_and_admins_read_every_event(client, session):
    _mixed_log(session)
    for role in (Role.auditor, Role.admin):
        sign_in(client, make_user(session, role=role))
        page = client.get("/admin/audit").text
        assert "changed the role of" in page
        assert "was refused access" in page
        assert "Audit log</a>" in page
        assert "created the API token" in page
        client.cookies.clear()


def test_procurement_has_no_audit_log(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    assert client.get("/admin/audit").status_code == 403
    assert "Audit log" not in client.get("/").text


def test_a_document_kind_reads_as_words(client, session):
    vendor = make_vendor(session, name="Orchard Lane")
    audit_service.record(
        session,
        actor="system",
        action="document.uploaded",
        subject_type="vendor",
        subject_id=vendor.id,
        data={"kind": "soc2_report", "filename": "orchard.pdf"},
    )
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/admin/audit").text
    assert "Kind: SOC 2 report" in page
    assert "Kind: soc2 report" not in page


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once(client, session):
    vendor = make_vendor(session, name="Skyquill Software, Inc.")
    audit_service.record(
        session,
        actor=user_actor(make_user(session).id),
        action="vendor.updated",
        subject_type="vendor",
        subject_id=vendor.id,
    )
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/admin/audit").text
    assert "Skyquill Software, Inc." in page
    assert "Skyquill Software, Inc.." not in page
