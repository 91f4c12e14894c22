from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.core.ratelimit import RateLimiter
from app.questionnaires.loader import LIBRARY_ROOT, load_definition_file
from app.questionnaires.spreadsheet import EXPORT_COLUMNS
from tests.factories import csrf_token, make_user, sign_in

MISWORDED = """\
slug: misworded
version: 1
title: Assurance check
description: A short questionnaire with wording problems.
sections:
  - id: assurance
    title: Assurance
    questions:
      - id: soc2_certified
        type: yes_no
        text: Are you SOC 2 certified?
      - id: soc2_report
        type: file_upload
        text: Please upload your most recent SOC 2 Type 2 report.
        document_kinds: [soc2_report]
        show_if:
          question: soc2_certified
          equals: "yes"
      - id: formula_text
        type: short_text
        text: '=HYPERLINK("https://evil.example","Click")'
        required: false
"""

GOOD_CSV = (
    "section,question,type,choices,required,help\r\n"
    "Assurance,Do you hold a current SOC 2 Type 2 report?,yes/no,,yes,\r\n"
    "Assurance,Is your organisation ISO 27001 compliant?,yes/no,,yes,\r\n"
    'Hosting,Where is our data stored?,single choice,"eu: European Union;us: United States",yes,\r\n'
)
BAD_CSV = (
    "section,question,type,choices,required,help\r\n"
    "Assurance,Do you hold a current SOC 2 Type 2 report?,yes/no,,yes,\r\n"
    "Assurance,Describe your backups.,essay,,yes,\r\n"
    "Assurance,,yes/no,,maybe,\r\n"
)


@pytest.fixture
def library_dir(app, tmp_path: Path) -> Path:
    """Point the application at an empty library folder of its own."""
    root = tmp_path / "library"
    root.mkdir()
    app.state.settings = app.state.settings.model_copy(update={"questionnaire_dir": root})
    return root


@pytest.fixture
def misworded_library(library_dir: Path) -> Path:
    folder = library_dir / "misworded"
    folder.mkdir()
    (folder / "v1.yaml").write_text(MISWORDED, encoding="utf-8")
    return library_dir


def _import(
    client, csv_text: str, *, slug: str = "cloud-hosting", filename: str = "q.csv", **extra
):
    # The token comes first in the multipart body, before the file, as the page's form sends it.
    token = csrf_token(client, "/questionnaires")
    fields = {"csrf_token": token, "slug": slug, "title": "Cloud hosting", **extra}
    files = {"file": (filename, csv_text.encode("utf-8"), "text/csv")}
    return client.post("/questionnaires/import", data=fields, files=files, follow_redirects=False)


def test_library_lists_every_released_questionnaire(client, session):
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/questionnaires")
    assert page.status_code == 200
    released = json.loads((LIBRARY_ROOT / "released.json").read_text())
    for key, digest in released.items():
        slug = key.split("/")[0]
        loaded = load_definition_file(LIBRARY_ROOT / f"{key}.yaml")
        assert loaded.definition.title in page.text
        assert f"/questionnaires/{slug}/v1" in page.text
        assert digest[:12] not in page.text  # titles for people, not content hashes
    assert len(released) == 5
    assert '/questionnaires">Questionnaires</a>' in page.text  # the navigation link


