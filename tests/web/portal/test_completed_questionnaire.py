"""A vendor uploads its completed CAIQ in the portal and sees our questions pre-answered."""

from __future__ import annotations

from sqlmodel import select

from app.auth.models import Role
from app.evidence.models import CompletedQuestionnaire
from app.reports.models import Document
from app.requests import answer_store as answering
from tests.factories import csrf_token, make_user, sign_in
from tests.form_pages import error_summary, read_field
from tests.portal_helpers import open_portal, portal_token, send_request
from tests.questionnaire_workbooks import caiq_workbook, hecvat_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, path):
    return client.post(
        "/portal/completed-questionnaire",
        data={"csrf_token": portal_token(client)},
        files={"file": (path.name, path.read_bytes(), XLSX)},
    )


def test_a_completed_caiq_pre_answers_the_baseline_for_the_vendor_to_confirm(
    client, session, settings, tmp_path
):
    request, token = send_request(session, settings, slug="security-baseline")
    open_portal(client, token)
    answers = {
        "IAM-14.1": "Yes|Hardware keys for every administrator.",
        "CEK-03.1": "Yes",
        "IVS-05.1": "No",
        "A&A-01.1": "Yes",
    }
    response = _upload(client, caiq_workbook(tmp_path / "our-caiq.xlsx", answers=answers))
    assert response.status_code == 200, response.text
    assert "4 answers were filled in from it" in response.text
    assert "From your CAIQ, IAM-14.1. Please check it" in response.text
    values = answering.answer_values(answering.load_answers(session, request.id))
    assert {
        key: values.get(key)
        for key in (
            "mfa_admin_access",
            "encryption_in_transit",
            "encryption_at_rest",
            "separate_environments",
        )
    } == {
        "mfa_admin_access": "yes",
        "encryption_in_transit": "yes",
        "encryption_at_rest": "yes",
        "separate_environments": "no",
    }
    record = session.exec(select(CompletedQuestionnaire)).one()
    assert (record.layout, len(record.answers)) == ("caiq-v4", 4)
    assert {"id": "IAM-14.1", "answer": "Yes", "sheet": "CAIQv4.0.3", "row": 6}.items() <= (
        record.answers[1].items()
    )
    document = session.get(Document, record.document_id)
    assert document is not None and document.request_id == request.id


def test_the_vendors_own_answer_is_never_overwritten(client, session, settings, tmp_path):
    request, token = send_request(session, settings, slug="security-baseline")
    open_portal(client, token)
    answering.save_answer(
        session,
        request=request,
        question_id="encryption_at_rest",
        value="no",
        expected_version=None,
        actor="vendor",
    )
    session.commit()
    _upload(client, caiq_workbook(tmp_path / "caiq.xlsx", answers={"CEK-03.1": "Yes"}))
    values = answering.answer_values(answering.load_answers(session, request.id))
    assert (values["encryption_at_rest"], values["encryption_in_transit"]) == ("no", "yes")


def test_a_hecvat_lite_pre_answers_through_its_own_ids(client, session, settings, tmp_path):
    _, token = send_request(session, settings, slug="security-baseline")
    open_portal(client, token)
    response = _upload(client, hecvat_workbook(tmp_path / "h.xlsx", answers={"COMP-02": "Yes"}))
    assert response.status_code == 200
    assert "0 answers were filled in" in response.text  # no HECVAT Lite ID of ours was answered


def test_a_blank_or_foreign_spreadsheet_is_refused_and_nothing_is_stored(
    client, session, settings, tmp_path
):
    _, token = send_request(session, settings, slug="security-baseline")
    open_portal(client, token)
    response = _upload(client, caiq_workbook(tmp_path / "blank.xlsx"))
    assert response.status_code == 422
    assert "not a completed questionnaire we can read" in response.text
    assert session.exec(select(Document)).all() == []


def test_staff_upload_a_completed_caiq_and_risk_officers_search_its_answers(
    client, session, settings, tmp_path
):
    request, _ = send_request(session, settings, slug="security-baseline")
    sign_in(client, make_user(session, role=Role.risk_officer))
    page_url = f"/vendors/{request.vendor_id}/completed-questionnaires"
    token = csrf_token(client, page_url)
    answers = {"CEK-03.1": "Yes|AES-256 on every volume.", "IAM-14.1": "Yes"}
    path = caiq_workbook(tmp_path / "staff.xlsx", answers=answers)
    response = client.post(
        page_url,
        data={"csrf_token": token},
        files={"file": ("staff.xlsx", path.read_bytes(), XLSX)},
    )
    assert response.status_code == 200, response.text
    assert "3 answers of open questionnaires were filled in" in response.text
    found = client.get(page_url, params={"q": "aes-256"})
    assert "CEK-03.1" in found.text and "CAIQv4.0.3, row 7" in found.text
    assert "IAM-14.1" not in found.text
    values = answering.answer_values(answering.load_answers(session, request.id))
    assert values["mfa_admin_access"] == "yes"


def test_a_staff_upload_that_is_not_a_completed_questionnaire_is_refused_beside_the_field(
    client, session, settings, tmp_path
):
    request, _ = send_request(session, settings, slug="security-baseline")
    sign_in(client, make_user(session, role=Role.risk_officer))
    page_url = f"/vendors/{request.vendor_id}/completed-questionnaires"
    token = csrf_token(client, page_url)
    blank = caiq_workbook(tmp_path / "blank.xlsx")
    response = client.post(
        page_url,
        data={"csrf_token": token},
        files={"file": ("blank.xlsx", blank.read_bytes(), XLSX)},
    )
    assert response.status_code == 422
    refusal = read_field(response.text, "completed-file").error
    assert refusal is not None and "not a completed questionnaire we can read" in refusal
    assert "Please correct this" in error_summary(response.text)
    assert session.exec(select(Document)).all() == []
    # The page is the vendor's completed questionnaires, ready for another file.
    assert "Completed questionnaires from" in response.text
