"""The questionnaire round trip in a real browser: procurement, the vendor, the risk officer.

The three journeys share one vendor, so they run as one test in order; each step is its own
function named for what the user does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import (
    LiveServer,
    PageChecker,
    portal_link,
    sign_in,
    sign_out,
    text_part,
    watch_console,
)

if TYPE_CHECKING:
    from playwright.sync_api import EventContextManager, Locator, Page, Response

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
VENDOR = "Lumenary Cloud"
CONTACT = ("Vera Lumen", "vera@lumenary.example")


def expect_text(page: Page, text: str) -> None:
    """Wait until the page shows the text (fails after the default timeout)."""
    page.get_by_text(text).first.wait_for()


def question(page: Page, question_id: str) -> Locator:
    return page.locator(f"#q-{question_id}")


def saving(page: Page, question_id: str) -> EventContextManager[Response]:
    """Expect the portal's background save of one answer."""
    return page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/portal/answers/{question_id}")
    )


def settled(page: Page) -> None:
    """Wait until htmx has settled what it last swapped in.

    A question that just appeared gets its save triggers when htmx settles it (20 ms after the
    swap); a person never types that fast, a test does, and its answer would not be saved.
    """
    page.locator(".htmx-added, .htmx-settling").first.wait_for(state="detached")


def choose(page: Page, question_id: str, label: str) -> None:
    """Pick a radio or checkbox answer and wait until the portal says it was saved."""
    settled(page)
    block = question(page, question_id)
    option = block.get_by_label(label, exact=True)
    if option.is_checked():  # pre-answered from the uploaded report
        return
    with saving(page, question_id) as response:
        option.check()
    assert response.value.ok, f"saving {question_id}: HTTP {response.value.status}"
    block.locator(".save-status", has_text="Saved").wait_for()


def type_answer(page: Page, question_id: str, value: str) -> None:
    """Type a text, number or date answer and wait until the portal says it was saved."""
    settled(page)
    block = question(page, question_id)
    field = page.locator(f"#f-{question_id}")
    with saving(page, question_id) as response:
        field.fill(value)
        if field.get_attribute("type") == "date":
            field.dispatch_event("change")
    assert response.value.ok, f"saving {question_id}: HTTP {response.value.status}"
    block.locator(".save-status", has_text="Saved").wait_for()


# -- Journey 1: procurement -----------------------------------------------------------------


def create_vendor(page: Page, check: PageChecker) -> None:
    page.goto("/vendors")
    check(page, "vendors-list-empty")
    page.get_by_role("link", name="New vendor").click()
    check(page, "vendor-new")
    page.get_by_label("Name").fill(VENDOR)
    page.get_by_label("Web domain").fill("lumenary.example")
    page.get_by_label("Services we use").fill("Cloud hosting of the customer portal")
    page.get_by_label("Customer personal data").check()
    page.get_by_label("Inherent risk tier").select_option("high")
    page.get_by_role("button", name="Create vendor").click()
    page.get_by_role("heading", name=VENDOR, level=1).wait_for()


def assess_profile(page: Page, check: PageChecker) -> None:
    page.get_by_role("link", name=re.compile("Assess with the vendor-profile")).click()
    check(page, "vendor-profile-form")
    page.get_by_label("Describe the services this vendor").fill("Hosts our customer portal.")
    page.get_by_label("Who is the internal business owner").fill("Head of Digital")
    page.get_by_label("Personal data about customers", exact=False).check()
    question(page, "personal_data_volume").get_by_label("1,000 to 100,000").check()
    question(page, "system_access").get_by_label("Named user accounts", exact=False).check()
    question(page, "integration_depth").get_by_label("Moderate", exact=False).check()
    question(page, "business_criticality").get_by_label("High", exact=False).check()
    question(page, "uptime_critical").get_by_label("No", exact=True).check()
    question(page, "transaction_processing").get_by_label("No", exact=True).check()
    question(page, "icfr_relevant").get_by_label("No", exact=True).check()
    question(page, "ai_features").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save and derive the inherent tier").click()
    page.get_by_role("heading", name=VENDOR, level=1).wait_for()
    facts = page.locator("dl.facts")
    assert "Reassess" in facts.inner_text(), facts.inner_text()


