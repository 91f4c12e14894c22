"""Vendors over the API: list with filters and pages, create, read with ETag, update with If-Match."""

from __future__ import annotations

from app.auth.models import Role
from tests.api.helpers import API, assert_error, caller
from tests.factories import make_vendor


def test_created_vendor_can_be_read_back_with_its_location(client, session):
    _user, headers = caller(session, Role.procurement)
    body = {"name": "Acme Hosting", "domain": "ACME.example", "data_categories": ["source_code"]}
    created = client.post(f"{API}/vendors", json=body, headers=headers)
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    read = client.get(location, headers=headers)
    assert read.status_code == 200
    assert read.json()["name"] == "Acme Hosting"
    assert read.json()["domain"] == "acme.example"
    assert read.headers["etag"] == created.headers["etag"]


def test_unknown_fields_and_categories_are_refused_with_the_fields_named(client, session):
    _user, headers = caller(session, Role.procurement)
    extra = client.post(f"{API}/vendors", json={"name": "A", "is_admin": True}, headers=headers)
    problems = assert_error(extra, 422, "invalid_input")["details"]["fields"]
    assert any("is_admin" in p["field"] for p in problems)
    bad = client.post(
        f"{API}/vendors", json={"name": "A", "data_categories": ["gold"]}, headers=headers
    )
    assert "gold" in str(assert_error(bad, 422)["details"])


def test_list_pages_carry_total_and_a_next_link_until_the_end(client, session):
    _user, headers = caller(session, Role.auditor)
    for index in range(5):
        make_vendor(session, name=f"Paging {index}")
    first = client.get(f"{API}/vendors", params={"q": "paging", "limit": 2}, headers=headers)
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["total"] == 5
    assert [v["name"] for v in page["items"]] == ["Paging 0", "Paging 1"]
    names = [v["name"] for v in page["items"]]
    while page["next"]:
        page = client.get(page["next"], headers=headers).json()
        names += [v["name"] for v in page["items"]]
    assert names == [f"Paging {i}" for i in range(5)]


def test_a_limit_above_200_is_refused(client, session):
    _user, headers = caller(session, Role.auditor)
    assert_error(client.get(f"{API}/vendors?limit=201", headers=headers), 422, "invalid_input")


def test_dashboard_filters_narrow_the_vendor_list(client, session):
    _user, headers = caller(session, Role.auditor)
    make_vendor(session, name="Filter Low", inherent_tier="low")
    make_vendor(session, name="Filter High", inherent_tier="high")
    found = client.get(
        f"{API}/vendors",
        params={"q": "filter", "tier": "low", "no_decision": "true"},
        headers=headers,
    ).json()
    assert [v["name"] for v in found["items"]] == ["Filter Low"]
    none_expiring = client.get(
        f"{API}/vendors", params={"q": "filter", "expiring_within_days": 30}, headers=headers
    ).json()
    assert none_expiring["total"] == 0


def test_update_needs_the_current_etag(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor = make_vendor(session, name="Etag Co")
    url = f"{API}/vendors/{vendor.id}"
    etag = client.get(url, headers=headers).headers["etag"]
    missing = client.patch(url, json={"domain": "etag.example"}, headers=headers)
    assert_error(missing, 428, "precondition_required")
    changed = client.patch(
        url, json={"domain": "etag.example"}, headers={**headers, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["domain"] == "etag.example"
    assert changed.headers["etag"] != etag
    stale = client.patch(url, json={"name": "Lost write"}, headers={**headers, "If-Match": etag})
    error = assert_error(stale, 412, "precondition_failed")
    assert error["details"]["current_etag"] == changed.headers["etag"]
    assert client.get(url, headers=headers).json()["name"] == "Etag Co"


def test_patch_keeps_fields_it_does_not_name(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor = make_vendor(session, name="Keep Co", services_used="Payroll")
    url = f"{API}/vendors/{vendor.id}"
    etag = client.get(url, headers=headers).headers["etag"]
    changed = client.patch(url, json={"status": "active"}, headers={**headers, "If-Match": etag})
    assert changed.json()["services_used"] == "Payroll"
    assert changed.json()["status"] == "active"


def test_contacts_are_added_and_listed_primary_first(client, session):
    _user, headers = caller(session, Role.procurement)
    vendor = make_vendor(session)
    url = f"{API}/vendors/{vendor.id}/contacts"
    client.post(url, json={"name": "Bo", "email": "bo@v.example"}, headers=headers)
    added = client.post(
        url, json={"name": "Al", "email": "al@v.example", "is_primary": True}, headers=headers
    )
    assert added.status_code == 201, added.text
    listed = client.get(url, headers=headers).json()
    assert [c["name"] for c in listed["items"]] == ["Al", "Bo"]
    assert listed["total"] == 2


def test_a_missing_vendor_is_a_json_404(client, session):
    _user, headers = caller(session, Role.auditor)
    assert_error(client.get(f"{API}/vendors/999999", headers=headers), 404, "not_found")


def test_the_trust_center_is_set_kept_by_other_changes_and_checked(client, session):
    _user, headers = caller(session, Role.procurement)
    body = {
        "name": "Trusty Co",
        "trust_center_url": "https://trust.trusty.example",
        "trust_center_terms": "nda",
    }
    created = client.post(f"{API}/vendors", json=body, headers=headers)
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    etag = client.get(url, headers=headers).headers["etag"]
    changed = client.patch(url, json={"status": "active"}, headers={**headers, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["trust_center_url"] == "https://trust.trusty.example"
    assert changed.json()["trust_center_terms"] == "nda"
    bad = client.post(
        f"{API}/vendors", json={"name": "B", "trust_center_url": "ftp://x"}, headers=headers
    )
    problems = assert_error(bad, 422, "invalid_input")["details"]["fields"]
    assert any("trust_center_url" in p["field"] for p in problems)
