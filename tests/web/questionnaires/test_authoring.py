"""Questionnaires written in the browser: create, edit, release; errors block release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.questionnaires.loader import find_definition
from tests.factories import csrf_token, make_user, sign_in
from tests.questionnaire_workbooks import caiq_workbook


@pytest.fixture
def library_dir(app, tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    app.state.settings = app.state.settings.model_copy(update={"questionnaire_dir": root})
    return root


def _create(client, slug="cloud-hosting", title="Cloud hosting"):
    token = csrf_token(client, "/questionnaires/new")
    return client.post(
        "/questionnaires/new",
        data={"csrf_token": token, "slug": slug, "title": title, "description": ""},
        follow_redirects=False,
    )


def _editor_fields(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.text
    return {"csrf_token": csrf_token(client, url)}


def test_procurement_creates_edits_and_releases_a_questionnaire(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    created = _create(client)
    assert created.status_code == 303
    edit_url = created.headers["location"]
    assert edit_url == "/questionnaires/cloud-hosting/v1/edit"
    fields = _editor_fields(client, edit_url)
    form = {
        **fields,
        "title": "Cloud hosting",
        "description": "For hosting providers.",
        "s0.title": "Assurance",
        "s0.q0.id": "new_question",
        "s0.q0.text": "Do you hold a current SOC 2 Type 2 report?",
        "s0.q0.type": "yes_no",
        "s0.q0.required": "on",
        "action": "add_question:0",
    }
    saved = client.post(edit_url, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    definition = find_definition(library_dir, "cloud-hosting").definition
    texts = [q.text for q in definition.questions()]
    assert texts[0] == "Do you hold a current SOC 2 Type 2 report?"
    assert len(list(definition.questions())) == 2  # the added question
    second = list(definition.questions())[1]
    form.update(
        {
            "action": "up:0:1",
            "s0.q1.id": second.id,
            "s0.q1.text": "Where is our data stored?",
            "s0.q1.type": "single_choice",
            "s0.q1.choices": "eu: European Union\nUnited States",
        }
    )
    client.post(edit_url, data=form, follow_redirects=False)
    definition = find_definition(library_dir, "cloud-hosting").definition
    first = next(definition.questions())
    assert first.text == "Where is our data stored?"
    assert [c.value for c in first.choices or ()] == ["eu", "united_states"]
    # a draft is not sendable
    assert "cloud-hosting/v1" not in json.loads((library_dir / "released.json").read_text())
    release_url = "/questionnaires/cloud-hosting/v1/release"
    token = csrf_token(client, release_url)
    released = client.post(release_url, data={"csrf_token": token}, follow_redirects=False)
    assert released.status_code == 303
    assert "cloud-hosting/v1" in json.loads((library_dir / "released.json").read_text())
    # released versions never change: the editor refuses, a new draft is v2
    assert client.get(edit_url).status_code == 422
    token = csrf_token(client, "/questionnaires/cloud-hosting/v1")
    draft = client.post(
        "/questionnaires/cloud-hosting/draft", data={"csrf_token": token}, follow_redirects=False
    )
    assert draft.headers["location"] == "/questionnaires/cloud-hosting/v2/edit"
    actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert "questionnaire.released" in actions


def test_an_error_finding_blocks_release_until_a_reason_is_given(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    edit_url = _create(client, slug="legacy").headers["location"]
    form = {
        **_editor_fields(client, edit_url),
        "title": "Legacy",
        "s0.title": "Assurance",
        "s0.q0.id": "soc",
        "s0.q0.text": "Are you SOC 2 certified?",
        "s0.q0.type": "yes_no",
        "action": "save",
    }
    assert client.post(edit_url, data=form, follow_redirects=False).status_code == 303
    release_url = "/questionnaires/legacy/v1/release"
    page = client.get(release_url)
    assert "soc-certification" in page.text and "Reason to release with this error" in page.text
    token = csrf_token(client, release_url)
    refused = client.post(release_url, data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Not released: give a reason for each wording error" in refused.text
    assert "legacy/v1" not in json.loads((library_dir / "released.json").read_text())
    key = "reason__soc-certification@sections[0].questions[0].text"
    reason = "Kept word for word from the customer's contract schedule."
    done = client.post(release_url, data={"csrf_token": token, key: reason}, follow_redirects=False)
    assert done.status_code == 303
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "questionnaire.released")
    ).one()
    assert reason in json.dumps(event.data)


def test_the_wording_check_runs_inline_as_a_question_is_typed(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.procurement))
    found = client.get(
        "/questionnaires/check-inline", params={"s0.q0.text": "Are you SOC 2 certified?"}
    )
    assert found.status_code == 200
    assert "soc-certification" in found.text
    clean = client.get(
        "/questionnaires/check-inline",
        params={"s0.q0.text": "Do you hold a current SOC 2 Type 2 report?"},
    )
    assert clean.text.strip() == ""


def test_auditors_cannot_author_or_release(client, session, library_dir):
    sign_in(client, make_user(session, role=Role.auditor))
    assert client.get("/questionnaires/new").status_code == 403


def test_a_published_caiq_imports_through_the_page_as_a_draft_named_by_its_standard(
    client, session, library_dir, tmp_path
):
    sign_in(client, make_user(session, role=Role.procurement))
    path = caiq_workbook(tmp_path / "caiq.xlsx")
    token = csrf_token(client, "/questionnaires/import")
    checked = client.post(
        "/questionnaires/import",
        data={"csrf_token": token, "check_only": "true"},
        files={"file": ("caiq.xlsx", path.read_bytes(), "application/octet-stream")},
    )
    assert checked.status_code == 200, checked.text
    assert "Recognised as <strong>caiq</strong> with 6 questions" in checked.text
    done = client.post(
        "/questionnaires/import",
        data={"csrf_token": token},
        files={"file": ("caiq.xlsx", path.read_bytes(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith("/questionnaires/caiq-v4/v1")
    page = client.get(done.headers["location"])
    assert "Imported as a draft, version 1" in page.text
    assert "caiq-v4/v1" not in json.loads((library_dir / "released.json").read_text())


def test_a_sheet_in_no_known_layout_is_mapped_by_hand_and_the_mapping_saved(
    client, session, library_dir
):
    sign_in(client, make_user(session, role=Role.procurement))
    sheet = (
        "Ref,Area,Ask\r\nS-1,Hosting,Where is our data stored?\r\nS-2,Hosting,Who runs backups?\r\n"
    )
    token = csrf_token(client, "/questionnaires/import")
    files = {"file": ("supplier.csv", sheet.encode("utf-8"), "text/csv")}
    first = client.post("/questionnaires/import", data={"csrf_token": token}, files=files)
    assert first.status_code == 422
    assert "Map the columns yourself" in first.text and "headers: Ref, Area, Ask" in first.text
    mapped = {
        "csrf_token": token,
        "slug": "supplier",
        "title": "Supplier sheet",
        "map_question": "Ask",
        "map_id": "Ref",
        "map_section": "B",
        "save_mapping_as": "supplier-sheet",
    }
    done = client.post("/questionnaires/import", data=mapped, files=files, follow_redirects=False)
    assert done.status_code == 303, done.text
    definition = find_definition(library_dir, "supplier").definition
    assert [(q.source_id, q.text) for q in definition.questions()] == [
        ("S-1", "Where is our data stored?"),
        ("S-2", "Who runs backups?"),
    ]
    assert [s.title for s in definition.sections] == ["Hosting"]
    again = {"csrf_token": token, "slug": "supplier", "title": "Supplier sheet"}
    again["saved_mapping"] = "supplier-sheet"
    second = client.post("/questionnaires/import", data=again, files=files, follow_redirects=False)
    assert second.status_code == 303
    assert find_definition(library_dir, "supplier").definition.version == 2
