"""Concurrent writes wait their turn: the same submit, upload or Idempotency-Key sent several
times at once answers 2xx/303 or 409, never 503 "database is locked", on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from app.auth.models import StaffSession
from app.core.config import JobQueueMode
from app.core.db import session_scope, utcnow, write_engine
from app.questionnaires.domain.vocabulary import QuestionType
from app.reports.models import Document
from app.requests import answer_store as answering
from app.requests.models import QuestionnaireRequest
from app.vendors.models import Vendor
from tests.api.helpers import caller
from tests.factories import TEST_PASSWORD, make_user
from tests.live_server import LiveServer, csrf_of, live_server, sign_in
from tests.portal_helpers import send_request

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


@pytest.fixture
def server(backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(backend, tmp_path, job_queue=JobQueueMode.inprocess) as running:
        yield running


def at_once(count: int, send: Callable[[], httpx.Response]) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return [r.status_code for r in pool.map(lambda _i: send(), range(count))]


def open_portal(server: LiveServer) -> tuple[httpx.Client, int]:
    with session_scope(server.engine) as session:
        request, token = send_request(session, server.settings)
        request_id = request.id
    assert request_id is not None
    browser = server.client()
    exchanged = browser.post(
        "/portal/exchange",
        data={"token": token, "csrf_token": csrf_of(browser, f"/portal/{token}")},
    )
    assert exchanged.status_code == 303, exchanged.text
    return browser, request_id


def save(browser: httpx.Client, question_id: str, value: str) -> None:
    data = {f"q__{question_id}": value, f"v__{question_id}": "0"}
    data["csrf_token"] = csrf_of(browser, "/portal")
    response = browser.post(
        f"/portal/answers/{question_id}", data=data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.text


def answer_what_is_required(server: LiveServer, browser: httpx.Client, request_id: int) -> None:
    for _ in range(10):
        with Session(server.engine) as session:
            request = session.get(QuestionnaireRequest, request_id)
            assert request is not None
            definition = answering.frozen_definition(request).definition
            missing = answering.missing_answers(
                request, answering.load_answers(session, request_id)
            )
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
            save(browser, question.id, value)


def test_a_double_submit_is_submitted_once_and_never_refused_as_busy(server):
    browser, request_id = open_portal(server)
    answer_what_is_required(server, browser, request_id)
    token = csrf_of(browser, "/portal")

    statuses = at_once(8, lambda: browser.post("/portal/submit", data={"csrf_token": token}))

    assert 503 not in statuses and set(statuses) <= {303, 409}, statuses
    with Session(server.engine) as session:
        submitted = session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "request.submitted")
        ).one()
    assert submitted == 1


def test_the_same_report_uploaded_five_times_at_once_is_kept_once(server):
    browser, request_id = open_portal(server)
    save(browser, "holds_soc2_type2", "yes")
    token = csrf_of(browser, "/portal")
    content = (CORPUS / "a01.pdf").read_bytes()

    def upload() -> httpx.Response:
        return browser.post(
            "/portal/uploads/soc2_report_file",
            data={"csrf_token": token},
            files={"file": ("soc2.pdf", content, "application/pdf")},
        )

    statuses = at_once(5, upload)

    assert 503 not in statuses and set(statuses) <= {303, 409}, statuses
    with Session(server.engine) as session:
        kept = session.exec(
            select(func.count()).select_from(Document).where(Document.request_id == request_id)
        ).one()
    assert kept == 1


def test_one_idempotency_key_sent_five_times_at_once_creates_one_vendor(server):
    with session_scope(server.engine) as session:
        _user, headers = caller(session)
    api = server.client()
    keyed = {**headers, "Idempotency-Key": "same-key-at-once"}
    body = {"name": "Concurrent Vendor Ltd", "inherent_tier": "high"}

    statuses = at_once(5, lambda: api.post("/api/v1/vendors", json=body, headers=keyed))

    assert 503 not in statuses and set(statuses) <= {201, 409}, statuses
    with Session(server.engine) as session:
        made = session.exec(
            select(func.count()).select_from(Vendor).where(col(Vendor.name) == body["name"])
        ).one()
    assert made == 1


def test_a_page_view_is_not_refused_when_its_session_touch_meets_a_writer(server):
    with session_scope(server.engine) as session:
        user = make_user(session)
        email = user.email
    browser = sign_in(server, email, TEST_PASSWORD)
    with session_scope(server.engine) as session:  # the session was last seen a while ago
        session.exec(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))

    with write_engine(server.engine).connect() as writer:  # another write holds the lock
        transaction = writer.begin()
        writer.exec_driver_sql("UPDATE vendor SET updated_at = updated_at")
        with ThreadPoolExecutor(max_workers=1) as pool:
            page = pool.submit(browser.get, "/vendors")
            time.sleep(0.5)
            transaction.commit()
            status = page.result().status_code

    assert status == 200


@pytest.mark.slow
def test_pages_api_reads_saves_and_uploads_at_once_get_no_503(server):
    """A mixed load for a bounded time: every answer is a success or a plain refusal."""
    with session_scope(server.engine) as session:
        user = make_user(session)
        email = user.email
        _api_user, api_headers = caller(session)
    pages = sign_in(server, email, TEST_PASSWORD)
    api = server.client()
    portals = [open_portal(server)[0] for _ in range(3)]
    uploader, _request_id = open_portal(server)
    save(uploader, "holds_soc2_type2", "yes")
    reports = sorted(CORPUS.glob("a*.pdf"))[:6]
    deadline = time.monotonic() + 15
    statuses: list[int] = []

    def view_pages() -> None:
        while time.monotonic() < deadline:
            statuses.append(pages.get("/").status_code)
            statuses.append(pages.get("/vendors").status_code)

    def read_api() -> None:
        while time.monotonic() < deadline:
            statuses.append(api.get("/api/v1/vendors", headers=api_headers).status_code)

    def save_answers(browser: httpx.Client) -> None:
        token = csrf_of(browser, "/portal")
        version = 0
        while time.monotonic() < deadline:
            data = {"q__holds_soc2_type2": "no", "v__holds_soc2_type2": str(version)}
            response = browser.post(
                "/portal/answers/holds_soc2_type2",
                data={**data, "csrf_token": token},
                headers={"HX-Request": "true"},
            )
            statuses.append(response.status_code)
            version += 1 if response.status_code == 200 else 0

    def upload() -> None:
        token = csrf_of(uploader, "/portal")
        for report in reports:
            if time.monotonic() >= deadline:
                break
            response = uploader.post(
                "/portal/uploads/soc2_report_file",
                data={"csrf_token": token},
                files={"file": (report.name, report.read_bytes(), "application/pdf")},
            )
            statuses.append(response.status_code)

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(view_pages), pool.submit(read_api), pool.submit(upload)]
        jobs += [pool.submit(save_answers, browser) for browser in portals]
        for job in jobs:
            job.result()

    failures = [status for status in statuses if status >= 500]
    assert len(statuses) > 50 and failures == [], (len(statuses), failures)
