"""The vendor portal over HTTP: links, drafts, conflicts, uploads, submission."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlmodel import select

from app.audit.models import AuditEvent
from app.core.db import utcnow
from app.questionnaires.domain.vocabulary import QuestionType
from app.reports.models import Document
from app.requests import answer_store as answering
from app.requests.models import RequestStatus
from tests.factories import csrf_token
from tests.form_pages import read_field
from tests.portal_helpers import open_portal, portal_token, send_request

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def _save(client, question_id, value, version=0, **extra):
    data = {
        f"q__{question_id}": value,
        f"v__{question_id}": str(version),
        "csrf_token": portal_token(client),
        **extra,
    }
    return client.post(f"/portal/answers/{question_id}", data=data, headers={"HX-Request": "true"})


def _fill_required(client, session, request):
    """Answer every visible required question with a valid value, as a vendor would."""
    definition = answering.frozen_definition(request).definition
    for _ in range(10):
        missing = answering.missing_answers(request, answering.load_answers(session, request.id))
        if not missing:
            return
        for item in missing:
            question = definition.question(item.question_id)
            if question.type is QuestionType.FILE_UPLOAD:
                continue
            value = {
                QuestionType.YES_NO: "no",
                QuestionType.DATE: "2025-01-31",
                QuestionType.NUMBER: "3",
            }.get(question.type, question.choice_values()[-1] if question.choices else "Answer")
            assert _save(client, question.id, value).status_code == 200


def test_landing_page_has_no_side_effects_and_leaks_no_referrer(client, session, settings):
    request, token = send_request(session, settings)
    page = client.get(f"/portal/{token}")
    assert page.status_code == 200
    assert "Continue to the questionnaire" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in page.headers["cache-control"]
    session.refresh(request)
    assert request.status is RequestStatus.sent
    assert request.opened_at is None


def test_continuing_exchanges_the_link_for_a_session_and_marks_it_opened(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    page = client.get("/portal")
    assert page.status_code == 200
    assert "Which SOC report is the main evidence" in page.text
    assert token not in page.text
    session.refresh(request)
    assert request.status is RequestStatus.opened
    assert request.opened_at is not None


def test_unknown_link_is_404_and_expired_or_revoked_links_are_410(client, session, settings):
    assert client.get("/portal/dlg_p_" + "x" * 43).status_code == 404
    assert client.get("/portal/not-a-token").status_code == 404
    expired, token = send_request(session, settings)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    session.add(expired)
    session.flush()
    page = client.get(f"/portal/{token}")
    assert page.status_code == 410
    assert "expired" in page.text
    revoked, token2 = send_request(session, settings)
    revoked.revoked_at = utcnow()
    session.add(revoked)
    session.flush()
    page = client.get(f"/portal/{token2}")
    assert page.status_code == 410
    assert "withdrawn" in page.text


def test_revoking_ends_an_open_portal_session_at_once(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    request.revoked_at = utcnow()
    session.add(request)
    session.flush()
    assert client.get("/portal").status_code == 410


def test_portal_without_a_session_asks_to_open_the_link_again(client):
    page = client.get("/portal")
    assert page.status_code == 401
    assert "Open the link from your e-mail again" in page.text


def test_answers_save_and_come_back_and_conditional_questions_follow(client, session, settings):
    _request, token = send_request(session, settings)
    open_portal(client, token)
    saved = _save(client, "holds_soc2_type2", "no")
    assert saved.status_code == 200
    assert "Saved" in saved.text
    # Answering "no" reveals the follow-up about the examination's status.
    assert 'id="q-soc2_audit_status"' in saved.text
    assert 'hx-swap-oob="outerHTML"' in saved.text
    client.cookies.clear()
    open_portal(client, token)
    page = client.get("/portal")
    assert 'value="no" checked' in page.text
    section = page.text.split('id="q-soc2_audit_status"')[1].split(">")[0]
    assert "hidden" not in section


def test_an_autosave_reads_no_organisation_settings(client, session, settings):
    # The saved-answer fragment does not show the organisation, and autosaves are frequent.
    _request, token = send_request(session, settings)
    open_portal(client, token)
    data = {"q__holds_soc2_type2": "no", "v__holds_soc2_type2": "0"}
    headers = {"HX-Request": "true", "X-CSRF-Token": portal_token(client)}
    statements: list[str] = []
    engine = session.connection().engine
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        saved = client.post("/portal/answers/holds_soc2_type2", data=data, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert saved.status_code == 200
    assert any(s.startswith("INSERT INTO answer") for s in statements)
    assert not [s for s in statements if "organisation_settings" in s]


def test_a_stale_save_from_another_tab_is_refused_not_lost(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    assert _save(client, "soc2_auditor", "First Firm LLP", version=0).status_code in (200, 422)
    first = _save(client, "holds_soc2_type2", "yes", version=0)
    assert first.status_code == 200
    stale = _save(client, "holds_soc2_type2", "no", version=0)
    assert stale.status_code == 409
    assert "changed in another window" in stale.text or "same time" in stale.text
    answers = answering.load_answers(session, request.id)
    assert answers["holds_soc2_type2"].value == "yes"


def test_a_clash_shows_both_values_and_keeping_mine_saves_over_the_current_version(
    client, session, settings
):
    request, token = send_request(session, settings)
    open_portal(client, token)
    assert _save(client, "holds_soc2_type2", "yes", version=0).status_code == 200

    clash = _save(client, "holds_soc2_type2", "no", version=0)

    assert clash.status_code == 409
    yours = clash.text.split('class="clash-yours">')[1].split("<")[0]
    saved = clash.text.split('class="clash-saved">')[1].split("<")[0]
    assert (yours, saved) == ("No", "Yes")
    assert 'id="status-holds_soc2_type2"' in clash.text and "Keep mine" in clash.text
    assert '"v__holds_soc2_type2": "1"' in html.unescape(clash.text)
    kept = _save(client, "holds_soc2_type2", "no", version=1)
    assert kept.status_code == 200
    assert answering.load_answers(session, request.id)["holds_soc2_type2"].value == "no"
    current = client.get("/portal/questions/holds_soc2_type2")
    assert current.status_code == 200 and 'value="no" checked' in current.text


def test_saving_without_javascript_saves_the_whole_form(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    response = client.post(
        "/portal/answers",
        data={
            "csrf_token": portal_token(client),
            "q__primary_soc_report": "soc2",
            "v__primary_soc_report": "0",
            "q__holds_soc2_type2": "yes",
            "v__holds_soc2_type2": "0",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    answers = answering.load_answers(session, request.id)
    assert answers["primary_soc_report"].value == "soc2"
    assert answers["holds_soc2_type2"].value == "yes"


def test_a_clash_without_javascript_names_both_values_on_the_page(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    assert _save(client, "holds_soc2_type2", "yes", version=0).status_code == 200

    response = client.post(
        "/portal/answers",
        data={
            "csrf_token": portal_token(client),
            "q__holds_soc2_type2": "no",
            "v__holds_soc2_type2": "0",
        },
        follow_redirects=False,
    )

    assert response.status_code == 409
    assert "Yours (not saved): No. Saved now (shown above): Yes." in html.unescape(response.text)
    assert answering.load_answers(session, request.id)["holds_soc2_type2"].value == "yes"


def test_uploading_a_soc_report_shows_what_was_read_and_recognises_a_repeat(
    client, session, settings
):
    request, token = send_request(session, settings)
    open_portal(client, token)
    _save(client, "holds_soc2_type2", "yes")
    pdf = (CORPUS / "a01.pdf").read_bytes()
    for _attempt in range(2):
        response = client.post(
            "/portal/uploads/soc2_report_file",
            data={"csrf_token": portal_token(client)},
            files={"file": ("Lumenary SOC 2.pdf", pdf, "application/pdf")},
        )
        assert response.status_code == 200
    assert "SOC 2 Type 2, 1 Jan 2023 – 31 Dec 2023, no exceptions" in response.text
    assert "already uploaded this file" in response.text
    documents = session.exec(select(Document).where(Document.request_id == request.id)).all()
    assert len(documents) == 1
    assert documents[0].sha256 and documents[0].kind.value == "soc2_report"


def test_a_file_that_is_not_a_pdf_is_refused_with_a_clear_message(client, session, settings):
    request, token = send_request(session, settings)
    open_portal(client, token)
    _save(client, "holds_soc2_type2", "yes")
    response = client.post(
        "/portal/uploads/soc2_report_file",
        data={"csrf_token": portal_token(client)},
        files={"file": ("report.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert response.status_code == 422
    assert "not a PDF" in response.text
    assert session.exec(select(Document).where(Document.request_id == request.id)).all() == []


def test_an_oversized_upload_is_refused(client, session, settings):
    settings.max_upload_mb = 1
    _request, token = send_request(session, settings)
    open_portal(client, token)
    _save(client, "holds_soc2_type2", "yes")
    big = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)
    response = client.post(
        "/portal/uploads/soc2_report_file",
        data={"csrf_token": portal_token(client)},
        files={"file": ("big.pdf", big, "application/pdf")},
    )
    assert response.status_code == 413
    # Said beside the upload field of the question, on the questionnaire page itself.
    error = read_field(response.text, "f-soc2_report_file").error
    assert error == "The file is larger than 1 MB; the limit is 1 MB."


def test_submit_lists_missing_answers_then_submits_once(client, session, settings, mailbox):
    request, token = send_request(session, settings)
    open_portal(client, token)
    early = client.post("/portal/submit", data={"csrf_token": portal_token(client)})
    assert early.status_code == 422
    assert "Please answer these required questions" in early.text
    _fill_required(client, session, request)
    token_value = portal_token(client)
    first = client.post("/portal/submit", data={"csrf_token": token_value}, follow_redirects=False)
    second = client.post("/portal/submit", data={"csrf_token": token_value}, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    receipt = client.get("/portal/receipt")
    assert "your answers were submitted" in receipt.text
    assert "DLG-" in receipt.text
    session.refresh(request)
    assert request.status is RequestStatus.submitted
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "request.submitted", AuditEvent.subject_id == str(request.id)
        )
    ).all()
    assert len(events) == 1
    receipts = [m for m in mailbox.sent if m.subject.startswith("Receipt")]
    assert len(receipts) == 1
    assert receipts[0].to == "vera@vendor.example"
    # Read-only afterwards: a save is refused.
    late = client.post(
        "/portal/answers/holds_soc2_type2",
        data={"q__holds_soc2_type2": "yes", "v__holds_soc2_type2": "1", "csrf_token": token_value},
    )
    assert late.status_code == 409
    # "Save all" (the form without JavaScript) says it saved nothing, rather than "saved".
    save_all = client.post(
        "/portal/answers",
        data={"q__holds_soc2_type2": "no", "v__holds_soc2_type2": "1", "csrf_token": token_value},
        follow_redirects=False,
    )
    assert save_all.status_code == 409
    assert "nothing was saved" in save_all.text


def test_an_upload_without_a_portal_session_is_refused_before_its_body_is_read(client, session):
    consumed = []

    def body():
        for _ in range(64):
            consumed.append(1)
            yield b"x" * 65536

    token = csrf_token(client, "/login")
    response = client.post(
        "/portal/uploads/soc2_report_file",
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=zzz", "x-csrf-token": token},
    )
    assert response.status_code == 401
    assert len(consumed) < 64


def test_a_valid_report_pre_answers_the_questions_it_covers(client, session, settings):
    request, token = send_request(session, settings, name="Corvid Metrics")
    open_portal(client, token)
    _save(client, "holds_soc2_type2", "yes")
    pdf = (CORPUS / "a02.pdf").read_bytes()
    page = client.post(
        "/portal/uploads/soc2_report_file",
        data={"csrf_token": portal_token(client)},
        files={"file": ("corvid.pdf", pdf, "application/pdf")},
    )
    assert page.status_code == 200
    answers = answering.load_answers(session, request.id)
    by_key = {
        q.maps_to: q.id
        for q in answering.frozen_definition(request).definition.questions()
        if q.maps_to
    }
    assert answers[by_key["report_type"]].value == "type2"
    assert answers[by_key["period_end"]].value == "2024-06-30"
    assert answers[by_key["opinion"]].value == "unqualified"
    assert "From your report corvid.pdf" in page.text
    # The vendor's own earlier answer is never overwritten.
    assert answers["holds_soc2_type2"].value == "yes"


def test_browsers_posting_from_the_no_referrer_portal_pass_the_origin_check(
    client, session, settings
):
    _, token = send_request(session, settings)
    csrf = csrf_token(client, f"/portal/{token}")
    # No-referrer pages make browsers send Origin: null; a same-origin fetch is accepted...
    accepted = client.post(
        "/portal/exchange",
        data={"token": token, "csrf_token": csrf},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    # ...while an opaque origin without that assurance is refused.
    refused = client.post(
        "/portal/exchange",
        data={"token": token, "csrf_token": csrf},
        headers={"Origin": "null"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
