"""The fourth-party register page, its CSV and XLSX exports and its API, from stored reports."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl

from app.auth.models import Role
from app.core.db import utcnow
from app.fourth_parties import service
from app.reports import service as reports_service
from app.reports.models import DocumentIdentity
from app.vendors.models import InherentTier, VendorStatus
from tests.api.helpers import API, caller
from tests.factories import make_user, make_vendor, sign_in
from tests.web.reviews.helpers import add_document, report_facts

END = utcnow().date() - timedelta(days=40)


def _portfolio(session, settings):
    """Three vendors on a hosting provider, one also on a payments firm we contract with."""
    payments = make_vendor(session, name="Tollgate Payments Ltd", inherent_tier=InherentTier.low)
    for index, tier in enumerate([InherentTier.critical, InherentTier.critical, InherentTier.low]):
        vendor = make_vendor(session, name=f"Orchard {index} Co", inherent_tier=tier)
        orgs = ["Nimbus Cloud Hosting, Inc."] + (["Tollgate Payments"] if index == 0 else [])
        method = "inclusive" if index == 2 else "carve-out"
        facts = report_facts(END, subservice_organizations=orgs, subservice_method=method)
        add_document(session, settings, vendor, facts=facts, content=vendor.name.encode())
    # The hosting provider's own report, filed for one of them.
    own = add_document(
        session,
        settings,
        vendor,
        facts=report_facts(
            END,
            service_organization="Nimbus Cloud Hosting",
            subservice_organizations=["Deep Fifth Party"],
        ),
        content=b"nimbus own report",
        rescore=False,
    )
    own.identity = DocumentIdentity.subservice
    session.add(own)
    gone = make_vendor(session, name="Former Co")
    gone.status = VendorStatus.offboarded
    add_document(
        session,
        settings,
        gone,
        facts=report_facts(END, subservice_organizations=["Nimbus Cloud"]),
        content=b"former",
        rescore=False,
    )
    session.flush()
    return payments, own


def test_register_rolls_up_dependents_tiers_own_reports_and_vendor_records(session, settings):
    payments, own = _portfolio(session, settings)
    by_name = {entry.name: entry for entry in service.register(session)}
    nimbus = by_name["Nimbus Cloud Hosting, Inc."]
    assert nimbus.concentration == (
        "Nimbus Cloud Hosting, Inc. sits behind 3 vendors, 2 of them critical"
    )
    assert nimbus.methods == ("carve-out", "inclusive")
    assert nimbus.own_report_ids == (own.id,)
    assert "Former Co" not in {d.vendor_name for d in nimbus.dependents}
    tollgate = by_name["Tollgate Payments"]
    assert tollgate.vendor_record is not None and tollgate.vendor_record.vendor_id == payments.id
    assert not tollgate.holds_report
    assert "Deep Fifth Party" not in by_name  # named only in a subservice org's own report


def test_register_page_is_in_the_navigation_and_lists_concentration(client, session, settings):
    payments, _ = _portfolio(session, settings)
    sign_in(client, make_user(session, role=Role.auditor))
    home = client.get("/")
    assert '/fourth-parties">Fourth parties</a>' in home.text
    page = client.get("/fourth-parties")
    assert page.status_code == 200
    assert "sits behind 3 vendors, 2 of them critical" in page.text
    assert f'/vendors/{payments.id}">Tollgate Payments Ltd</a>' in page.text


def test_register_csv_has_a_row_per_dependent_vendor(client, session, settings):
    _portfolio(session, settings)
    sign_in(client, make_user(session))
    response = client.get("/fourth-parties/export.csv")
    assert response.status_code == 200
    assert "fourth-parties" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Fourth party,Vendors behind it,Critical vendors")
    nimbus_rows = [line for line in lines if line.startswith('"Nimbus Cloud Hosting, Inc."')]
    assert len(nimbus_rows) == 3
    assert any("inclusive" in row for row in nimbus_rows)


def test_register_xlsx_opens_with_a_row_per_dependent_vendor(client, session, settings):
    _portfolio(session, settings)
    sign_in(client, make_user(session))
    page = client.get("/fourth-parties")
    assert '/fourth-parties/export.xlsx">Download XLSX</a>' in page.text
    response = client.get("/fourth-parties/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "fourth-parties-" in response.headers["content-disposition"]
    assert response.headers["content-disposition"].endswith('.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook["Fourth parties"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Fourth party", "Vendors behind it", "Critical vendors")
    nimbus = [row for row in rows if row[0] == "Nimbus Cloud Hosting, Inc."]
    assert sorted(row[5] for row in nimbus) == ["Orchard 0 Co", "Orchard 1 Co", "Orchard 2 Co"]
    assert {(row[1], row[2], row[3]) for row in nimbus} == {(3, 2, "yes")}
    assert {row[7] for row in nimbus} == {"carve-out", "inclusive"}
    tollgate = next(row for row in rows if row[0] == "Tollgate Payments")
    assert tollgate[4] == "Tollgate Payments Ltd"  # our own vendor record


def test_api_lists_the_register(client, session, settings):
    payments, own = _portfolio(session, settings)
    _user, headers = caller(session, Role.procurement)
    response = client.get(f"{API}/fourth-parties", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    first = body["items"][0]
    assert (first["name"], first["vendor_count"], first["critical_count"]) == (
        "Nimbus Cloud Hosting, Inc.",
        3,
        2,
    )
    assert first["own_report_ids"] == [own.id] and first["holds_report"] is True
    tollgate = next(item for item in body["items"] if item["name"] == "Tollgate Payments")
    assert tollgate["vendor_id"] == payments.id
    assert body["total"] == len(body["items"])


def test_a_staff_correction_of_the_subservice_organisations_wins(session, settings, client):
    vendor = make_vendor(session, name="Corrected Co", inherent_tier=InherentTier.high)
    facts = report_facts(END, subservice_organizations=["Misread Hostng"])
    document = add_document(session, settings, vendor, facts=facts, content=b"corrected")
    user = make_user(session)
    row = reports_service.get_facts(session, document.id)
    reports_service.correct_fact(
        session,
        facts=row,
        field="subservice_organizations",
        value=["Nimbus Cloud Hosting"],  # as the correction form parses it
        reason="Read from page 12",
        actor=f"user:{user.id}",
    )
    session.flush()
    names = {entry.name for entry in service.register(session)}
    assert "Nimbus Cloud Hosting" in names
    assert "Misread Hostng" not in names


def test_register_export_names_each_report_by_its_file(client, session, settings):
    vendor = make_vendor(session, name="Orchard Co", inherent_tier=InherentTier.high)
    facts = report_facts(END, subservice_organizations=["Nimbus Cloud Hosting, Inc."])
    document = add_document(
        session, settings, vendor, facts=facts, filename="Orchard SOC 2 Type 2.pdf"
    )
    sign_in(client, make_user(session))
    lines = client.get("/fourth-parties/export.csv").content.decode("utf-8-sig").splitlines()
    row = next(line for line in lines if line.startswith('"Nimbus Cloud Hosting, Inc."'))
    assert row.endswith(",Orchard SOC 2 Type 2.pdf")
    assert not row.endswith(f",{document.id}")
