"""Audit actions of the questionnaires feature."""

from enum import StrEnum


class RequestAction(StrEnum):
    sent = "request.sent"
    resent = "request.resent"
    revoked = "request.revoked"
    extended = "request.extended"
    changes_requested = "request.changes_requested"
    cancelled = "request.cancelled"
    accepted = "request.accepted"
    opened = "request.opened"
    submitted = "request.submitted"
    answer_saved = "answer.saved"
    reminder_sent = "reminder.sent"


class LibraryAction(StrEnum):
    imported = "questionnaire.imported"
