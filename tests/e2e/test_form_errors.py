"""Forms in error, as people meet them in Chromium: the page stays, what was typed stays, the
message sits beside the field; and the audit log read by a risk officer. Axe-checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import LiveServer, PageChecker, portal_link, sign_in, sign_out

if TYPE_CHECKING:
    from playwright.sync_api import Page

VENDOR = "Quillfeather Analytics"
CONTACT = ("Nia Brook", "nia@quillfeather.example")
MESSAGE = "Ahead of the renewal in March, please answer by Friday."


def _error_of(page: Page, field_id: str) -> str:
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    ids = [part for part in described.split() if part.endswith("-error")]
    assert ids, f"{field_id} has no error tied to it"
    return page.locator(f"#{ids[0]}").inner_text()


def test_staff_forms_keep_what_was_typed(
    new_page: Callable[..., Page], check: PageChecker, live_server: LiveServer
) -> None:
    page = new_page()
    sign_in(page, STAFF["procurement"], PASSWORD)
    page.goto("/vendors/new")
    page.get_by_label("Web domain").fill("quillfeather.example")
    page.get_by_role("button", name="Create vendor").click()
    # The browser's own check stops an empty required name; the server's is the same words.
    page.get_by_label("Name", exact=True).fill(VENDOR)
    page.get_by_label("Trust center", exact=True).fill("quillfeather.example/trust")
    page.get_by_role("button", name="Create vendor").click()
    assert (
        _error_of(page, "trust_center_url") == "Enter a web address like https://trust.example.com."
    )
    assert page.get_by_label("Name", exact=True).input_value() == VENDOR
    check(page, "form-error-vendor")
    page.get_by_label("Trust center", exact=True).fill("")
    page.get_by_role("button", name="Create vendor").click()
    page.get_by_role("heading", name=VENDOR).wait_for()

    page.get_by_text("Add a contact").click()
    page.get_by_label("Name", exact=True).last.fill(CONTACT[0])
    page.get_by_label("E-mail").fill("nia@quillfeather")
    page.get_by_role("button", name="Add contact").click()
    assert _error_of(page, "c-email") == "Enter an e-mail address like name@example.com."
    assert page.locator("#c-name").input_value() == CONTACT[0]
    assert "period" not in page.url and "contact_error" not in page.url
    check(page, "form-error-contact")
    page.locator("#c-email").fill(CONTACT[1])
    page.get_by_role("button", name="Add contact").click()

    page.get_by_label("Questionnaire").select_option("soc-assurance")
    page.get_by_label("Due date").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Personal message").fill(MESSAGE)
    page.get_by_role("button", name="Send questionnaire").click()
    assert "cannot be in the past" in _error_of(page, "due_on")
    assert page.get_by_label("Personal message").input_value() == MESSAGE
    page.get_by_role("heading", name=VENDOR).wait_for()
    check(page, "form-error-send")
    page.get_by_label("Due date").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Send questionnaire").click()
    page.get_by_text("Questionnaire sent").wait_for()

    # A staff upload whose trust-center address is not one: the vendor's page stays, as typed.
    page.get_by_role("link", name=re.compile(VENDOR)).first.click()
    page.locator("#document-file").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}]
    )
    page.get_by_text("Obtained from the vendor's trust center").click()
    page.locator("#source-url").fill("quillfeather.example/trust")
    page.get_by_role("button", name="Upload", exact=True).click()
    assert "web address starting https://" in _error_of(page, "source-url")
    assert _error_of(page, "document-file") == "Choose the file again: it was not kept."
    assert page.locator("#source-url").input_value() == "quillfeather.example/trust"
    check(page, "form-error-staff-upload")

    page.goto("/account/api-tokens")
    page.get_by_label("Name", exact=True).fill("GRC sync")
    page.get_by_label("Expires after").fill("999")
    page.get_by_role("button", name="Create token").click()
    assert "from 1 to 366" in _error_of(page, "token-expiry")
    assert page.get_by_label("Name", exact=True).input_value() == "GRC sync"
    check(page, "form-error-api-token")
    sign_out(page)

    # The vendor uploads the wrong kind of file: the reason is beside the upload field.
    link = portal_link(live_server.mails_to(CONTACT[1])[-1])
    vendor = new_page()
    vendor.goto(link)
    vendor.get_by_role("button", name="Continue to the questionnaire").click()
    block = vendor.locator("#q-holds_soc2_type2")
    block.get_by_label("Yes", exact=True).check()
    upload = vendor.locator("#q-soc2_report_file")
    upload.wait_for(state="visible")
    upload.get_by_label(re.compile("Choose a file")).set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"<html>no</html>"}]
    )
    upload.get_by_role("button", name="Upload").click()
    vendor.locator("#f-soc2_report_file-error").wait_for()
    assert "PDF" in _error_of(vendor, "f-soc2_report_file")
    check(vendor, "form-error-portal-upload")


def test_a_risk_officer_reads_the_audit_log_in_words(
    new_page: Callable[..., Page], check: PageChecker
) -> None:
    page = new_page()
    sign_in(page, STAFF["risk_officer"], PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log", level=1).wait_for()
    text = page.locator("main").inner_text()
    assert "user:" not in text
    assert "signed in" not in text  # security events stay with administrators and auditors
    check(page, "audit-log-risk-officer")
