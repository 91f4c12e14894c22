"""Questionnaires: the released definitions, one version in full, and the wording linter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from pydantic import BaseModel, StringConstraints

from app.api.deps import PageDep, api_user, page_of, require_json, v1_router
from app.api.schemas import JSON_BODY_ERRORS, Page, StrictBody
from app.auth.models import User
from app.auth.permissions import Permission
from app.core.errors import NotFound
from app.questionnaires.domain.definition import QuestionnaireDefinition
from app.questionnaires.domain.lint import Severity, TextScope, lint_text
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.library import get_definition, list_library

router = v1_router("questionnaires")
ReaderDep = Annotated[User, api_user(Permission.questionnaires_read)]
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"


class QuestionnaireSummary(BaseModel):
    slug: str
    title: str
    latest_version: int
    versions: list[int]
    content_hash: str


class QuestionnaireVersionOut(BaseModel):
    slug: str
    version: int
    content_hash: str
    definition: QuestionnaireDefinition


class LintIn(StrictBody):
    text: Annotated[str, StringConstraints(max_length=5000)]
    scope: TextScope = TextScope.QUESTION


class LintFinding(BaseModel):
    rule: str
    severity: Severity
    message: str
    suggestion: str


class LintOut(BaseModel):
    findings: list[LintFinding]
    has_errors: bool


def _summaries() -> list[QuestionnaireSummary]:
    by_slug: dict[str, QuestionnaireSummary] = {}
    for loaded in list_library():
        definition = loaded.definition
        known = by_slug.get(definition.slug)
        versions = [*(known.versions if known else []), definition.version]
        by_slug[definition.slug] = QuestionnaireSummary(
            slug=definition.slug,
            title=definition.title,
            latest_version=definition.version,
            versions=versions,
            content_hash=loaded.content_hash,
        )
    return sorted(by_slug.values(), key=lambda s: s.slug)


@router.get("/questionnaires", name="api.questionnaires.list")
def list_questionnaires(
    request: Request, _user: ReaderDep, paging: PageDep
) -> Page[QuestionnaireSummary]:
    """List the released questionnaires with their versions (summary of the latest)."""
    summaries = _summaries()
    window = summaries[paging.offset : paging.offset + paging.size]
    return page_of(request, window, len(summaries), paging)


@router.get("/questionnaires/{slug}/versions/{version}", name="api.questionnaires.get_version")
def get_version(
    _user: ReaderDep,
    slug: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=100)],
    version: Annotated[int, Path(ge=1, le=100_000)],
) -> QuestionnaireVersionOut:
    """Read one released version of a questionnaire in full."""
    try:
        loaded = get_definition(slug, version)
    except DefinitionNotFound:
        raise NotFound(f"There is no questionnaire '{slug}' version {version}.") from None
    return QuestionnaireVersionOut(
        slug=slug, version=version, content_hash=loaded.content_hash, definition=loaded.definition
    )


@router.post(
    "/questionnaires/lint",
    name="api.questionnaires.lint",
    responses=JSON_BODY_ERRORS,
    dependencies=[Depends(require_json)],
)
def lint(body: LintIn, _user: ReaderDep) -> LintOut:
    """Check the wording of a question (or prose) against the library's rules."""
    findings = lint_text(body.text, scope=body.scope)
    return LintOut(
        findings=[
            LintFinding(
                rule=f.rule, severity=f.severity, message=f.message, suggestion=f.suggestion
            )
            for f in findings
        ],
        has_errors=any(f.severity is Severity.ERROR for f in findings),
    )
