"""Subservice organisations, management's responses and certificate details, read from
generated PDFs, are kept with the document and shown on the review page, in the API and in
the fourth-party register."""

from __future__ import annotations

from datetime import date

from app.auth.models import Role
from app.fourth_parties import service as register_service
from app.reports import service as reports_service
from app.reports.storage import LocalStorage
from tests.api.helpers import API, caller
from tests.factories import make_user, make_vendor, sign_in
from tests.soc2_reports import build_soc2_type2
from tests.unit.reports.test_richer_facts import _CARVED_AND_INCLUDED, certificate_pdf
from tests.web.reviews.helpers import add_document


def _read(session, settings, vendor, data: bytes, filename: str):
    document = add_document(session, settings, vendor, content=data, filename=filename)
    facts = reports_service.read_document(
        session, document=document, storage=LocalStorage(settings.storage_dir)
    )
    assert facts is not None
    return document, facts


def _soc2() -> bytes:
    return build_soc2_type2(
        "Lumen Ledger, Inc.",
        period_end=date(2025, 6, 30),
        description=_CARVED_AND_INCLUDED,
        exceptions={"CC6.2": "For 2 of 25 new users sampled, approval was not retained."},
        other_information=[
            "Management's Responses to Exceptions",
            "CC6.2 Management now records every approval in the ticketing system.",
        ],
    )


def test_review_page_shows_each_subservice_organisation_and_the_response(client, session, settings):
    vendor = make_vendor(session, name="Lumen Ledger, Inc.")
    document, facts = _read(session, settings, vendor, _soc2(), "soc2.pdf")
    assert [item["method"] for item in facts.subservices] == ["carve-out", "inclusive"]
    assert facts.subservice_organizations == ["Amazon Web Services, Inc.", "Ferrule Payments, LLC"]
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert "card payment processing" in page
    assert "Carved out" in page and "Included" in page
    assert "Management's response:</strong> Management now records every approval" in page
    _user, headers = caller(session, Role.risk_officer)
    body = client.get(f"{API}/documents/{document.id}/facts", headers=headers).json()
    assert body["subservices"][1]["name"] == "Ferrule Payments, LLC"
    assert body["subservices"][1]["method"] == "inclusive"
    assert body["subservices"][1]["evidence"][0]["page"] >= 1
    assert body["exceptions"][0]["management_response"].startswith("Management now records")
    assert body["certificate"] is None


def test_the_register_takes_the_method_stated_for_each_organisation(session, settings):
    vendor = make_vendor(session, name="Lumen Ledger, Inc.")
    _read(session, settings, vendor, _soc2(), "soc2.pdf")
    session.flush()
    methods = {
        entry.name: [dependent.method for dependent in entry.dependents]
        for entry in register_service.register(session)
    }
    assert methods["Ferrule Payments, LLC"] == ["inclusive"]
    assert methods["Amazon Web Services, Inc."] == ["carve-out"]


def test_a_certificate_is_kept_with_its_number_scope_bodies_and_issue_date(
    client, session, settings
):
    vendor = make_vendor(session, name="Lumen Ledger, Inc.")
    document, facts = _read(session, settings, vendor, certificate_pdf(), "iso.pdf")
    assert facts.certificate_number == "IS 771204"
    assert facts.accreditation_body == "UKAS"
    assert facts.certificate_issued == date(2025, 3, 10)
    assert facts.certificate_scope.startswith("The provision of hosted ledger")
    sign_in(client, make_user(session))
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert "IS 771204" in page and "UKAS" in page and "Tarnbrook Certification Ltd" in page
    _user, headers = caller(session, Role.risk_officer)
    body = client.get(f"{API}/documents/{document.id}/facts", headers=headers).json()
    assert body["certificate"] == {
        "standard": "ISO/IEC 27001:2022",
        "certificate_number": "IS 771204",
        "scope": facts.certificate_scope,
        "certification_body": "Tarnbrook Certification Ltd",
        "accreditation_body": "UKAS",
        "issued": "2025-03-10",
    }
