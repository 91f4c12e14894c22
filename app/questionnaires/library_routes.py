"""Staff pages for the questionnaire library: versions, preview, wording check, import, export.

The library folder comes from `Settings.questionnaire_dir` (`DILIGENCE_QUESTIONNAIRE_DIR`).
Import writes `<slug>/v<N>.yaml` into it only when every spreadsheet row is valid, as a draft:
releasing it (`authoring.release`) adds its hash to `released.json`.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor
from app.auth.deps import require
from app.auth.models import User
from app.auth.permissions import Permission, can
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.errors import InvalidInput, NotFound
from app.core.limits import MIB
from app.core.ratelimit import rate_limit
from app.core.rows import id_of
from app.core.templating import templates
from app.questionnaires import formats
from app.questionnaires.authoring import editable_version
from app.questionnaires.domain.definition import (
    content_hash,
    definition_to_yaml,
)
from app.questionnaires.domain.lint import lint_text
from app.questionnaires.domain.mapping import ColumnMapping
from app.questionnaires.domain.parsing import parse_definition
from app.questionnaires.domain.sheet_format import SheetFormat
from app.questionnaires.errors import (
    DefinitionNotFound,
    InvalidDefinition,
    SpreadsheetImportError,
)
from app.questionnaires.formats import ImportedFile
from app.questionnaires.library_views import (
    FindingView,
    ImportProblem,
    ImportReport,
    LintSummary,
    VersionRow,
    build_preview,
    invalid_row,
    version_row,
)
from app.questionnaires.loader import (
    LoadedDefinition,
    definition_files,
    display_name,
    find_definition,
    load_definition_file,
    released_versions,
)
from app.questionnaires.mappings import (
    MappingHelp,
    load_mapping,
    mapping_help,
    save_mapping,
    saved_mappings,
)
from app.questionnaires.releases import ensure_manifest, is_released, manifest
from app.questionnaires.spreadsheet import definition_to_rows, write_rows

logger = logging.getLogger(__name__)

router = APIRouter(tags=["questionnaires"])
ReaderDep = Annotated[User, require(Permission.questionnaires_read)]
WriterDep = Annotated[User, require(Permission.questionnaires_write)]

IMPORT_BODY_LIMIT: Final = 10 * MIB
SPREADSHEET_SUFFIXES: Final = (".xlsx", ".csv", ".json")
SLUG: Final = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MEDIA_TYPES: Final = {
    SheetFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    SheetFormat.CSV: "text/csv; charset=utf-8",
}


def get_library_dir(request: Request) -> Path:
    """Return the questionnaire library folder configured for this application."""
    settings: Settings = request.app.state.settings
    return settings.questionnaire_dir


LibraryDirDep = Annotated[Path, Depends(get_library_dir)]


def load_version(slug: str, version: int, root: LibraryDirDep) -> LoadedDefinition:
    """Return the definition version named in the path, or answer 404."""
    if not SLUG.match(slug):
        raise NotFound("There is no such questionnaire.")
    try:
        return find_definition(root, slug, version)
    except DefinitionNotFound as error:
        raise NotFound(f"There is no version {version} of questionnaire '{slug}'.") from error
    except InvalidDefinition as error:
        first = error.problems[0] if error.problems else "unknown problem"
        raise InvalidInput(f"{slug} v{version} does not validate: {first}") from error


VersionDep = Annotated[LoadedDefinition, Depends(load_version)]


@dataclass(frozen=True)
class _FileStamp:
    """A definition file as of one modification: the cache key of its summary."""

    path: Path
    modified_ns: int
    size: int

    @classmethod
    def of(cls, path: Path) -> _FileStamp:
        """Stamp a file with its current modification time and size."""
        status = path.stat()
        return cls(path, status.st_mtime_ns, status.st_size)


def _library_rows(root: Path) -> list[VersionRow]:
    paths = definition_files(root) if root.is_dir() else []
    return [_summarise(_FileStamp.of(path)) for path in paths]


@lru_cache(maxsize=256)
def _summarise(stamp: _FileStamp) -> VersionRow:
    """Load and lint one file; parsing every file on each page view would be wasted work."""
    path = stamp.path
    try:
        loaded = load_definition_file(path)
    except InvalidDefinition as error:
        return invalid_row(path.parent.name, int(path.stem[1:]), error.problems)
    return version_row(loaded.definition, loaded.content_hash)


@router.get("/questionnaires", name="questionnaires.library")
def library(request: Request, user: ReaderDep, root: LibraryDirDep) -> Response:
    context = {
        "user": user,
        "rows": _library_rows(root),
        "can_import": can(user.role, Permission.questionnaires_write),
        "can_author": can(user.role, Permission.questionnaires_author),
        "released": manifest(root) if root.is_dir() else None,
    }
    return templates.TemplateResponse(request, "questionnaires/library.html", context)


@router.get("/questionnaires/check", name="questionnaires.check_wording")
def check_wording(
    request: Request, user: ReaderDep, text: Annotated[str, Query(max_length=2000)] = ""
) -> Response:
    is_checked = bool(text.strip())
    findings = [FindingView.of(finding) for finding in lint_text(text)] if is_checked else []
    context = {
        "user": user,
        "text": text,
        "is_checked": is_checked,
        "findings": findings,
        "summary": LintSummary.of(findings),
    }
    return templates.TemplateResponse(request, "questionnaires/check.html", context)


@router.get("/questionnaires/{slug}/v{version}", name="questionnaires.preview")
def preview(
    request: Request,
    user: ReaderDep,
    loaded: VersionDep,
    root: LibraryDirDep,
    imported: bool = False,
    released: bool = False,
) -> Response:
    definition = loaded.definition
    context = {
        "user": user,
        "preview": build_preview(definition, loaded.content_hash),
        "is_imported": imported,
        "just_released": released,
        "is_released": is_released(root, definition.slug, definition.version),
        "is_open_draft": editable_version(root, definition.slug) == definition.version,
        "can_author": can(user.role, Permission.questionnaires_author),
        "can_release": can(user.role, Permission.questionnaires_release),
    }
    return templates.TemplateResponse(request, "questionnaires/preview.html", context)


@router.get(
    "/questionnaires/{slug}/v{version}/export.{sheet_format}",
    name="questionnaires.export",
    dependencies=[
        require(Permission.questionnaires_read),
        Depends(rate_limit("export", per="user")),
    ],
)
def export(loaded: VersionDep, sheet_format: SheetFormat) -> Response:
    definition = loaded.definition
    filename = f"{definition.slug}-v{definition.version}.{sheet_format.value}"
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / filename
        # write_rows escapes every text cell, so formulas in question texts never run.
        write_rows(definition_to_rows(definition), target)
        data = target.read_bytes()
    disposition = f'attachment; filename="{filename}"'
    return Response(
        data, media_type=_MEDIA_TYPES[sheet_format], headers={"Content-Disposition": disposition}
    )


def _import_page(
    request: Request,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    report: ImportReport | None = None,
    status: int = 200,
) -> Response:
    context = {
        "values": values,
        "errors": errors or {},
        "report": report,
        "saved_mappings": saved_mappings(get_library_dir(request)),
    }
    return templates.TemplateResponse(
        request, "questionnaires/import.html", context, status_code=status
    )


@router.get(
    "/questionnaires/import",
    name="questionnaires.import_form",
    dependencies=[require(Permission.questionnaires_write)],
)
def import_form(request: Request) -> Response:
    return _import_page(request, values={})


@router.post(
    "/questionnaires/import", name="questionnaires.import_file", max_body_size=IMPORT_BODY_LIMIT
)
def import_file(
    request: Request,
    *,
    session: SessionDep,
    user: WriterDep,
    root: LibraryDirDep,
    file: Annotated[UploadFile | None, File()] = None,
    slug: Annotated[str, Form(max_length=100)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
    check_only: Annotated[bool, Form()] = False,
    map_sheet: Annotated[str, Form(max_length=100)] = "",
    map_header_row: Annotated[int, Form(ge=1, le=1000)] = 1,
    map_id: Annotated[str, Form(max_length=200)] = "",
    map_question: Annotated[str, Form(max_length=200)] = "",
    map_section: Annotated[str, Form(max_length=200)] = "",
    map_type: Annotated[str, Form(max_length=200)] = "",
    map_help: Annotated[str, Form(max_length=200)] = "",
    saved_mapping: Annotated[str, Form(max_length=100)] = "",
    save_mapping_as: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    values = {"slug": slug.strip(), "title": title.strip(), "description": description.strip()}
    columns = {"id": map_id, "question": map_question, "section": map_section}
    columns |= {"type": map_type, "help": map_help}
    values |= {f"map_{role}": name.strip() for role, name in columns.items()}
    values |= {"map_sheet": map_sheet, "map_header_row": str(map_header_row)}
    values |= {"saved_mapping": saved_mapping, "save_mapping_as": save_mapping_as.strip()}
    errors = _import_form_errors(values, file)
    mapping = None
    try:
        if saved_mapping:
            mapping = load_mapping(root, saved_mapping)
        elif map_question.strip():
            chosen = {role: name.strip() for role, name in columns.items() if name.strip()}
            mapping = ColumnMapping(map_sheet, map_header_row, chosen)
    except ValueError as error:
        errors["mapping"] = str(error)
    if errors or file is None:
        return _import_page(request, values=values, errors=errors, status=422)
    report = _import_upload(root, file, values, write=not check_only, mapping=mapping)
    if mapping is not None and values["save_mapping_as"] and not report.problems:
        try:
            save_mapping(root, values["save_mapping_as"], mapping)
        except ValueError as error:
            return _import_page(request, values=values, errors={"mapping": str(error)}, status=422)
    if report.problems:
        return _import_page(request, values=values, report=report, status=422)
    if report.written_to is None:
        return _import_page(request, values=values, report=report)
    logger.info("questionnaire.imported %s v%s by user %s", report.slug, report.version, user.id)
    _record_import(session, report, actor=user_actor(id_of(user)), filename=file.filename or "")
    url = request.url_for("questionnaires.preview", slug=report.slug, version=report.version)
    return RedirectResponse(f"{url.path}?imported=true", status_code=303)


def _record_import(session: Session, report: ImportReport, *, actor: str, filename: str) -> None:
    """Audit a new library version: requests sent with it will be answered against it."""
    row = report.preview.row if report.preview is not None else None
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.questionnaire_imported,
        subject_type="questionnaire",
        subject_id=f"{report.slug}/v{report.version}",
        data={
            "file": filename[:255],
            "questions": row.question_count if row else 0,
            "content_hash": row.content_hash if row else "",
            "lint_errors": report.lint.errors,
        },
    )


def _import_form_errors(values: dict[str, str], file: UploadFile | None) -> dict[str, str]:
    errors = {}
    if values["slug"] and not SLUG.match(values["slug"]):
        errors["slug"] = "Use lower-case words joined by '-', e.g. cloud-hosting."
    if file is None or not file.filename:
        errors["file"] = "Choose a .xlsx, .csv or VSAQ .json file."
    elif Path(file.filename).suffix.lower() not in SPREADSHEET_SUFFIXES:
        errors["file"] = (
            f"“{file.filename}” is not a questionnaire file: upload a .xlsx, .csv or .json file."
        )
    return errors


def _import_upload(
    root: Path,
    upload: UploadFile,
    values: dict[str, str],
    *,
    write: bool,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Turn an uploaded questionnaire into its next version; write it unless told not to."""

    def next_version(slug: str) -> int:
        versions = released_versions(root, slug) if root.is_dir() else []
        return versions[-1] + 1 if versions else 1

    wanted = values["slug"]
    try:
        imported = _read_upload(upload, values, version_for=next_version, mapping=mapping)
        definition = imported.definition
        target = root / definition.slug / f"v{definition.version}.yaml"
        yaml_text = definition_to_yaml(definition)
        parse_definition(yaml_text, display_name(target))
    except SpreadsheetImportError as error:
        problems = tuple(ImportProblem.from_row(problem) for problem in error.problems)
        return ImportReport(wanted, problems=problems, mapping_help=_help_for(upload, values))
    except InvalidDefinition as error:
        problems = tuple(ImportProblem(None, p.path, p.message) for p in error.problems)
        return ImportReport(wanted, problems=problems)
    slug, version = definition.slug, definition.version
    if not SLUG.match(slug):
        message = f"the file suggests the name '{slug}', which is not a valid slug: give one"
        return ImportReport(wanted, problems=(ImportProblem(None, "slug", message),))
    data = yaml_text.encode("utf-8")
    preview = build_preview(definition, content_hash(data))
    found = (imported.format, imported.question_count)
    if not write:
        return ImportReport(slug, version, preview=preview, recognised=found)
    ensure_manifest(root)  # so that the new file is a draft, not released by default
    problem = _write_new_file(target, data)
    if problem is not None:
        return ImportReport(slug, problems=(ImportProblem(None, "", problem),))
    written = display_name(target)
    return ImportReport(slug, version, preview=preview, written_to=written, recognised=found)