def test_library_folder_without_definitions_shows_an_empty_state(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    page = client.get("/questionnaires")
    assert "The questionnaire library is empty" in page.text
    assert "Import a spreadsheet" in page.text


def test_library_list_shows_lint_status_of_each_version(client, session, misworded_library):
    sign_in(client, make_user(session))
    page = client.get("/questionnaires")
    assert "Assurance check" in page.text
    assert "1 error" in page.text


def test_library_list_reports_a_file_that_does_not_validate(client, session, library_dir):
    (library_dir / "broken").mkdir()
    (library_dir / "broken" / "v1.yaml").write_text("slug: broken\nversion: 1\n", "utf-8")
    sign_in(client, make_user(session))
    page = client.get("/questionnaires")
    assert page.status_code == 200
    assert "Does not validate" in page.text


def test_preview_shows_questions_read_only_with_conditions_and_findings(
    client, session, misworded_library
):
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/questionnaires/misworded/v1")
    assert page.status_code == 200
    assert "Are you SOC 2 certified?" in page.text
    assert "Please upload your most recent SOC 2 Type 2 report." in page.text
    assert "Shown only when the answer to “Are you SOC 2 certified?” is “Yes”." in page.text
    assert "soc-certification" in page.text
    assert (
        "Suggested rewording: Ask &#39;Do you hold a current SOC 2 Type 2 report?&#39;" in page.text
    )
    # Read-only: there is no form to save or submit answers and no file input.
    assert 'id="answers-form"' not in page.text
    assert 'type="file"' not in page.text


def test_preview_answer_fields_are_disabled(client, session, misworded_library):
    sign_in(client, make_user(session))
    page = client.get("/questionnaires/misworded/v1")
    assert re.search(r"<fieldset disabled[\s>]", page.text)


def test_preview_of_a_missing_version_is_404(client, session, misworded_library):
    sign_in(client, make_user(session))
    assert client.get("/questionnaires/misworded/v2").status_code == 404
    assert client.get("/questionnaires/unknown/v1").status_code == 404


def test_check_wording_flags_soc_certification_as_an_error(client, session):
    sign_in(client, make_user(session, role=Role.auditor))
    page = client.get("/questionnaires/check", params={"text": "Are you SOC 2 certified?"})
    assert page.status_code == 200
    assert "Result: 1 error" in page.text
    assert "soc-certification" in page.text
    assert "Error" in page.text


def test_check_wording_passes_a_correctly_worded_question(client, session):
    sign_in(client, make_user(session))
    text = "Do you hold a current SOC 2 Type 2 report?"
    page = client.get("/questionnaires/check", params={"text": text})
    assert "Result: clean" in page.text
    assert "No findings: this wording passes every rule." in page.text


def test_check_wording_without_text_shows_only_the_box(client, session):
    sign_in(client, make_user(session))
    page = client.get("/questionnaires/check")
    assert page.status_code == 200
    assert "Result:" not in page.text


def test_import_of_a_good_csv_writes_v1_and_shows_its_lint_report(client, session, library_dir):
    user = make_user(session, role=Role.procurement)
    sign_in(client, user)
    response = _import(client, GOOD_CSV)
    assert response.status_code == 303
    assert response.headers["location"] == "/questionnaires/cloud-hosting/v1?imported=true"
    loaded = load_definition_file(library_dir / "cloud-hosting" / "v1.yaml")
    assert loaded.definition.title == "Cloud hosting"
    assert next(loaded.definition.questions()).text.startswith("Do you hold")
    page = client.get(response.headers["location"])
    assert "Imported as a draft, version 1" in page.text
    assert "iso27001-compliance" in page.text
    assert loaded.content_hash in page.text
    (event,) = session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "questionnaire.imported")
    ).all()
    assert (event.actor, event.subject_id) == (f"user:{user.id}", "cloud-hosting/v1")
    assert event.data["content_hash"] == loaded.content_hash
    assert event.data["file"] == "q.csv"


def test_a_second_import_of_the_same_slug_writes_the_next_version(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.risk_officer))
    assert _import(client, GOOD_CSV).status_code == 303
    response = _import(client, GOOD_CSV)
    assert response.headers["location"].startswith("/questionnaires/cloud-hosting/v2")
    assert (library_dir / "cloud-hosting" / "v1.yaml").is_file()
    assert (library_dir / "cloud-hosting" / "v2.yaml").is_file()


