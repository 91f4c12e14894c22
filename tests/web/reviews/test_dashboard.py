"""The dashboard: summary columns, server-side filters, sorting, search and pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth.models import Role
from app.core.db import utcnow
from app.reviews.domain.reassessment import add_months
from app.reviews.models import Decision, DecisionOutcome, VendorReview
from app.vendors.models import InherentTier
from tests.factories import make_user, make_vendor, sign_in
from tests.web.reviews.helpers import add_document, report_facts


def _vendor_with_report(session, settings, name, *, days_ago, **facts):
    vendor = make_vendor(session, name=name)
    end = utcnow().date() - timedelta(days=days_ago)
    add_document(session, settings, vendor, facts=report_facts(end, **facts))
    return vendor


def test_dashboard_shows_score_band_report_and_when_it_stops_being_current(
    client, session, settings
):
    vendor = _vendor_with_report(session, settings, "Lumenary Cloud", days_ago=30)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/")
    assert page.status_code == 200
    summary = session.get(VendorReview, vendor.id)
    assert summary is not None and summary.band is not None
    assert summary.current_until == utcnow().date() - timedelta(days=30) + timedelta(days=365)
    assert "Lumenary Cloud" in page.text
    assert "SOC 2 Type 2" in page.text
    assert summary.current_until.isoformat() in page.text
    assert f"/vendors/{vendor.id}/review" in page.text


def test_filter_for_reports_that_stop_being_current_within_sixty_days(client, session, settings):
    _vendor_with_report(session, settings, "Soon Expiring Co", days_ago=330)
    _vendor_with_report(session, settings, "Fresh Report Co", days_ago=20)
    sign_in(client, make_user(session))
    page = client.get("/?currency=expiring")
    assert "Soon Expiring Co" in page.text
    assert "Fresh Report Co" not in page.text


def test_filter_for_contradictions_and_for_vendors_without_a_decision(client, session, settings):
    decided = _vendor_with_report(session, settings, "Decided Vendor", days_ago=20)
    _vendor_with_report(session, settings, "Undecided Vendor", days_ago=20)
    session.add(Decision(vendor_id=decided.id, outcome=DecisionOutcome.approved, reason="fine"))
    session.flush()
    sign_in(client, make_user(session))
    page = client.get("/?no_decision=1")
    assert "Undecided Vendor" in page.text
    assert "Decided Vendor" not in page.text
    assert "Undecided Vendor" not in client.get("/?contradictions=1").text


def test_filters_by_band_and_tier_and_searches_by_name(client, session, settings):
    _vendor_with_report(session, settings, "Strong Alpha", days_ago=20)
    weak = make_vendor(session, name="Weak Beta", inherent_tier=InherentTier.low)
    sign_in(client, make_user(session))
    strong_band = session.get(VendorReview, weak.id)
    assert strong_band is None or strong_band.band is None
    assert "Strong Alpha" in client.get("/?band=A").text
    assert "Weak Beta" not in client.get("/?band=A").text
    assert "Weak Beta" in client.get("/?tier=low").text
    assert "Strong Alpha" not in client.get("/?tier=low").text
    searched = client.get("/?q=alpha")
    assert "Strong Alpha" in searched.text and "Weak Beta" not in searched.text


def test_sorting_by_score_puts_the_lowest_first(client, session, settings):
    _vendor_with_report(session, settings, "Zulu Good", days_ago=20)
    _vendor_with_report(session, settings, "Alpha Qualified", days_ago=20, opinion="qualified")
    sign_in(client, make_user(session))
    text = client.get("/?sort=score").text
    assert text.index("Alpha Qualified") < text.index("Zulu Good")
    text = client.get("/?sort=-score").text
    assert text.index("Zulu Good") < text.index("Alpha Qualified")


def test_dashboard_paginates_and_keeps_the_filters_in_the_links(client, session):
    for number in range(27):
        make_vendor(session, name=f"Paged Vendor {number:02d}", inherent_tier=InherentTier.low)
    sign_in(client, make_user(session))
    first = client.get("/?tier=low")
    assert "Page 1 of 2" in first.text
    assert "tier=low&amp;page=2" in first.text
    assert "Paged Vendor 26" in client.get("/?tier=low&page=2").text


@pytest.mark.parametrize("query", ["band=Z", "sort=drop", "status=bogus"])
def test_an_unknown_filter_value_is_refused(client, session, query):
    sign_in(client, make_user(session))
    assert client.get(f"/?{query}").status_code == 422


def test_visitors_see_the_welcome_page_not_vendors(client, session, settings):
    _vendor_with_report(session, settings, "Hidden Vendor", days_ago=20)
    page = client.get("/")
    assert page.status_code == 200
    assert "Hidden Vendor" not in page.text


def test_review_due_and_overdue_filters_and_column(client, session, settings):
    today = utcnow().date()
    decided = {"Due Soon Co": 355, "Overdue Co": 400, "Recent Co": 30}  # days ago, high tier
    for name, days in decided.items():
        vendor = make_vendor(session, name=name, inherent_tier=InherentTier.high)
        session.add(
            Decision(
                vendor_id=vendor.id,
                outcome=DecisionOutcome.approved,
                reason="ok",
                decided_at=utcnow() - timedelta(days=days),
            )
        )
    make_vendor(session, name="Undecided Co")
    session.flush()
    sign_in(client, make_user(session, role=Role.procurement))
    due = client.get("/?review=due").text
    assert "Due Soon Co" in due and "Overdue Co" not in due and "Recent Co" not in due
    assert "Review due" in due
    overdue = client.get("/?review=overdue").text
    assert "Overdue Co" in overdue and "Due Soon Co" not in overdue
    assert "Review overdue" in overdue
    everyone = client.get("/").text
    assert "Next review" in everyone and "Undecided Co" in everyone
    due_on = add_months(today - timedelta(days=355), 12)
    assert due_on.isoformat() in due
