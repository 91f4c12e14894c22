"""The review page of a vendor with several documents: a summary first, details on demand."""

from __future__ import annotations

import re

from app.auth.models import Role
from tests.factories import make_user, sign_in
from tests.web.reviews.helpers import five_document_vendor

# The page of a vendor with five documents stays small enough to read and to load.
MAX_FORMS = 20
MAX_BYTES = 200_000


def test_five_documents_render_within_the_size_budget(client, session, settings):
    vendor, documents = five_document_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review")
    assert page.status_code == 200
    forms = len(re.findall(r"<form\b", page.text))
    size = len(page.content)
    assert forms < MAX_FORMS
    assert size < MAX_BYTES
    for document in documents:
        assert document.filename in page.text


def _document_details(page: str, document_id: int) -> str:
    start = page.index(f'id="document-{document_id}"')
    return page[start : page.index("</details>", start)]


def test_only_the_facts_a_document_kind_carries_are_shown_or_doubted(client, session, settings):
    vendor, (soc2, soc3, certificate, bridge, other) = five_document_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review").text
    soc3_facts = _document_details(page, soc3.id)
    assert "Certificate expires" not in soc3_facts and ">Type<" not in soc3_facts
    assert ">Exceptions<" not in soc3_facts and ">Opinion<" in soc3_facts
    iso_facts = _document_details(page, certificate.id)
    assert "Certification body" in iso_facts and "Certificate expires" in iso_facts
    assert ">Opinion<" not in iso_facts and "Period start" not in iso_facts
    assert "Bridge letter covers through" in _document_details(page, bridge.id)
    assert "Not an assurance report" in _document_details(page, other.id)
    # The SOC 3's doubtful Type does not count; the SOC 2's exception count does.
    banner = page[page.index("<strong>Provisional:</strong>") :][:1500]
    assert "1 fact was read with low confidence" in banner
    assert f'Exceptions of <a href="#facts-{soc2.id}">{soc2.filename}</a>' in banner
    assert "is not a" not in banner


def test_documents_and_evidence_are_named_by_file(client, session, settings):
    vendor, documents = five_document_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert not re.search(r"Document \d+", page)
    assert f"{documents[0].filename}, page 1</a>" in page  # a factor's evidence
    assert f"is carved out of {documents[0].filename}" in page  # a finding's message
    assert f"CUECs of {documents[0].filename}" in page


def test_the_summary_shows_one_line_per_document_with_what_does_not_apply(
    client, session, settings
):
    vendor, (soc2, soc3, certificate, _bridge, _other) = five_document_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/review").text
    summary = page[page.index('aria-label="Documents at a glance"') : page.index("</table>")]
    soc2_row = summary[summary.index(soc2.filename) :].split("</tr>")[0]
    assert "SOC 2 Type 2" in soc2_row and '<span class="pill flag">3</span>' in soc2_row
    soc3_row = summary[summary.index(soc3.filename) :].split("</tr>")[0]
    assert 'data-label="Exceptions" class="na"' in soc3_row
    iso_row = summary[summary.index(certificate.filename) :].split("</tr>")[0]
    assert "ISO/IEC 27001:2022" in iso_row and "expires" in iso_row
    assert 'data-label="Opinion" class="na"' in iso_row


def test_procurement_sees_no_document_summary(client, session, settings):
    vendor, _documents = five_document_vendor(session, settings)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get(f"/vendors/{vendor.id}/review").text
    assert "Documents at a glance" not in page and "Halvorsen" not in page
    assert "Provisional" not in page or "confirm or correct" not in page
