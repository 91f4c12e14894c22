"""Statuses and other stored values read as labels in sentence case ("In progress"), like every
other label of the product, while the CSS classes keep the stored value."""

from __future__ import annotations

import csv
import io
import re

from app.auth.models import Role, User
from app.requests.models import RequestStatus
from tests.factories import make_user, sign_in
from tests.portal_helpers import send_request

PILL = re.compile(r'<span class="pill status-([a-z_]+)">([^<]+)</span>')


def _request_in_progress(session, settings):
    request, _ = send_request(session, settings, name="Orchard Lane")
    request.status = RequestStatus.in_progress
    session.add(request)
    session.flush()
    return request


def test_a_request_status_reads_as_a_label_on_every_staff_page(client, session, settings):
    request = _request_in_progress(session, settings)
    sign_in(client, make_user(session, role=Role.admin))
    for path in (f"/vendors/{request.vendor_id}", f"/requests/{request.id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert ("in_progress", "In progress") in PILL.findall(page.text), path
        assert ">in progress<" not in page.text, path


def test_my_requests_show_labels_in_the_rows_and_the_status_filter(client, session, settings):
    request = _request_in_progress(session, settings)
    sign_in(client, session.get(User, request.created_by_id))
    page = client.get("/requests?status=changes_requested")
    assert page.status_code == 200
    assert '<option value="changes_requested" selected>Changes requested</option>' in page.text
    everything = client.get("/requests")
    assert ("in_progress", "In progress") in PILL.findall(everything.text)
    assert '<option value="in_progress" >In progress</option>' in everything.text


def test_the_dashboard_names_request_statuses_tiers_and_no_request_as_labels(
    client, session, settings
):
    _request_in_progress(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    page = client.get("/")
    assert page.status_code == 200
    assert "<td>In progress</td>" in page.text
    assert ">Changes requested</option>" in page.text
    assert ">No request</option>" in page.text
    assert ">Critical</option>" in page.text
    # The signed-in person's role in the header, too.
    assert " · Risk officer</span>" in page.text


def test_the_dashboard_export_names_the_request_status_as_the_page_does(client, session, settings):
    _request_in_progress(session, settings)
    sign_in(client, make_user(session, role=Role.risk_officer))
    text = client.get("/reviews/export.csv").content.decode("utf-8-sig")
    row = next(row for row in csv.DictReader(io.StringIO(text)) if row["Vendor"] == "Orchard Lane")
    assert row["Request status"] == "In progress"
