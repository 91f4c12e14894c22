"""Questionnaires written in the app: create, save drafts, release.

Storage stays the library folder (`<slug>/vN.yaml` plus `released.json`), now written by the
app: files keep every version diffable and reviewable, the loader, export and CLI keep
working unchanged, and sent requests keep pointing at a file whose hash cannot change. A
version not in the manifest is a draft and may be saved again; releasing it (permission
`questionnaires.release`, audited) adds its hash to the manifest, after which it never
changes and a later edit starts the next version. Error-level wording findings block release
unless the releaser records a reason for each one.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.questionnaires.domain.definition import QuestionnaireDefinition, content_hash
from app.questionnaires.domain.drafting import as_data, finding_key, starter, unexplained_errors
from app.questionnaires.domain.lint import LocatedFinding, lint_definition
from app.questionnaires.domain.parsing import parse_definition
from app.questionnaires.domain.yaml_source import dump_yaml
from app.questionnaires.errors import InvalidDefinition, QuestionnaireError
from app.questionnaires.loader import LoadedDefinition, find_definition, released_versions
from app.questionnaires.releases import add_release, ensure_manifest, is_released


class DraftRefused(QuestionnaireError):
    """The draft cannot be saved or released as asked."""


@dataclass(frozen=True)
class SaveResult:
    """What saving a draft gave: the problems that stopped it, or none."""

    problems: tuple[str, ...]
    definition: QuestionnaireDefinition | None


def _yaml(data: dict[str, Any]) -> str:
    return dump_yaml(
        QuestionnaireDefinition.model_validate(data).model_dump(
            mode="json", by_alias=True, exclude_none=True, exclude_defaults=True
        )
    )


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=".draft-", suffix=".yaml")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(scratch, target)


def _audit(
    session: Session, action: AuditAction, actor: str, slug: str, version: int, **data: Any
) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type="questionnaire",
        subject_id=f"{slug}/v{version}",
        data=data,
    )


def editable_version(root: Path, slug: str) -> int | None:
    """Return the draft version of a questionnaire, or None when its latest is released."""
    versions = released_versions(root, slug) if root.is_dir() else []
    if versions and not is_released(root, slug, versions[-1]):
        return versions[-1]
    return None


def create_questionnaire(
    session: Session, root: Path, *, slug: str, title: str, description: str, actor: str
) -> int:
    """Create version 1 of a new questionnaire as a draft."""
    if released_versions(root, slug) if root.is_dir() else []:
        raise DraftRefused(f"A questionnaire called '{slug}' exists already.")
    ensure_manifest(root)
    _write(root / slug / "v1.yaml", _yaml(starter(slug, title, description)))
    _audit(session, AuditAction.questionnaire_draft_saved, actor, slug, 1, created=True)
    return 1


def start_draft(session: Session, root: Path, slug: str, *, actor: str) -> int:
    """Return the draft to edit: the open one, or a copy of the latest release as the next."""
    ensure_manifest(root)
    open_draft = editable_version(root, slug)
    if open_draft is not None:
        return open_draft
    latest = find_definition(root, slug)
    version = latest.definition.version + 1
    data = as_data(latest.definition) | {"version": version}
    _write(root / slug / f"v{version}.yaml", _yaml(data))
    _audit(
        session,
        AuditAction.questionnaire_draft_saved,
        actor,
        slug,
        version,
        copied_from=version - 1,
    )
    return version


def save_draft(
    session: Session, root: Path, *, slug: str, version: int, data: dict[str, Any], actor: str
) -> SaveResult:
    """Check and save a draft; a released version is never written."""
    if editable_version(root, slug) != version:
        raise DraftRefused(
            f"{slug} v{version} is released or not the open draft; it cannot change."
        )
    target = root / slug / f"v{version}.yaml"
    try:
        text = _yaml(data)
        parsed = parse_definition(text, f"{slug}/v{version}.yaml")
    except InvalidDefinition as error:
        return SaveResult(
            tuple(f"{p.path}: {p.message}" if p.path else p.message for p in error.problems), None
        )
    except ValueError as error:  # pydantic's ValidationError
        return SaveResult(tuple(_messages(error)), None)
    _write(target, text)
    _audit(session, AuditAction.questionnaire_draft_saved, actor, slug, version)
    return SaveResult((), parsed.definition)


def _messages(error: ValueError) -> list[str]:
    details = getattr(error, "errors", None)
    if callable(details):
        return [
            ".".join(str(part) for part in item.get("loc", ())) + ": " + str(item.get("msg", ""))
            for item in details()
        ]
    return [str(error)]


def release(
    session: Session,
    root: Path,
    *,
    loaded: LoadedDefinition,
    reasons: dict[str, str],
    actor: str,
) -> list[LocatedFinding]:
    """Release a draft; return the error findings still without a reason (then nothing changed)."""
    definition = loaded.definition
    findings = lint_definition(definition)
    blocking = unexplained_errors(findings, reasons)
    if blocking:
        return blocking
    if editable_version(root, definition.slug) != definition.version:
        raise DraftRefused(f"{definition.slug} v{definition.version} is not an open draft.")
    digest = content_hash(loaded.path.read_bytes())
    add_release(root, definition.slug, definition.version, digest)
    explained = {
        finding_key(item): reasons[finding_key(item)].strip()[:500]
        for item in findings
        if reasons.get(finding_key(item), "").strip()
    }
    _audit(
        session,
        AuditAction.questionnaire_released,
        actor,
        definition.slug,
        definition.version,
        content_hash=digest,
        error_findings_released_with_reason=explained,
    )
    return []
