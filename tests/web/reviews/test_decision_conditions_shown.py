"""The conditions of an approval read as the list the risk officer typed."""

from __future__ import annotations

import re
from datetime import timedelta

from app.core.db import utcnow
from tests.factories import make_user, make_vendor, post_form, sign_in
from tests.web.reviews.helpers import add_document, report_facts


def test_each_condition_keeps_its_own_line(client, session, settings):
    vendor = make_vendor(session, name="Decided Co")
    add_document(
        session, settings, vendor, facts=report_facts(utcnow().date() - timedelta(days=30))
    )
    sign_in(client, make_user(session))
    data = {
        "outcome": "approved_with_conditions",
        "reason": "Pen test pending",
        "conditions": "Provide a penetration-test summary\nAdd MFA for support staff",
        "follow_up_on": (utcnow().date() + timedelta(days=60)).isoformat(),
    }
    assert post_form(client, f"/vendors/{vendor.id}/decisions", data).status_code == 303
    page = client.get(f"/vendors/{vendor.id}/review").text
    shown = re.search(r'Conditions: <span class="pre-line">(.*?)</span>', page, re.S)
    assert shown is not None
    assert shown.group(1).splitlines() == [
        "Provide a penetration-test summary",
        "Add MFA for support staff",
    ]
