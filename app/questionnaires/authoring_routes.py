"""Staff pages to write questionnaires in the browser: new, edit a draft, release.

Each route reads its form and calls one function of `authoring`; the editor posts the whole
form on every button (save, add, move, delete), so it works without JavaScript, and checks
each question's wording as it is typed when htmx is there.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.db import SessionDep
from app.core.errors import InvalidInput, NotFound
from app.core.rows import id_of
from app.core.templating import templates
from app.questionnaires import authoring
from app.questionnaires.domain.drafting import (
    apply_action,
    as_data,
    choices_text,
    data_from_form,
    finding_key,
)
from app.questionnaires.domain.lint import lint_definition, lint_text
from app.questionnaires.domain.vocabulary import QuestionType
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.library_routes import SLUG, LibraryDirDep, VersionDep
from app.questionnaires.library_views import FindingView

router = APIRouter(tags=["questionnaires"])
AuthorDep = Annotated[User, require(Permission.questionnaires_author)]
ReleaserDep = Annotated[User, require(Permission.questionnaires_release)]
ReaderDep = Annotated[User, require(Permission.questionnaires_read)]
MAX_FIELDS: Final = 6000
_REASON: Final = re.compile(r"^reason__(.+)$")
TYPES: Final = list(QuestionType)


@router.get("/questionnaires/new", name="questionnaires.new_form")
def new_form(request: Request, user: AuthorDep) -> Response:
    context = {"user": user, "values": {}, "errors": {}}
    return templates.TemplateResponse(request, "questionnaires/new.html", context)


@router.post("/questionnaires/new", name="questionnaires.create")
def create(
    request: Request,
    session: SessionDep,
    user: AuthorDep,
    root: LibraryDirDep,
    slug: Annotated[str, Form(max_length=100)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    values = {"slug": slug.strip(), "title": title.strip(), "description": description.strip()}
    errors = {}
    if not SLUG.match(values["slug"]):
        errors["slug"] = "Use lower-case words joined by '-', e.g. cloud-hosting."
    if not values["title"]:
        errors["title"] = "Give the questionnaire a title."
    if not errors:
        try:
            version = authoring.create_questionnaire(
                session, root, actor=user_actor(id_of(user)), **values
            )
        except authoring.DraftRefused as error:
            errors["slug"] = str(error)
    if errors:
        context = {"user": user, "values": values, "errors": errors}
        return templates.TemplateResponse(
            request, "questionnaires/new.html", context, status_code=422
        )
    url = request.url_for("questionnaires.edit", slug=values["slug"], version=version)
    return RedirectResponse(url.path, status_code=303)


@router.post("/questionnaires/{slug}/draft", name="questionnaires.start_draft")
def start_draft(
    request: Request, session: SessionDep, user: AuthorDep, root: LibraryDirDep, slug: str
) -> Response:
    if not SLUG.match(slug):
        raise NotFound("There is no such questionnaire.")
    try:
        version = authoring.start_draft(session, root, slug, actor=user_actor(id_of(user)))
    except DefinitionNotFound as error:
        raise NotFound("There is no such questionnaire.") from error
    url = request.url_for("questionnaires.edit", slug=slug, version=version)
    return RedirectResponse(url.path, status_code=303)


def _editor(
    request: Request,
    user: User,
    data: dict[str, Any],
    *,
    problems: tuple[str, ...] = (),
    saved: bool = False,
    status: int = 200,
) -> Response:
    for section in data["sections"]:
        for question in section["questions"]:
            question["choices_text"] = choices_text(question.get("choices"))
            question["findings"] = [FindingView.of(f) for f in lint_text(question["text"])]
    context = {
        "user": user,
        "data": data,
        "types": TYPES,
        "problems": problems,
        "saved": saved,
        "can_release": can(user.role, Permission.questionnaires_release),
    }
    return templates.TemplateResponse(
        request, "questionnaires/edit.html", context, status_code=status
    )


def _open_draft(root: Any, slug: str, version: int) -> None:
    if authoring.editable_version(root, slug) != version:
        raise InvalidInput(
            f"{slug} v{version} is released and never changes; start a new draft to edit it."
        )


@router.get("/questionnaires/{slug}/v{version}/edit", name="questionnaires.edit")
def edit(request: Request, user: AuthorDep, loaded: VersionDep, root: LibraryDirDep) -> Response:
    definition = loaded.definition
    _open_draft(root, definition.slug, definition.version)
    return _editor(
        request, user, as_data(definition), saved=bool(request.query_params.get("saved"))
    )


@router.post("/questionnaires/{slug}/v{version}/edit", name="questionnaires.save_draft")
async def save_draft(
    request: Request,
    session: SessionDep,
    user: AuthorDep,
    loaded: VersionDep,
    root: LibraryDirDep,
) -> Response:
    definition = loaded.definition
    _open_draft(root, definition.slug, definition.version)
    form = await request.form(max_fields=MAX_FIELDS)
    fields = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    data = data_from_form(fields, slug=definition.slug, version=definition.version)
    action = fields.get("action", "save")
    if action != "save":
        data = apply_action(data, action)
    result = authoring.save_draft(
        session,
        root,
        slug=definition.slug,
        version=definition.version,
        data=data,
        actor=user_actor(id_of(user)),
    )
    if result.problems:
        return _editor(request, user, data, problems=result.problems, status=422)
    url = request.url_for("questionnaires.edit", slug=definition.slug, version=definition.version)
    anchor = "#editor-end" if action.startswith("add") else ""
    return RedirectResponse(f"{url.path}?saved=1{anchor}", status_code=303)


@router.get("/questionnaires/check-inline", name="questionnaires.check_inline")
def check_inline(request: Request, user: ReaderDep) -> Response:
    # The field's own name is sent (s0.q1.text); whichever text field came is checked.
    text = next((value for key, value in request.query_params.items() if key.endswith("text")), "")[
        :2000
    ]
    findings = [FindingView.of(f) for f in lint_text(text)] if text.strip() else []
    context = {"user": user, "findings": findings}
    return templates.TemplateResponse(request, "questionnaires/_inline_findings.html", context)


def _release_page(
    request: Request,
    user: User,
    loaded: Any,
    *,
    reasons: dict[str, str],
    blocking: list[str],
    status: int = 200,
) -> Response:
    findings = [
        (finding_key(item), FindingView.located(item))
        for item in lint_definition(loaded.definition)
    ]
    context = {
        "user": user,
        "definition": loaded.definition,
        "findings": findings,
        "reasons": reasons,
        "blocking": blocking,
    }
    return templates.TemplateResponse(
        request, "questionnaires/release.html", context, status_code=status
    )


@router.get("/questionnaires/{slug}/v{version}/release", name="questionnaires.release_form")
def release_form(
    request: Request, user: ReleaserDep, loaded: VersionDep, root: LibraryDirDep
) -> Response:
    _open_draft(root, loaded.definition.slug, loaded.definition.version)
    return _release_page(request, user, loaded, reasons={}, blocking=[])


@router.post("/questionnaires/{slug}/v{version}/release", name="questionnaires.release")
async def release(
    request: Request,
    session: SessionDep,
    user: ReleaserDep,
    loaded: VersionDep,
    root: LibraryDirDep,
) -> Response:
    definition = loaded.definition
    _open_draft(root, definition.slug, definition.version)
    form = await request.form(max_fields=MAX_FIELDS)
    reasons = {
        match.group(1): str(value)[:500]
        for key, value in form.items()
        if (match := _REASON.match(key)) and isinstance(value, str)
    }
    blocking = authoring.release(
        session, root, loaded=loaded, reasons=reasons, actor=user_actor(id_of(user))
    )
    if blocking:
        keys = [finding_key(item) for item in blocking]
        return _release_page(request, user, loaded, reasons=reasons, blocking=keys, status=422)
    url = request.url_for(
        "questionnaires.preview", slug=definition.slug, version=definition.version
    )
    return RedirectResponse(f"{url.path}?released=true", status_code=303)
