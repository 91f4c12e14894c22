"""An AI-provider questionnaire in a real browser: sent, answered (with a report kept in the
vendor's trust center), and reviewed with the AI findings and the report's provenance."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tests.e2e.conftest import PASSWORD, STAFF
from tests.e2e.support import LiveServer, PageChecker, portal_link, sign_in, sign_out, watch_console
from tests.e2e.test_journeys import (
    choose,
    expect_text,
    question,
    saving,
    settled,
    type_answer,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
VENDOR = "Quillwork Assist"
CONTACT = ("Ada Quill", "ada@quillwork.example")
TRUST_CENTER = "https://trust.quillwork.example/soc2"


def send_the_ai_questionnaire(page: Page, check: PageChecker, server: LiveServer) -> str:
    page.goto("/vendors/new")
    page.get_by_label("Name").fill(VENDOR)
    page.get_by_label("Web domain").fill("quillwork.example")
    page.get_by_label("The service we use has AI features").check()
    page.get_by_label("Our data reaches its AI features").check()
    page.get_by_label("Inherent risk tier").select_option("high")
    page.get_by_role("button", name="Create vendor").click()
    page.get_by_role("heading", name=VENDOR, level=1).wait_for()
    page.get_by_text("Add a contact").click()
    page.get_by_label("Name", exact=True).last.fill(CONTACT[0])
    page.get_by_label("E-mail").fill(CONTACT[1])
    page.get_by_label("Primary contact").check()
    page.get_by_role("button", name="Add contact").click()
    expect_text(page, f"{CONTACT[0]} <{CONTACT[1]}>")
    page.get_by_label("Questionnaire").select_option("ai-provider")
    page.get_by_role("button", name="Send questionnaire").click()
    expect_text(page, "Questionnaire sent")
    check(page, "ai-request-sent")
    (invitation,) = server.mails_to(CONTACT[1])
    return portal_link(invitation)


def answer_about_the_ai_features(page: Page) -> None:
    assert question(page, "trains_on_customer_data").is_hidden()
    choose(page, "ai_features_offered", "Yes")
    question(page, "trains_on_customer_data").wait_for(state="visible")
    type_answer(page, "ai_features_description", "Ticket summaries; customers can turn them off.")
    choose(page, "ai_data_received", "Prompts and other text that users type")
    choose(page, "trains_on_customer_data", "No")
    assert question(page, "training_opt_out").is_hidden()
    choose(page, "prompt_retention", "Up to 30 days")
    choose(page, "retention_configurable", "Yes")
    choose(page, "uses_third_party_models", "Yes")
    choose(
        page, "model_provider_offerings", "A consumer or free plan of a model provider's app or API"
    )
    type_answer(page, "model_providers_list", "Example Models (free plan), inference only.")
    choose(page, "model_provider_training_terms", "No")
    choose(page, "inference_regions", "European Economic Area")
    choose(page, "pre_release_evaluation", "Yes")
    choose(page, "red_teaming", "Our own team only")
    choose(page, "prompt_injection_testing", "Yes")
    choose(page, "ai_incident_notification", "Yes")
    type_answer(page, "ai_incident_notice_hours", "72")
    choose(page, "model_change_notice", "Release notes when the change is made")
    choose(page, "ai_act_role", "Deployer (we use an AI system supplied by another company)")
    choose(page, "ai_act_high_risk", "No")
    choose(page, "iso42001_certified", "No")
    choose(page, "iso42001_status", "Certification is not planned")
    choose(page, "ai_in_soc2_scope", "Yes")


def attach_the_report_from_the_trust_center(page: Page, check: PageChecker) -> None:
    block = question(page, "soc2_report_trust_center")
    block.wait_for(state="visible")
    settled(page)
    with saving(page, "soc2_report_trust_center") as response:
        block.get_by_label("Terms that apply to downloading it").select_option("nda")
    assert response.value.ok
    type_answer(page, "soc2_report_trust_center", TRUST_CENTER)
    block.get_by_label(re.compile("Choose a file")).set_input_files(CORPUS / "a01.pdf")
    block.get_by_role("button", name="Upload").click()
    expect_text(page, "File uploaded and read.")
    kept = question(page, "soc2_report_trust_center")
    assert f"From {TRUST_CENTER}" in kept.inner_text(), kept.inner_text()
    check(page, "portal-ai-answered")


def review_sees_findings_and_provenance(page: Page, check: PageChecker) -> None:
    page.goto("/vendors")
    page.get_by_role("link", name=VENDOR).click()
    page.get_by_role("heading", name=VENDOR, level=1).wait_for()
    page.goto(page.url.rstrip("/") + "/review")
    page.get_by_role("heading", name=f"Review: {VENDOR}").wait_for()
    findings = page.locator("section", has=page.locator("#findings")).inner_text()
    assert "Ask the vendor whether training is switched off" in findings, findings
    document = page.locator("details.document", has=page.locator(".provenance")).first
    document.locator("summary").click()
    provenance = document.locator(".provenance").inner_text()
    assert TRUST_CENTER in provenance and "non-disclosure agreement" in provenance, provenance
    check(page, "review-ai-vendor")


def test_an_ai_provider_questionnaire_is_sent_answered_and_reviewed(
    new_page: Callable[..., Page], live_server: LiveServer, check: PageChecker
) -> None:
    buyer = new_page()
    buyer_errors = watch_console(buyer)
    sign_in(buyer, STAFF["procurement"], PASSWORD)
    link = send_the_ai_questionnaire(buyer, check, live_server)
    check.console(buyer_errors, "procurement")

    vendor = new_page()
    vendor_errors = watch_console(vendor)
    vendor.goto(link)
    vendor.get_by_role("button", name="Continue to the questionnaire").click()
    vendor.get_by_role("heading", name="AI features and model providers").wait_for()
    answer_about_the_ai_features(vendor)
    attach_the_report_from_the_trust_center(vendor, check)
    vendor.get_by_role("button", name="Submit answers").click()
    vendor.get_by_role("heading", name=re.compile("your answers were submitted")).wait_for()
    check.console(vendor_errors, "vendor portal")

    sign_out(buyer)
    sign_in(buyer, STAFF["risk_officer"], PASSWORD)
    review_sees_findings_and_provenance(buyer, check)
    check.console(buyer_errors, "risk officer")
