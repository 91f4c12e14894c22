"""Exports of the dashboard view and of one vendor's review, and the expiring-soon page."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl

from app.auth.models import Role
from app.core.db import utcnow
from app.remediation import service as remediation_service
from app.remediation.schemas import ItemForm
from app.vendors.models import InherentTier
from tests.factories import make_user, make_vendor, sign_in
from tests.web.reviews.helpers import add_document, report_facts


def _vendor(session, settings, name, *, days_ago=30, tier=InherentTier.high):
    vendor = make_vendor(session, name=name, inherent_tier=tier)
    end = utcnow().date() - timedelta(days=days_ago)
    add_document(session, settings, vendor, facts=report_facts(end), content=name.encode())
    return vendor


def test_dashboard_csv_follows_the_filters_and_escapes_formulas(client, session, settings):
    _vendor(session, settings, '=HYPERLINK("http://evil")', tier=InherentTier.low)
    _vendor(session, settings, "Other Tier Co", tier=InherentTier.critical)
    sign_in(client, make_user(session))
    response = client.get("/reviews/export.csv?tier=low")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="diligence-dashboard-'
    )
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "Other Tier Co" not in text
    assert text.splitlines()[0].startswith("Vendor,Inherent tier,Final score")


def test_dashboard_exports_count_overdue_remediation_and_missing_requirements(
    client, session, settings
):
    vendor = _vendor(session, settings, "Behind Co", tier=InherentTier.critical)
    officer = make_user(session)
    for days in (-5, -1, 20):
        remediation_service.create_item(
            session, vendor_id=vendor.id, actor=f"user:{officer.id}", user_id=officer.id,
            form=ItemForm(required_change="Fix it", due_on=utcnow().date() + timedelta(days=days)),
        )  # fmt: skip
    sign_in(client, officer)
    text = client.get("/reviews/export.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    behind = next(row for row in rows if row["Vendor"] == "Behind Co")
    assert behind["Overdue remediation items"] == "2"
    assert int(behind["Missing requirements"]) >= 1  # a critical vendor owes more than a report
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/reviews/export.xlsx").content))
    header, *values = list(workbook.active.values)
    row = dict(zip(header, next(v for v in values if v[0] == "Behind Co"), strict=True))
    assert row["Overdue remediation items"] == 2
    assert row["Missing requirements"] == int(behind["Missing requirements"])


def test_dashboard_xlsx_has_no_formulas_and_keeps_numbers_as_numbers(client, session, settings):
    _vendor(session, settings, "+cmd|' /C calc'!A0")
    sign_in(client, make_user(session))
    response = client.get("/reviews/export.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "'+cmd|' /C calc'!A0"
    assert isinstance(rows[1][2], int | float)


def test_vendor_review_export_has_facts_factors_findings_and_decisions(client, session, settings):
    vendor = _vendor(session, settings, "Exported Co")
    sign_in(client, make_user(session))
    response = client.get(f"/vendors/{vendor.id}/review/export.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary",
        "Answers vs facts",
        "Facts",
        "Factors",
        "Findings",
        "Decisions",
    ]
    csv_text = client.get(f"/vendors/{vendor.id}/review/export.csv").content.decode("utf-8-sig")
    assert "Exported Co" in csv_text and "Factors" in csv_text


def test_exports_need_the_export_permission_and_are_rate_limited(client, session, settings):
    vendor = _vendor(session, settings, "Limited Co")
    sign_in(client, make_user(session, role=Role.procurement))
    assert client.get("/reviews/export.csv").status_code == 403
    assert client.get(f"/vendors/{vendor.id}/review/export.csv").status_code == 403
    sign_in(client, make_user(session))
    statuses = [client.get("/reviews/export.csv").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_expiring_page_lists_reports_that_stop_being_current_soon_and_lapsed_ones(
    client, session, settings
):
    _vendor(session, settings, "Expires Soon Co", days_ago=350)
    _vendor(session, settings, "Lapsed Co", days_ago=400)
    _vendor(session, settings, "Fresh Co", days_ago=10)
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/reviews/expiring?days=30")
    assert page.status_code == 200
    assert "Expires Soon Co" in page.text and "15 days left" in page.text
    assert "Lapsed Co" in page.text and "lapsed 35 days ago" in page.text
    assert "Fresh Co" not in page.text
    assert "Fresh Co" in client.get("/reviews/expiring?days=400").text
