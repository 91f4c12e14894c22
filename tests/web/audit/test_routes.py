from __future__ import annotations

from app.audit import service as audit_service
from app.auth.models import Role
from tests.factories import make_user, sign_in


def _events(session, count, action="vendor.updated"):
    for n in range(count):
        audit_service.record(
            session, actor=f"user:{n % 3}", action=action, subject_type="vendor", subject_id=n
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


def test_the_log_filters_by_action_actor_subject_and_date(client, session):
    _events(session, 5)
    _events(session, 1, action="document.downloaded")
    sign_in(client, make_user(session, role=Role.admin))
    by_action = client.get("/admin/audit?action=document.downloaded")
    assert by_action.text.count("<td>document.downloaded</td>") == 1
    assert "<td>vendor.updated</td>" not in by_action.text
    by_subject = client.get("/admin/audit?subject_type=vendor&subject_id=4")
    assert by_subject.text.count("<td>vendor 4</td>") == 1
    by_actor = client.get("/admin/audit?actor=user:1&action=vendor.updated")
    assert by_actor.text.count("<td>user:1</td>") == 2
    empty = client.get("/admin/audit?since=2999-01-01")
    assert "No event matches" in empty.text
    assert client.get("/admin/audit?since=not-a-date").status_code == 422


def test_the_page_escapes_event_details(client, session):
    audit_service.record(session, actor="system", action="x.y", data={"name": "<script>x</script>"})
    sign_in(client, make_user(session, role=Role.auditor))
    assert "<script>x</script>" not in client.get("/admin/audit").text


def test_only_admins_and_auditors_see_the_log_and_its_menu_entry(client, session):
    sign_in(client, make_user(session, role=Role.risk_officer))
    assert client.get("/admin/audit").status_code == 403
    assert "Audit log" not in client.get("/").text