def add_contact(page: Page) -> None:
    page.get_by_text("Add a contact").click()
    page.get_by_label("Name", exact=True).last.fill(CONTACT[0])
    page.get_by_label("E-mail").fill(CONTACT[1])
    page.get_by_label("Title").fill("Security lead")
    page.get_by_label("Primary contact").check()
    page.get_by_role("button", name="Add contact").click()
    expect_text(page, f"{CONTACT[0]} <{CONTACT[1]}>")


def send_questionnaire(page: Page, check: PageChecker, server: LiveServer) -> str:
    check(page, "vendor-detail")
    page.get_by_label("Questionnaire").select_option("soc-assurance")
    page.get_by_label("Due date").fill((date.today() + timedelta(days=21)).isoformat())
    page.get_by_label("Personal message").fill("Please send your latest SOC 2 report.")
    page.get_by_role("button", name="Send questionnaire").click()
    expect_text(page, "Questionnaire sent")
    check(page, "request-detail-sent")
    invitations = server.mails_to(CONTACT[1])
    assert len(invitations) == 1
    assert "Please send your latest SOC 2 report." in text_part(invitations[0])
    return portal_link(invitations[0])


# -- Journey 2: the vendor ------------------------------------------------------------------


def open_link(page: Page, link: str) -> None:
    page.goto(link)
    page.get_by_role("button", name="Continue to the questionnaire").click()
    page.get_by_role("heading", name="SOC reports and independent assurance").wait_for()


def conditional_questions_follow_answers(page: Page) -> None:
    status, date_asked = (
        question(page, "soc2_audit_status"),
        question(page, "soc2_expected_report_date"),
    )
    soc2_file = question(page, "soc2_report_file")
    assert status.is_hidden() and soc2_file.is_hidden()
    choose(page, "holds_soc2_type2", "No")
    status.wait_for(state="visible")
    choose(page, "soc2_audit_status", "A SOC 2 Type 2 audit period is under way")
    date_asked.wait_for(state="visible")
    choose(page, "holds_soc2_type2", "Yes")
    status.wait_for(state="hidden")
    date_asked.wait_for(state="hidden")
    soc2_file.wait_for(state="visible")


def upload_report(page: Page, check: PageChecker) -> None:
    block = question(page, "soc2_report_file")
    block.get_by_label(re.compile("Choose a file")).set_input_files(CORPUS / "a01.pdf")
    block.get_by_role("button", name="Upload").click()
    expect_text(page, "File uploaded and read.")
    read = question(page, "soc2_report_file").locator(".read-result")
    assert "SOC 2" in read.inner_text(), read.inner_text()
    check(page, "portal-uploaded")


def answer_the_rest(page: Page) -> None:
    choose(page, "primary_soc_report", "SOC 2 report")
    choose(page, "soc2_report_type", "Type 2 (operating effectiveness over a period)")
    type_answer(page, "soc2_period_start", "2023-01-01")
    type_answer(page, "soc2_period_end", "2023-12-31")
    type_answer(page, "soc2_service_auditor", "Halvorsen & Pike LLP")
    for label in ("Security", "Availability", "Confidentiality"):
        choose(page, "soc2_criteria", label)
    choose(page, "soc2_opinion", "Unqualified (a clean opinion)")
    choose(page, "soc2_has_exceptions", "Yes")
    question(page, "soc2_exceptions_count").wait_for(state="visible")
    choose(page, "soc2_has_exceptions", "No")
    question(page, "soc2_exceptions_count").wait_for(state="hidden")
    choose(
        page,
        "soc2_subservice_method",
        "Carve-out method (their controls are excluded from the report)",
    )
    type_answer(page, "soc2_subservice_organizations", "Amazon Web Services, Inc. (hosting)")
    choose(page, "soc2_subservice_monitoring", "Yes")
    choose(page, "soc2_has_cuecs", "Yes")
    type_answer(page, "soc2_cuec_list", "Customers review user access quarterly.")
    choose(page, "has_bridge_letter", "No")
    choose(page, "affects_financial_reporting", "No")
    choose(page, "iso27001_certified", "No")


def submit_twice(page: Page, check: PageChecker, server: LiveServer) -> None:
    stale_tab = page.context.new_page()
    stale_tab.goto("/portal")
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("heading", name=re.compile("your answers were submitted")).wait_for()
    check(page, "portal-receipt")
    # The vendor presses Submit again in a tab opened before the first submit.
    stale_tab.get_by_role("button", name="Submit answers").click()
    stale_tab.get_by_role("heading", name=re.compile("your answers were submitted")).wait_for()
    check(stale_tab, "portal-double-submit")
    stale_tab.close()
    receipts = [m for m in server.mails_to(CONTACT[1]) if "receipt" in m["Subject"].lower()]
    assert len(receipts) == 1, [m["Subject"] for m in server.mails_to(CONTACT[1])]


