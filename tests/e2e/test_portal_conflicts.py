"""Two tabs editing one answer, and a vendor removing a wrong upload, in the browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from app.reports.models import Document
from app.requests.models import Answer
from tests.e2e.support import LiveServer, PageChecker, watch_console
from tests.e2e.test_portal_edges import send_to_new_vendor, server_session  # noqa: F401

if TYPE_CHECKING:
    from playwright.sync_api import Page

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"


def _open(page: Page, link: str) -> None:
    page.goto(link)
    page.get_by_role("button", name="Continue to the questionnaire").click()
    page.get_by_role("heading", name="SOC reports and independent assurance").wait_for()


def _answer(session: Session, request_id: int, question_id: str) -> object:
    session.rollback()  # a fresh snapshot: the server wrote since this session last read
    row = session.exec(
        select(Answer).where(Answer.request_id == request_id, Answer.question_id == question_id)
    ).first()
    return row.value if row else None


def test_a_second_tab_sees_both_values_and_chooses_without_losing_what_it_typed(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    server_session: Session,  # noqa: F811
    check: PageChecker,
) -> None:
    request, link = send_to_new_vendor(server_session, live_server)
    first = new_page()
    _open(first, link)
    iso = first.locator("#q-iso27001_certified")
    iso.get_by_label("Yes").check()
    iso.locator(".save-status.saved").wait_for()
    second = first.context.new_page()
    errors = watch_console(second)
    second.goto("/portal")
    scope_first = first.locator("#q-iso27001_scope textarea")
    scope_second = second.locator("#q-iso27001_scope textarea")

    scope_first.fill("All services, typed in the first tab")
    first.locator("#q-iso27001_scope .save-status.saved").wait_for()
    scope_second.fill("Payroll only, typed in the second tab")

    clash = second.locator("#q-iso27001_scope [role=alert]")
    clash.get_by_text("changed in another window").wait_for()
    assert clash.locator(".clash-yours").inner_text() == "Payroll only, typed in the second tab"
    assert clash.locator(".clash-saved").inner_text() == "All services, typed in the first tab"
    assert scope_second.input_value() == "Payroll only, typed in the second tab"
    check(second, "portal-answer-conflict")
    clash.get_by_role("button", name="Keep mine").click()
    second.locator("#q-iso27001_scope .save-status.saved").wait_for()
    assert _answer(server_session, request.id or 0, "iso27001_scope") == (
        "Payroll only, typed in the second tab"
    )

    # The other way round: the first tab, now stale, takes the saved answer instead.
    scope_first.fill("A third version from the first tab")
    clash = first.locator("#q-iso27001_scope [role=alert]")
    clash.get_by_role("button", name="Use the saved answer").click()
    first.locator("#q-iso27001_scope [role=alert]").wait_for(state="detached")
    assert scope_first.input_value() == "Payroll only, typed in the second tab"
    scope_first.fill("Payroll and HR, agreed")
    first.locator("#q-iso27001_scope .save-status.saved").wait_for()
    assert _answer(server_session, request.id or 0, "iso27001_scope") == "Payroll and HR, agreed"
    check.console([e for e in errors if "409" not in e], "answer conflict")


def test_a_vendor_removes_a_wrong_upload(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    server_session: Session,  # noqa: F811
    check: PageChecker,
) -> None:
    request, link = send_to_new_vendor(server_session, live_server)
    page = new_page()
    errors = watch_console(page)
    _open(page, link)
    block = page.locator("#q-other_evidence_files")
    block.get_by_label(re.compile("Choose a file")).set_input_files(CORPUS / "a14.pdf")
    block.get_by_role("button", name="Upload").click()
    page.locator("#q-other_evidence_files .documents").get_by_text("a14.pdf", exact=True).wait_for()

    page.get_by_role("button", name="Remove a14.pdf").click()

    page.get_by_role("heading", name="SOC reports and independent assurance").wait_for()
    assert page.locator("#q-other_evidence_files .documents").count() == 0
    assert page.get_by_role("button", name="Remove a14.pdf").count() == 0
    server_session.rollback()
    left = server_session.exec(select(Document).where(Document.request_id == request.id)).all()
    assert left == []
    check(page, "portal-upload-removed")
    check.console(errors, "removing an upload")
