"""Questionnaires, the wording linter and the audit log over the API."""

from __future__ import annotations

from app.auth.models import Role
from tests.api.helpers import API, assert_error, caller


def test_questionnaires_list_their_versions_and_one_reads_in_full(client, session):
    _user, headers = caller(session, Role.procurement)
    listed = client.get(f"{API}/questionnaires", headers=headers).json()
    soc = next(q for q in listed["items"] if q["slug"] == "soc-assurance")
    version = client.get(
        f"{API}/questionnaires/soc-assurance/versions/{soc['latest_version']}", headers=headers
    )
    assert version.status_code == 200, version.text
    assert version.json()["definition"]["sections"]
    assert version.json()["content_hash"] == soc["content_hash"]


def test_an_unknown_questionnaire_version_is_404(client, session):
    _user, headers = caller(session, Role.procurement)
    assert_error(
        client.get(f"{API}/questionnaires/soc-assurance/versions/999", headers=headers), 404
    )
    assert_error(client.get(f"{API}/questionnaires/..%2Fetc/versions/1", headers=headers), 404)


def test_lint_flags_a_certified_soc_report(client, session):
    _user, headers = caller(session, Role.auditor)
    body = {"text": "Are you SOC 2 certified and ISO compliant?"}
    found = client.post(f"{API}/questionnaires/lint", json=body, headers=headers).json()
    assert found["has_errors"] is True
    assert found["findings"]


def test_the_audit_log_is_for_admins_and_auditors(client, session):
    _user, headers = caller(session, Role.auditor)
    events = client.get(f"{API}/audit/events", params={"limit": 5}, headers=headers).json()
    assert events["total"] >= 1
    assert {"sequence", "action", "hash"} <= set(events["items"][0])
    for role in (Role.procurement, Role.risk_officer):
        _other, other = caller(session, role)
        assert_error(client.get(f"{API}/audit/events", headers=other), 403)