def _help_for(upload: UploadFile, values: dict[str, str]) -> MappingHelp | None:
    """Describe the sheets of a file that did not import, for mapping it by hand."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix == ".json":
        return None
    upload.file.seek(0)
    with tempfile.TemporaryDirectory() as scratch:
        sheet = Path(scratch) / f"upload{suffix}"
        with sheet.open("wb") as handle:
            shutil.copyfileobj(upload.file, handle)
        header_row = int(values.get("map_header_row") or 1)
        return mapping_help(sheet, values.get("map_sheet", ""), header_row)


def _read_upload(
    upload: UploadFile,
    values: dict[str, str],
    *,
    version_for: Callable[[str], int],
    mapping: ColumnMapping | None = None,
) -> ImportedFile:
    suffix = Path(upload.filename or "").suffix.lower()
    with tempfile.TemporaryDirectory() as scratch:
        # the reader is picked by suffix; the user's file name is never used as a path.
        sheet = Path(scratch) / f"upload{suffix}"
        with sheet.open("wb") as handle:
            shutil.copyfileobj(upload.file, handle)
        return formats.import_file(
            sheet,
            slug=values["slug"] or None,
            title=values["title"] or None,
            version_for=version_for,
            description=values["description"] or None,
            mapping=mapping,
        )


def _write_new_file(target: Path, data: bytes) -> str | None:
    """Create the definition file (never overwriting one); return a problem or None."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        return f"{target.name} was added by someone else meanwhile; upload the file again."
    except OSError:
        logger.exception("questionnaire import could not write %s", target)
        return "The questionnaire library folder cannot be written; ask an administrator."
    return None
