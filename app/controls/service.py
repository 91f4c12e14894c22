"""Our control catalogue: typed in one at a time or imported from a CSV file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.controls.domain.catalogue import CatalogueError, ControlRow, check_control, parse_catalogue
from app.controls.models import Control
from app.core.db import utcnow
from app.core.errors import InvalidInput

MAX_FILE_BYTES = 2_000_000


class ControlInvalid(InvalidInput):
    """A typed-in control with problems, by field (the form shows each beside its field)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("The control was not saved.", details=problems)
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def list_controls(session: Session) -> list[Control]:
    """Return the catalogue, by identifier."""
    return list(session.exec(select(Control).order_by(col(Control.ref))).all())


def get_control(session: Session, control_id: int) -> Control | None:
    """Return one control, or None."""
    return session.get(Control, control_id)


def get_control_by_ref(session: Session, ref: str) -> Control | None:
    """Return the control with this identifier (any case, spaces around ignored), or None."""
    wanted = ref.strip().lower()
    return session.exec(select(Control).where(func.lower(Control.ref) == wanted)).first()


def _upsert(session: Session, row: ControlRow) -> bool:
    """Store one control by identifier; return whether it is new."""
    control = get_control_by_ref(session, row.ref)
    is_new = control is None
    control = control or Control(ref=row.ref, name=row.name, owner_email=row.owner_email)
    control.name, control.owner_email, control.updated_at = (
        row.name,
        row.owner_email.lower(),
        utcnow(),
    )
    session.add(control)
    return is_new


def save_control(session: Session, *, ref: str, name: str, owner_email: str, actor: str) -> Control:
    """Add a control, or change the name and owner of the one with that identifier."""
    row = ControlRow(ref.strip(), " ".join(name.split()), owner_email.strip())
    problems = check_control(row.ref, row.name, row.owner_email)
    if problems:
        raise ControlInvalid(problems)
    is_new = _upsert(session, row)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.control_saved,
        subject_type="control",
        subject_id=row.ref,
        data={"created": is_new, "owner": row.owner_email.lower()},
    )
    control = get_control_by_ref(session, row.ref)
    assert control is not None
    return control


def import_catalogue(session: Session, *, content: bytes, actor: str) -> ImportResult:
    """Import a catalogue CSV: every row valid, or nothing changes (InvalidInput says why)."""
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("The file is larger than 2 MB; a catalogue is a small CSV file.")
    try:
        rows = parse_catalogue(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text; save it as CSV (UTF-8).") from None
    except CatalogueError as exc:
        raise InvalidInput(str(exc)) from None
    created = sum(1 for row in rows if _upsert(session, row))
    session.flush()
    result = ImportResult(created, len(rows) - created)
    audit_service.record(
        session,
        actor=actor,
        action=AuditAction.controls_imported,
        subject_type="control",
        data={"created": result.created, "updated": result.updated},
    )
    return result