# -- Journey 3: the risk officer ------------------------------------------------------------


def find_on_dashboard(page: Page, check: PageChecker) -> str:
    page.goto("/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=VENDOR))
    row.wait_for()
    check(page, "dashboard")
    score = row.locator("td").first.inner_text().split()[0]
    assert score.replace(".", "").isdigit(), row.inner_text()
    return score


def follow_evidence(page: Page, check: PageChecker) -> None:
    page.get_by_role("link", name=VENDOR).click()
    page.get_by_role("heading", name=f"Review: {VENDOR}").wait_for()
    check(page, "review")
    page.locator("#factors > summary").click()
    page.locator("#factors ul.evidence a").first.click()
    page.get_by_role("heading", name="Restricted-use report").wait_for()
    check(page, "acknowledge")
    page.get_by_label(re.compile("I will use these reports only")).check()
    page.get_by_role("button", name="Continue to the report").click()
    page.get_by_role("heading", name=re.compile(r"a01\.pdf — page \d+")).wait_for()
    page.locator("mark#quote").wait_for()
    check(page, "evidence")


def download_report(page: Page) -> None:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report").click()
    saved = download_info.value.path()
    assert Path(saved).read_bytes() == (CORPUS / "a01.pdf").read_bytes()


def approve_with_conditions(page: Page, check: PageChecker) -> None:
    page.get_by_role("link", name=f"Back to {VENDOR}").click()
    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Reason (required)").fill("Report is sound; the period is old.")
    page.get_by_label("Conditions (for an approval").fill("Send the 2024 report by March.")
    page.get_by_label("Follow-up date").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect_text(page, "Decision recorded.")
    assert "Send the 2024 report by March." in page.locator(".current-decision").inner_text()
    page.locator("#decisions > summary").click()
    history = page.get_by_role("region", name="Decision history")
    assert "Send the 2024 report by March." in history.inner_text()
    check(page, "review-decided")


def export_dashboard(page: Page, score: str) -> None:
    page.goto("/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    header = [str(cell or "").lower() for cell in rows[0]]
    mine = [row for row in rows[1:] if VENDOR in row]
    assert len(mine) == 1, rows
    cells = dict(zip(header, mine[0], strict=False))
    assert float(cells["final score"]) == float(score), cells
    assert str(cells["latest decision"]).lower() == "approved with conditions", cells
    assert cells["follow-up on"] is not None, cells


def test_questionnaire_round_trip_from_invitation_to_decision(
    new_page: Callable[..., Page], live_server: LiveServer, check: PageChecker
) -> None:
    buyer = new_page()
    buyer_errors = watch_console(buyer)
    sign_in(buyer, STAFF["procurement"], PASSWORD)
    create_vendor(buyer, check)
    assess_profile(buyer, check)
    add_contact(buyer)
    link = send_questionnaire(buyer, check, live_server)
    check.console(buyer_errors, "procurement")

    vendor = new_page()
    vendor_errors = watch_console(vendor)
    vendor.goto(link)
    check(vendor, "portal-landing")
    open_link(vendor, link)
    check(vendor, "portal-questionnaire")
    conditional_questions_follow_answers(vendor)
    type_answer(vendor, "soc2_service_auditor", "Halvorsen")
    vendor.context.close()

    vendor = new_page()
    vendor_errors += watch_console(vendor)
    open_link(vendor, link)
    assert question(vendor, "holds_soc2_type2").get_by_label("Yes", exact=True).is_checked()
    assert vendor.locator("#f-soc2_service_auditor").input_value() == "Halvorsen"
    upload_report(vendor, check)
    answer_the_rest(vendor)
    check(vendor, "portal-answered")
    submit_twice(vendor, check, live_server)
    check.console(vendor_errors, "vendor portal")

    sign_out(buyer)
    officer = buyer
    sign_in(officer, STAFF["risk_officer"], PASSWORD)
    score = find_on_dashboard(officer, check)
    follow_evidence(officer, check)
    download_report(officer)
    approve_with_conditions(officer, check)
    export_dashboard(officer, score)
    check.console(buyer_errors, "risk officer")
