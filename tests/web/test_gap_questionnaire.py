"""A current, clean SOC 2 Type 2 answers the security-baseline questions its tests cover.

The vendor is shown "Covered by your SOC 2 Type 2 report: tested under CC6.1, page N, no
exceptions noted" and confirms or corrects; an exception under a question's criterion leaves
the question open, and its own answers are never overwritten.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from app.auth.models import Role
from app.core.config import Settings
from app.core.rows import id_of
from app.evidence.intake import EvidenceStore, Upload, receive_document
from app.reports.models import UploadChannel
from app.reports.storage_backends import get_storage
from app.requests import answer_store
from app.requests.models import QuestionnaireRequest
from app.vendors.models import Vendor
from tests.factories import make_user, sign_in
from tests.portal_helpers import open_portal, portal_token, send_request
from tests.soc2_reports import build_soc2_type2

VENDOR = "Orchard Lane Benefits, Inc."
BASELINE_QUESTIONS = 45


def _upload(session: Session, settings: Settings, request: QuestionnaireRequest, pdf: bytes):
    vendor = session.get(Vendor, request.vendor_id)
    assert vendor is not None
    store = EvidenceStore(get_storage(settings), None, settings.max_upload_bytes)
    upload = Upload(io.BytesIO(pdf), "soc2-type2.pdf", UploadChannel.staff, actor="system:test")
    return receive_document(session, store, upload, vendor=vendor, today=date.today())


def _recent_report(**kwargs: object) -> bytes:
    return build_soc2_type2(VENDOR, period_end=date.today() - timedelta(days=60), **kwargs)  # type: ignore[arg-type]


@pytest.mark.db
def test_a_clean_type2_answers_at_least_half_of_the_baseline_with_pages(
    session: Session, settings: Settings
) -> None:
    request, _ = send_request(session, settings, slug="security-baseline", name=VENDOR)
    definition = answer_store.frozen_definition(request).definition
    assert len(list(definition.questions())) == BASELINE_QUESTIONS

    outcome = _upload(session, settings, request, _recent_report())

    answers = answer_store.load_answers(session, id_of(request))
    from_report = {
        qid: row for qid, row in answers.items() if row.source_document_id == outcome.document.id
    }
    # 23 of the 45 questions today: every one the crosswalk maps to a common criterion.
    assert len(from_report) * 2 >= BASELINE_QUESTIONS, f"only {len(from_report)} of 45"
    assert len(from_report) == 23
    assert from_report["mfa_admin_access"].value == "yes"
    assert from_report["security_training"].value == "on_hire_and_annually"
    assert "customer_sso" not in answers  # a product feature no criterion tests


@pytest.mark.db
def test_the_vendor_sees_the_criterion_and_page_beside_each_pre_answer(
    client, session: Session, settings: Settings
) -> None:
    request, token = send_request(session, settings, slug="security-baseline", name=VENDOR)
    _upload(session, settings, request, _recent_report())
    open_portal(client, token)

    page = client.get("/portal").text

    assert "Covered by your SOC 2 Type 2 report: tested under CC6.1, page" in page
    assert "no exceptions noted (soc2-type2.pdf)" in page
    assert ">Confirm</button>" in page

    pre_filled = answer_store.load_answers(session, id_of(request))["mfa_admin_access"]
    confirmed = client.post(
        "/portal/answers/mfa_admin_access",
        data={
            "csrf_token": portal_token(client),
            "q__mfa_admin_access": "yes",
            "v__mfa_admin_access": str(pre_filled.row_version),
        },
    )
    assert confirmed.status_code == 200, confirmed.text
    session.expire_all()
    answer = answer_store.load_answers(session, id_of(request))["mfa_admin_access"]
    assert (answer.value, answer.source_document_id) == ("yes", None)  # now the vendor's own


@pytest.mark.db
def test_an_exception_under_a_criterion_leaves_its_questions_open(
    session: Session, settings: Settings
) -> None:
    request, _ = send_request(session, settings, slug="security-baseline", name=VENDOR)
    report = _recent_report(exceptions={"CC8.1": "One change of 40 lacked a recorded approval."})

    _upload(session, settings, request, report)

    answers = answer_store.load_answers(session, id_of(request))
    assert "code_review" not in answers  # CC8.1 had an exception
    assert "separate_environments" not in answers
    assert answers["mfa_admin_access"].value == "yes"  # CC6.1 was clean


@pytest.mark.db
def test_a_vendor_answer_is_never_overwritten_and_an_old_report_answers_nothing(
    session: Session, settings: Settings
) -> None:
    request, _ = send_request(session, settings, slug="security-baseline", name=VENDOR)
    answer_store.save_answer(
        session,
        request=request,
        question_id="mfa_admin_access",
        value="no",
        expected_version=None,
        actor="vendor:test",
    )
    stale = build_soc2_type2(VENDOR, period_end=date.today() - timedelta(days=500))

    _upload(session, settings, request, stale)
    answers = answer_store.load_answers(session, id_of(request))
    assert set(answers) == {"mfa_admin_access"}

    _upload(session, settings, request, _recent_report())
    answers = answer_store.load_answers(session, id_of(request))
    assert answers["mfa_admin_access"].value == "no"
    assert answers["mfa_admin_access"].source_document_id is None
    assert answers["least_privilege"].value == "yes"


@pytest.mark.db
def test_staff_see_per_question_who_answered_and_the_exception_that_left_one_open(
    client, session: Session, settings: Settings
) -> None:
    request, _ = send_request(session, settings, slug="security-baseline", name=VENDOR)
    answer_store.save_answer(
        session,
        request=request,
        question_id="access_policy",
        value="yes",
        expected_version=None,
        actor="vendor:test",
    )
    answer_store.save_answer(
        session,
        request=request,
        question_id="customer_sso",
        value="yes",
        expected_version=None,
        actor="vendor:test",
    )
    leaver = "For 1 of 25 leavers sampled, access was removed after 9 days."
    _upload(session, settings, request, _recent_report(exceptions={"CC8.1": leaver}))
    sign_in(client, make_user(session, role=Role.risk_officer))

    page = client.get(f"/vendors/{request.vendor_id}/review").text
    rows = _control_rows(page)

    assert "the vendor, and evidenced by the report" in rows["access_policy"]
    assert "tested under CC5.3, soc2-type2.pdf, page" in rows["access_policy"]
    assert "evidenced by the report (not yet confirmed" in rows["mfa_admin_access"]
    assert "tested under CC6.1" in rows["mfa_admin_access"]
    assert "Exception" in rows["code_review"] and leaver in rows["code_review"]
    assert "nobody yet" in rows["code_review"]


def _control_rows(page: str) -> dict[str, str]:
    found = re.findall(r'<tr id="control-([a-z_]+)"[^>]*>(.*?)</tr>', page, re.DOTALL)
    return {
        question: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()).replace(" ,", ",")
        for question, text in found
    }