def test_import_of_a_bad_csv_lists_row_errors_and_writes_nothing(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    response = _import(client, BAD_CSV)
    assert response.status_code == 422
    assert "Nothing was written" in response.text
    assert "<td>3</td><td>type</td><td>unknown type &#39;essay&#39;</td>" in response.text
    assert "<td>4</td><td>question</td><td>question is empty</td>" in response.text
    assert "<td>4</td><td>required</td>" in response.text
    assert list(library_dir.iterdir()) == []


def test_import_refuses_a_file_that_is_not_a_spreadsheet(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    response = _import(client, GOOD_CSV, filename="questions.txt")
    assert response.status_code == 422
    assert "is not a questionnaire file: upload a .xlsx, .csv or .json file" in response.text
    assert list(library_dir.iterdir()) == []


def test_import_refuses_a_bad_slug_and_keeps_what_was_typed(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    response = _import(client, GOOD_CSV, slug="../Cloud Hosting")
    assert response.status_code == 422
    assert "Use lower-case words joined by" in response.text
    assert 'value="Cloud hosting"' in response.text
    assert list(library_dir.iterdir()) == []


def test_import_of_an_unreadable_xlsx_is_a_row_one_error(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    response = _import(client, "not a workbook", filename="q.xlsx")
    assert response.status_code == 422
    assert "not a readable .xlsx file" in response.text
    assert list(library_dir.iterdir()) == []


def test_check_only_import_shows_the_lint_report_and_writes_nothing(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    response = _import(client, GOOD_CSV, check_only="true")
    assert response.status_code == 200
    assert "Checked only; nothing was written" in response.text
    assert "cloud-hosting v1 with 3 questions" in response.text
    assert "iso27001-compliance" in response.text
    assert list(library_dir.iterdir()) == []
    imported = select(AuditEvent).where(col(AuditEvent.action) == "questionnaire.imported")
    assert session.exec(imported).all() == []


def test_export_xlsx_opens_with_openpyxl_and_keeps_formulas_as_text(
    client, session, misworded_library
):
    sign_in(client, make_user(session, role=Role.auditor))
    response = client.get("/questionnaires/misworded/v1/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="misworded-v1.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == EXPORT_COLUMNS
    assert [row[1] for row in rows[1:]] == [
        "Are you SOC 2 certified?",
        "Please upload your most recent SOC 2 Type 2 report.",
        '\'=HYPERLINK("https://evil.example","Click")',
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_csv_of_a_library_questionnaire_has_one_row_per_question(client, session):
    sign_in(client, make_user(session))
    response = client.get("/questionnaires/soc-assurance/v1/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    loaded = load_definition_file(LIBRARY_ROOT / "soc-assurance" / "v1.yaml")
    assert len(rows) == 1 + sum(1 for _ in loaded.definition.questions())


def test_exports_are_rate_limited(app, client, session):
    app.state.rate_limiter = RateLimiter({"export": "2/hour"})
    sign_in(client, make_user(session))
    statuses = [
        client.get("/questionnaires/soc-assurance/v1/export.xlsx").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_auditor_can_read_but_cannot_import(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.auditor))
    assert client.get("/questionnaires").status_code == 200
    assert "Import a spreadsheet" not in client.get("/questionnaires").text
    assert client.get("/questionnaires/import").status_code == 403
    assert _import(client, GOOD_CSV).status_code == 403
    assert list(library_dir.iterdir()) == []


@pytest.mark.parametrize(
    "path",
    [
        "/questionnaires",
        "/questionnaires/check?text=x",
        "/questionnaires/soc-assurance/v1",
        "/questionnaires/soc-assurance/v1/export.csv",
        "/questionnaires/import",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_every_released_questionnaire_previews_with_its_answer_fields(client, session):
    sign_in(client, make_user(session, role=Role.procurement))
    released = json.loads((LIBRARY_ROOT / "released.json").read_text())
    for key in released:
        slug, version = key.split("/")
        page = client.get(f"/questionnaires/{slug}/{version}")
        assert page.status_code == 200, key
    # The trust-center question lists its terms in words, as the vendor sees them.
    page = client.get("/questionnaires/ai-provider/v1").text
    assert "Sign a non-disclosure agreement" in page
