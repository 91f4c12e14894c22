"""The audit log in words: what each action means, who the actors are, which events a role sees.

Stored events keep their codes (``vendor.updated``, ``user:2``) because the hash chain covers
them; pages turn them into sentences with these tables, and show the raw record on demand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from app.audit.actions import AuditAction

ACTION_WORDS: Final[Mapping[str, str]] = {
    AuditAction.user_created: "created the account of",
    AuditAction.user_signed_in: "signed in",
    AuditAction.user_sign_in_failed: "failed to sign in",
    AuditAction.user_signed_out: "signed out",
    AuditAction.user_password_reset: "reset the password of",
    AuditAction.user_role_changed: "changed the role of",
    AuditAction.user_disabled: "disabled the account of",
    AuditAction.user_sessions_revoked: "signed out every session of",
    AuditAction.user_mfa_enabled: "turned on two-step sign-in for",
    AuditAction.user_mfa_reset: "reset two-step sign-in of",
    AuditAction.user_mfa_failed: "gave a wrong second-step code for",
    AuditAction.user_recovery_code_used: "used a recovery code for",
    AuditAction.user_invited: "invited",
    AuditAction.user_enabled: "re-enabled the account of",
    AuditAction.user_password_changed: "changed the password of",
    AuditAction.user_password_change_refused: "gave a wrong current password when changing that of",
    AuditAction.user_password_link_issued: "issued a password link for",
    AuditAction.user_password_link_used: "set a password with the link for",
    AuditAction.api_token_created: "created the API token",
    AuditAction.api_token_revoked: "revoked the API token",
    AuditAction.organisation_updated: "changed the organisation's settings",
    AuditAction.vendor_created: "created the vendor",
    AuditAction.vendor_updated: "edited the vendor",
    AuditAction.vendor_contact_added: "added a contact to",
    AuditAction.vendor_profile_assessed: "assessed the risk profile of",
    AuditAction.questionnaire_imported: "imported the questionnaire",
    AuditAction.questionnaire_draft_saved: "saved a draft of the questionnaire",
    AuditAction.questionnaire_released: "released the questionnaire",
    AuditAction.request_sent: "sent",
    AuditAction.request_resent: "sent a new link for",
    AuditAction.request_link_copied: "issued a link to copy for",
    AuditAction.request_revoked: "revoked the link of",
    AuditAction.request_extended: "moved the due date of",
    AuditAction.request_changes_requested: "asked for changes to",
    AuditAction.request_cancelled: "cancelled",
    AuditAction.request_accepted: "accepted the answers to",
    AuditAction.request_opened: "opened",
    AuditAction.request_submitted: "submitted",
    AuditAction.answer_saved: "saved an answer in",
    AuditAction.reminder_sent: "sent a reminder for",
    AuditAction.document_uploaded: "uploaded",
    AuditAction.document_refused: "had a file refused for",
    AuditAction.document_quarantined: "quarantined",
    AuditAction.completed_questionnaire_read: "read the completed questionnaire",
    AuditAction.document_vendor_feedback: "left a note on",
    AuditAction.document_removed: "removed",
    AuditAction.document_identity_stated: "said whose report is",
    AuditAction.document_source_recorded: "recorded where it came from for",
    AuditAction.document_viewed: "viewed",
    AuditAction.document_downloaded: "downloaded",
    AuditAction.document_integrity_failed: "found that the stored file changed for",
    AuditAction.document_restricted_use_acknowledged: "accepted the restricted use of",
    AuditAction.fact_corrected: "corrected a fact read from",
    AuditAction.storage_rewrapped: "re-encrypted the stored documents",
    AuditAction.storage_swept: "cleared unused stored files",
    AuditAction.storage_checked: "checked the stored documents",
    AuditAction.score_computed: "computed the score of",
    AuditAction.scores_recomputed: "recomputed the scores",
    AuditAction.score_overridden: "overrode the score of",
    AuditAction.score_override_lapsed: "saw the score override lapse for",
    AuditAction.score_override_removed: "removed the score override of",
    AuditAction.decision_recorded: "recorded a decision about",
    AuditAction.cuec_owners_assigned: "assigned owners of the customer controls of",
    AuditAction.cuec_linked: "mapped customer controls to our controls for",
    AuditAction.cuec_confirmed: "confirmed how we meet a customer control of",
    AuditAction.control_saved: "saved one of our controls",
    AuditAction.controls_imported: "imported our control catalogue",
    AuditAction.remediation_created: "raised a remediation item for",
    AuditAction.remediation_updated: "changed a remediation item of",
    AuditAction.remediation_sent_to_vendor: "asked the vendor to act on a remediation item of",
    AuditAction.remediation_answered: "answered a remediation item of",
    AuditAction.remediation_sent_back: "sent a remediation answer back to",
    AuditAction.remediation_closed: "closed a remediation item of",
    AuditAction.remediation_risk_accepted: "accepted the risk of a remediation item of",
    AuditAction.remediation_reopened: "reopened a remediation item of",
    AuditAction.remediation_note_added: "added a note to a remediation item of",
    AuditAction.remediation_vendor_told: "told the vendor about a remediation item of",
    AuditAction.review_exported: "exported the review of",
    AuditAction.review_digest_sent: "sent the review digest",
    AuditAction.security_csrf_refused: "sent a form that was refused (expired or forged)",
    AuditAction.security_rate_limited: "was slowed down for too many attempts",
    AuditAction.security_access_denied: "was refused access",
    AuditAction.security_expired_link_used: "used a link that no longer works",
    AuditAction.audit_verified: "verified the audit log",
    AuditAction.audit_exported: "exported the audit log",
}

SYSTEM_ACTORS: Final[Mapping[str, str]] = {
    "cli": "Someone at the command line",
    "system": "Diligence (automatically)",
    "system:worker": "Diligence's background worker",
    "system:demo": "The demo data",
}

SUBJECT_WORDS: Final[Mapping[str, str]] = {
    "vendor": "Vendor",
    "request": "Questionnaire request",
    "document": "Document",
    "user": "Person",
    "api_token": "API token",
    "questionnaire": "Questionnaire",
    "organisation": "Organisation",
    "export": "Export",
    "digest": "Digest",
    "storage": "Document storage",
    "remediation_item": "Remediation item",
    "control": "Our control",
}

# Security and administration: sign-ins, accounts, tokens, settings, refusals, storage and the
# log itself. Risk officers review vendors; these are for administrators and auditors.
ADMINISTRATION_PREFIXES: Final = (
    "user.",
    "api_token.",
    "organisation.",
    "security.",
    "storage.",
    "audit.",
)


@dataclass(frozen=True)
class Actor:
    """Who an actor code names: a staff member (by id), a vendor (by request) or a system."""

    user_id: int | None = None
    request_id: int | None = None
    words: str = ""


def parse_actor(actor: str) -> Actor:
    """Read an actor code (see audit/actors.py) into what it points at."""
    kind, _, rest = actor.partition(":")
    if kind == "user" and rest.isdigit():
        return Actor(user_id=int(rest))
    if kind == "vendor" and rest.startswith("request:") and rest[8:].isdigit():
        return Actor(request_id=int(rest[8:]))
    if actor in SYSTEM_ACTORS:
        return Actor(words=SYSTEM_ACTORS[actor])
    if kind == "oidc":
        return Actor(words="A single sign-on identity without an account")
    if kind == "visitor":
        return Actor(words=f"A visitor from {rest}" if rest else "A visitor")
    if kind == "portal" and rest.isdigit():
        return Actor(request_id=int(rest))
    return Actor(words=actor)


def action_words(action: str) -> str:
    """Return what an action did, as the verb of a sentence."""
    known = ACTION_WORDS.get(action)
    if known is not None:
        return known
    return action.replace(".", " ").replace("_", " ")


def action_label(action: str) -> str:
    """Return an action as a filter-menu label, starting with a capital."""
    words = action_words(action).rstrip(":")
    return words[:1].upper() + words[1:]


def is_administration(action: str) -> bool:
    """Tell whether an action is a security or administration event."""
    return action.startswith(ADMINISTRATION_PREFIXES)


DETAIL_LABELS: Final[Mapping[str, str]] = {
    "sha256": "Fingerprint (SHA-256)",
    "size": "Size in bytes",
    "size_bytes": "Size in bytes",
    "channel": "Uploaded by",
    "question": "Question",
    "question_id": "Question",
}
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def detail_label(key: str) -> str:
    """Return a data key as words: ``contact_id`` -> ``Contact``, ``due_on`` -> ``Due on``."""
    if key in DETAIL_LABELS:
        return DETAIL_LABELS[key]
    words = key.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def detail_value(value: object) -> str:
    """Return a data value as text a person reads."""
    if value is None or value == "":
        return "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list | tuple):
        return ", ".join(detail_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{detail_label(str(k))}: {detail_value(v)}" for k, v in value.items())
    text = str(value)
    # A stored code such as ``not_accepted_type`` reads as words; the record keeps the code.
    return text.replace("_", " ") if _CODE.match(text) else text
