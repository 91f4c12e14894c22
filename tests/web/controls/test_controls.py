"""Our control catalogue, CUECs mapped to it and confirmed by owners, and the CUEC memo."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pypdfium2
from sqlmodel import select

from app.auth.models import Role
from app.controls.models import Control, CuecLink
from app.core.db import utcnow
from app.scoring import service as scoring_service
from app.scoring.domain.cuecs import cuec_key
from tests.api.helpers import API, caller
from tests.factories import csrf_token, form_version, make_user, make_vendor, post_form, sign_in
from tests.form_pages import read_field
from tests.web.reviews.helpers import add_document, report_facts

TODAY = utcnow().date()
ACCESS = "Customers review user access quarterly."
KEYS = "Customers protect their own API keys."
BACKUP = "Customers keep their own backups of exported data."


def _codes(session, vendor):
    return [item["code"] for item in scoring_service.latest_score(session, vendor.id).findings]


def _control(session, ref, owner):
    control = Control(ref=ref, name=f"{ref} control", owner_email=owner)
    session.add(control)
    session.flush()
    return control


def _map(session, vendor, document, text, control):
    session.add(
        CuecLink(
            vendor_id=vendor.id,
            document_id=document.id,
            cuec_key=cuec_key(text),
            cuec_text=text,
            control_id=control.id,
        )
    )
    session.flush()


def _vendor(session, settings, cuecs, *, end=TODAY - timedelta(days=40), vendor=None):
    vendor = vendor or make_vendor(session, name="Lumenary Cloud")
    facts = report_facts(end, cuec_list=cuecs)
    document = add_document(session, settings, vendor, facts=facts, content=str(end).encode())
    return vendor, document


def test_a_control_typed_in_is_listed_and_a_bad_one_keeps_what_was_typed(client, session):
    sign_in(client, make_user(session, role=Role.risk_officer))
    saved = post_form(
        client, "/controls", {"ref": "AC-02", "name": "Access review", "owner_email": "ana@ex.com"}
    )
    assert saved.status_code == 303
    assert "ana@ex.com" in client.get("/controls").text
    bad = post_form(client, "/controls", {"ref": "AC-03", "name": "Keys", "owner_email": "nobody"})
    assert bad.status_code == 422
    assert "Give the owner&#39;s e-mail address" in bad.text
    assert 'value="AC-03"' in bad.text and 'value="nobody"' in bad.text
    assert session.exec(select(Control).where(Control.ref == "AC-03")).first() is None


def test_the_catalogue_imports_from_csv_and_a_bad_file_changes_nothing(client, session):
    _control(session, "AC-02", "old@ex.com")
    sign_in(client, make_user(session, role=Role.admin))
    token = csrf_token(client, "/controls")
    good = (
        b"id,name,owner e-mail\nAC-02,Access review,ana@ex.com\nKM-01,Key management,kim@ex.com\n"
    )
    response = client.post(
        "/controls/import",
        data={"csrf_token": token},
        files={"file": ("controls.csv", good, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "created=1&updated=1" in response.headers["location"]
    owners = {c.ref: c.owner_email for c in session.exec(select(Control)).all()}
    assert owners == {"AC-02": "ana@ex.com", "KM-01": "kim@ex.com"}
    bad = b"id,name,owner\nZZ-9,Fine,zed@ex.com\n,Nameless,x@ex.com\n"
    refused = client.post(
        "/controls/import",
        data={"csrf_token": token},
        files={"file": ("controls.csv", bad, "text/csv")},
    )
    assert refused.status_code == 422
    assert "Row 3: Give the control&#39;s identifier." in refused.text
    assert session.exec(select(Control).where(Control.ref == "ZZ-9")).first() is None


def test_an_auditor_reads_the_catalogue_but_cannot_change_it(client, session):
    sign_in(client, make_user(session, role=Role.auditor))
    assert client.get("/controls").status_code == 200
    form = {"ref": "AC-09", "name": "X", "owner_email": "a@ex.com"}
    assert post_form(client, "/controls", form).status_code == 403


def test_mapping_cuecs_clears_the_unlinked_finding_and_the_owner_confirms(
    client, session, settings
):
    owner = make_user(session, role=Role.risk_officer, email="ana@ex.com")
    access = _control(session, "AC-02", "ana@ex.com")
    vendor, document = _vendor(session, settings, [ACCESS, KEYS])
    vendor.profile = {**vendor.profile, "cuec_controls_linked": []}
    scoring_service.recompute_vendor(session, vendor, as_of=TODAY, reason="test")
    assert "CUEC_UNLINKED" in _codes(session, vendor)
    sign_in(client, owner)
    review = client.get(f"/vendors/{vendor.id}/review").text
    assert f"/vendors/{vendor.id}/cuecs" in review  # the one link from the review page
    path = f"/vendors/{vendor.id}/cuecs/{document.id}"
    form = {f"control-{cuec_key(ACCESS)}": str(access.id), f"control-{cuec_key(KEYS)}": ""}
    form["version"] = form_version(client, f"/vendors/{vendor.id}/cuecs", action=path)
    assert post_form(client, path, form).status_code == 303
    finding = next(
        item
        for item in scoring_service.latest_score(session, vendor.id).findings
        if item["code"] == "CUEC_UNLINKED"
    )
    assert "1 of the 2" in finding["message"] and KEYS in finding["message"]
    form[f"control-{cuec_key(KEYS)}"] = str(access.id)
    form["version"] = form_version(client, f"/vendors/{vendor.id}/cuecs", action=path)
    assert post_form(client, path, form).status_code == 303
    assert "CUEC_UNLINKED" not in _codes(session, vendor)
    page = client.get(f"/vendors/{vendor.id}/cuecs").text
    assert "Awaiting ana@ex.com" in page
    confirm = f"/vendors/{vendor.id}/cuecs/{document.id}/{cuec_key(ACCESS)}/confirm"
    wrong = post_form(client, confirm, {"in_place": "yes", "evidence": "", "checked_on": ""})
    assert wrong.status_code == 422
    assert "Say what shows it" in wrong.text and "Give the date it was checked." in wrong.text
    checked = (TODAY - timedelta(days=3)).isoformat()
    done = post_form(
        client, confirm, {"in_place": "yes", "evidence": "Ticket SEC-88", "checked_on": checked}
    )
    assert done.status_code == 303
    link = session.exec(select(CuecLink).where(CuecLink.cuec_key == cuec_key(ACCESS))).one()
    assert (link.in_place, link.evidence, link.checked_on.isoformat()) == (
        True,
        "Ticket SEC-88",
        checked,
    )
    assert link.confirmed_by_id == owner.id


def test_only_the_controls_owner_confirms(client, session, settings):
    access = _control(session, "AC-02", "ana@ex.com")
    vendor, document = _vendor(session, settings, [ACCESS])
    _map(session, vendor, document, ACCESS, access)
    sign_in(client, make_user(session, role=Role.risk_officer, email="bob@ex.com"))
    assert "Confirm AC-02" not in client.get(f"/vendors/{vendor.id}/cuecs").text
    confirm = f"/vendors/{vendor.id}/cuecs/{document.id}/{cuec_key(ACCESS)}/confirm"
    form = {"in_place": "yes", "evidence": "x", "checked_on": TODAY.isoformat()}
    assert post_form(client, confirm, form).status_code == 403
    assert session.exec(select(CuecLink)).one().confirmed_at is None


def test_an_unreadable_checked_date_keeps_what_was_typed_and_says_how_to_write_one(
    client, session, settings
):
    owner = make_user(session, role=Role.risk_officer, email="ana@ex.com")
    access = _control(session, "AC-02", "ana@ex.com")
    vendor, document = _vendor(session, settings, [ACCESS])
    _map(session, vendor, document, ACCESS, access)
    sign_in(client, owner)
    confirm = f"/vendors/{vendor.id}/cuecs/{document.id}/{cuec_key(ACCESS)}/confirm"
    typed = {"in_place": "yes", "evidence": "Ticket SEC-88", "checked_on": "3rd of March"}
    page = post_form(client, confirm, typed)
    assert page.status_code == 422
    key = cuec_key(ACCESS)
    checked = read_field(page.text, f"checked-{key}")
    assert checked.value == "3rd of March" and checked.is_invalid
    # This form names its messages "checked-error-<key>", outside the forms macros.
    assert f'id="checked-error-{key}">Enter a date like 2031-12-31.</p>' in page.text
    assert "Ticket SEC-88" in page.text
    assert "Error 422" not in page.text
    assert session.exec(select(CuecLink)).one().confirmed_at is None


def test_a_new_report_carries_the_mapping_and_asks_the_owner_again(client, session, settings):
    owner = make_user(session, role=Role.risk_officer, email="ana@ex.com")
    access = _control(session, "AC-02", "ana@ex.com")
    vendor, old = _vendor(session, settings, [ACCESS], end=TODAY - timedelta(days=400))
    session.add(
        CuecLink(
            vendor_id=vendor.id,
            document_id=old.id,
            cuec_key=cuec_key(ACCESS),
            cuec_text=ACCESS,
            control_id=access.id,
            in_place=True,
            evidence="Ticket SEC-1",
            checked_on=TODAY - timedelta(days=300),
            confirmed_at=utcnow(),
        )
    )
    vendor.profile = {**vendor.profile, "cuec_controls_linked": [cuec_key(ACCESS)]}
    session.flush()
    _vendor(session, settings, [f"  {ACCESS.upper()} ", BACKUP], vendor=vendor)
    sign_in(client, owner)
    page = client.get(f"/vendors/{vendor.id}/cuecs").text
    assert "Mapped on an earlier report with the same text" in page
    assert "(a new report: confirm again)" in page
    assert "A newer report arrived: 1 CUEC(s) keep their control" in page
    assert "Ticket SEC-1" not in page  # the old period's confirmation does not count
    finding = next(
        item
        for item in scoring_service.latest_score(session, vendor.id).findings
        if item["code"] == "CUEC_UNLINKED"
    )
    assert BACKUP in finding["message"] and "1 of the 2" in finding["message"]


def test_the_memo_reads_as_an_auditor_expects_in_xlsx_and_pdf(client, session, settings):
    access = _control(session, "AC-02", "ana@ex.com")
    vendor, document = _vendor(session, settings, [ACCESS, KEYS])
    session.add(
        CuecLink(
            vendor_id=vendor.id,
            document_id=document.id,
            cuec_key=cuec_key(ACCESS),
            cuec_text=ACCESS,
            control_id=access.id,
            in_place=True,
            evidence="Quarterly review ticket SEC-88",
            checked_on=TODAY,
            confirmed_at=utcnow(),
        )
    )
    session.flush()
    sign_in(client, make_user(session, role=Role.auditor))
    response = client.get(f"/vendors/{vendor.id}/cuecs/memo.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cover = list(workbook["Memo"].iter_rows(values_only=True))
    year = str(TODAY - timedelta(days=40))[:4]
    assert (f"CUECs of Lumenary Cloud's SOC 2 Type 2 report for {year}: how we meet each", "") in [
        (row[0], row[1] or "") for row in cover
    ]
    rows = list(workbook["CUECs"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Complementary user entity control", "Our control")
    by_text = {row[0]: row for row in rows[1:]}
    assert by_text[ACCESS][1:6] == (
        "AC-02",
        "AC-02 control",
        "ana@ex.com",
        "yes",
        "Quarterly review ticket SEC-88",
    )
    assert by_text[ACCESS][8] == "In place"
    assert by_text[KEYS][8] == "Not mapped to one of our controls"
    pdf = client.get(f"/vendors/{vendor.id}/cuecs/memo.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pypdfium2.PdfDocument(pdf.content)[0].get_textpage().get_text_range()
    assert "CUEC memo: Lumenary Cloud" in text
    assert "Quarterly review ticket SEC-88" in text


def test_the_api_lists_controls_and_a_vendors_cuecs_with_their_mapping(client, session, settings):
    access = _control(session, "AC-02", "ana@ex.com")
    vendor, document = _vendor(session, settings, [ACCESS, KEYS])
    _map(session, vendor, document, ACCESS, access)
    _user, headers = caller(session, Role.risk_officer)
    controls = client.get(f"{API}/controls", headers=headers).json()
    assert [item["ref"] for item in controls["items"]] == ["AC-02"]
    cuecs = client.get(f"{API}/vendors/{vendor.id}/cuecs", headers=headers).json()
    by_text = {item["text"]: item for item in cuecs}
    assert by_text[ACCESS]["control"]["ref"] == "AC-02"
    assert by_text[ACCESS]["confirmed_at"] is None
    assert by_text[KEYS]["control"] is None
    _procurement, limited = caller(session, Role.procurement)
    assert client.get(f"{API}/vendors/{vendor.id}/cuecs", headers=limited).status_code == 403


def test_each_report_on_the_cuec_page_is_named_by_its_file(client, session, settings):
    vendor = make_vendor(session, name="Lumenary Cloud")
    facts = report_facts(TODAY - timedelta(days=40), cuec_list=[ACCESS])
    document = add_document(
        session, settings, vendor, facts=facts, filename="Lumenary SOC 2 Type 2 2026.pdf"
    )
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get(f"/vendors/{vendor.id}/cuecs").text
    assert "<h2>Lumenary SOC 2 Type 2 2026.pdf</h2>" in page
    assert f"Report {document.id}<" not in page
