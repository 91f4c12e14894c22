"""The audit log as sentences: people by name or e-mail, vendors, questionnaires and documents by
their names, the data as labelled details, and the stored record kept for who wants it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.audit.actors import user_actor
from app.audit.domain.wording import (
    SUBJECT_WORDS,
    action_words,
    detail_label,
    detail_value,
    parse_actor,
)
from app.audit.models import AuditEvent
from app.auth.models import ApiToken, User
from app.core.rows import id_of
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.library import get_definition
from app.reports.domain.kinds import DOCUMENT_KIND_WORDS, UPLOAD_CHANNEL_WORDS
from app.reports.models import Document
from app.requests.models import QuestionnaireRequest
from app.vendors.models import Vendor, VendorContact

# Verbs that take no object: the subject of these events is the actor or nothing to name.
_NO_OBJECT = (
    "user.signed_in",
    "user.sign_in_failed",
    "user.signed_out",
    "organisation.updated",
    "scores.recomputed",
    "review.digest_sent",
)
_NO_OBJECT_PREFIXES = ("storage.", "audit.", "security.")


@dataclass(frozen=True)
class EventRow:
    """One event as the page shows it."""

    sequence: int
    occurred_at: datetime
    actor: str
    sentence: str
    details: list[tuple[str, str]]
    raw: str


@dataclass
class _Names:
    users: dict[int, str] = field(default_factory=dict)
    vendors: dict[int, str] = field(default_factory=dict)
    requests: dict[int, str] = field(default_factory=dict)
    request_vendor: dict[int, str] = field(default_factory=dict)
    documents: dict[int, str] = field(default_factory=dict)
    contacts: dict[int, str] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)


def _ids(values: Iterable[object]) -> set[int]:
    found = set()
    for value in values:
        text = str(value)
        if text.isdigit():
            found.add(int(text))
    return found


def _wanted(events: Sequence[AuditEvent], subject_type: str, data_key: str) -> set[int]:
    ids = _ids(e.subject_id for e in events if e.subject_type == subject_type)
    return ids | _ids(e.data.get(data_key) for e in events if isinstance(e.data, dict))


def _person(user: User) -> str:
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


def _title(request: QuestionnaireRequest, questions: dict[str, str]) -> str:
    try:
        loaded = get_definition(request.questionnaire_slug, request.questionnaire_version)
    except DefinitionNotFound:
        return request.questionnaire_slug
    for question in loaded.definition.questions():
        questions.setdefault(question.id, question.text)
    return loaded.definition.title


def _load_names(session: Session, events: Sequence[AuditEvent]) -> _Names:
    names = _Names()
    actors = [parse_actor(e.actor) for e in events]
    user_ids = _wanted(events, "user", "user_id") | {a.user_id for a in actors if a.user_id}
    request_ids = _wanted(events, "request", "request_id") | {
        a.request_id for a in actors if a.request_id
    }
    for user in session.exec(select(User).where(col(User.id).in_(user_ids))).all():
        names.users[user.id or 0] = _person(user)
    requests = session.exec(
        select(QuestionnaireRequest).where(col(QuestionnaireRequest.id).in_(request_ids))
    ).all()
    vendor_ids = _wanted(events, "vendor", "vendor_id") | {r.vendor_id for r in requests}
    for vendor in session.exec(select(Vendor).where(col(Vendor.id).in_(vendor_ids))).all():
        names.vendors[vendor.id or 0] = vendor.name
    for request in requests:
        vendor_name = names.vendors.get(request.vendor_id, "a vendor")
        names.requests[request.id or 0] = f"“{_title(request, names.questions)}” for {vendor_name}"
        names.request_vendor[request.id or 0] = vendor_name
    document_ids = _wanted(events, "document", "document_id")
    documents = session.exec(select(Document).where(col(Document.id).in_(document_ids))).all()
    names.documents = {d.id or 0: d.filename for d in documents}
    contact_ids = _wanted(events, "contact", "contact_id")
    contacts = session.exec(
        select(VendorContact).where(col(VendorContact.id).in_(contact_ids))
    ).all()
    names.contacts = {c.id or 0: f"{c.name} <{c.email}>" for c in contacts}
    token_ids = _wanted(events, "api_token", "token_id")
    tokens = session.exec(select(ApiToken).where(col(ApiToken.id).in_(token_ids))).all()
    names.tokens = {t.id or 0: f"“{t.name}”" for t in tokens}
    return names


def _actor(actor: str, names: _Names) -> str:
    parsed = parse_actor(actor)
    if parsed.user_id is not None:
        return names.users.get(parsed.user_id, "A person whose account is gone")
    if parsed.request_id is not None:
        vendor = names.request_vendor.get(parsed.request_id)
        return f"The vendor {vendor}" if vendor else "A vendor"
    return parsed.words


def _subject(subject_type: str, subject_id: str, names: _Names) -> str:
    number = int(subject_id) if subject_id.isdigit() else None
    by_type: dict[str, dict[int, str]] = {
        "vendor": names.vendors,
        "request": names.requests,
        "document": names.documents,
        "user": names.users,
        "api_token": names.tokens,
    }
    known = by_type.get(subject_type)
    if known is not None and number is not None and number in known:
        return known[number]
    if subject_type == "questionnaire":
        return f"“{subject_id}”"
    label = SUBJECT_WORDS.get(subject_type, subject_type.replace("_", " "))
    return f"{label.lower()} no. {subject_id}" if subject_id else label.lower()


def _detail(key: str, value: object, names: _Names) -> tuple[str, str]:
    lookups: dict[str, dict[int, str]] = {
        "user_id": names.users,
        "vendor_id": names.vendors,
        "request_id": names.requests,
        "document_id": names.documents,
        "contact_id": names.contacts,
        "token_id": names.tokens,
    }
    known = lookups.get(key)
    if known is not None and str(value).isdigit() and int(str(value)) in known:
        return detail_label(key), known[int(str(value))]
    if key in ("question", "question_id") and str(value) in names.questions:
        return detail_label(key), names.questions[str(value)]
    if key == "channel" and str(value) in UPLOAD_CHANNEL_WORDS:
        return detail_label(key), UPLOAD_CHANNEL_WORDS[str(value)]
    if key == "kind" and str(value) in DOCUMENT_KIND_WORDS:
        return detail_label(key), DOCUMENT_KIND_WORDS[str(value)]
    return detail_label(key), detail_value(value)


def _sentence(event: AuditEvent, actor: str, names: _Names) -> str:
    verb = action_words(event.action)
    takes_object = event.action not in _NO_OBJECT and not event.action.startswith(
        _NO_OBJECT_PREFIXES
    )
    if takes_object and event.subject_type:
        said = f"{actor} {verb} {_subject(event.subject_type, event.subject_id, names)}"
    else:
        said = f"{actor} {verb}"
    # A name may end the sentence with its own full stop ("Skyquill Software, Inc.").
    return said if said.endswith(".") else f"{said}."


def present(session: Session, events: Sequence[AuditEvent]) -> list[EventRow]:
    """Return the events as rows of sentences, names looked up once for the whole page."""
    names = _load_names(session, events)
    rows = []
    for event in events:
        actor = _actor(event.actor, names)
        data = event.data if isinstance(event.data, dict) else {}
        raw = {
            "actor": event.actor,
            "action": event.action,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "data": data,
        }
        rows.append(
            EventRow(
                sequence=event.sequence,
                occurred_at=event.occurred_at,
                actor=actor,
                sentence=_sentence(event, actor, names),
                details=[_detail(str(k), v, names) for k, v in sorted(data.items())],
                raw=json.dumps(raw, indent=2, sort_keys=True, ensure_ascii=False),
            )
        )
    return rows


def people_choices(session: Session) -> list[tuple[str, str]]:
    """Return the staff as (actor code, name) pairs for the "who" filter, by name."""
    users = session.exec(select(User).order_by(col(User.email))).all()
    return [(user_actor(id_of(user)), _person(user)) for user in users]
