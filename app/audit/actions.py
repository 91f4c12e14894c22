"""Every action the audit log records: one vocabulary, so the log can be filtered and explained.

Values are ``"<subject>.<past verb>"`` and never change once written: stored events keep them.
"""

from enum import StrEnum


class AuditAction(StrEnum):
    """What happened, in the audit log's words."""

    # staff accounts and sign-in
    user_created = "user.created"
    user_signed_in = "user.signed_in"
    user_sign_in_failed = "user.sign_in_failed"
    user_signed_out = "user.signed_out"
    user_password_reset = "user.password_reset"  # noqa: S105 - an action name, not a secret
    user_role_changed = "user.role_changed"
    user_disabled = "user.disabled"
    user_sessions_revoked = "user.sessions_revoked"
    user_mfa_enabled = "user.mfa_enabled"
    user_mfa_reset = "user.mfa_reset"
    user_mfa_failed = "user.mfa_failed"
    user_recovery_code_used = "user.recovery_code_used"
    user_invited = "user.invited"
    user_enabled = "user.enabled"
    user_password_changed = "user.password_changed"  # noqa: S105 - an action name
    # A change refused because the current password given was wrong (a stolen session guessing).
    user_password_change_refused = "user.password_change_refused"  # noqa: S105 - an action name
    user_password_link_issued = "user.password_link_issued"  # noqa: S105 - an action name
    user_password_link_used = "user.password_link_used"  # noqa: S105 - an action name
    api_token_created = "api_token.created"  # noqa: S105 - an action name
    api_token_revoked = "api_token.revoked"  # noqa: S105 - an action name
    # the organisation
    organisation_updated = "organisation.updated"
    # vendors
    vendor_created = "vendor.created"
    vendor_updated = "vendor.updated"
    vendor_contact_added = "vendor.contact_added"
    vendor_profile_assessed = "vendor.profile_assessed"
    # questionnaires and requests
    questionnaire_imported = "questionnaire.imported"
    questionnaire_draft_saved = "questionnaire.draft_saved"
    questionnaire_released = "questionnaire.released"
    request_sent = "request.sent"
    request_resent = "request.resent"
    request_link_copied = "request.link_copied"
    request_revoked = "request.revoked"
    request_extended = "request.extended"
    request_changes_requested = "request.changes_requested"
    request_cancelled = "request.cancelled"
    request_accepted = "request.accepted"
    request_opened = "request.opened"
    request_submitted = "request.submitted"
    answer_saved = "answer.saved"
    reminder_sent = "reminder.sent"
    # documents
    document_uploaded = "document.uploaded"
    document_refused = "document.refused"
    document_quarantined = "document.quarantined"
    completed_questionnaire_read = "completed_questionnaire.read"
    document_vendor_feedback = "document.vendor_feedback"
    document_removed = "document.removed"
    document_identity_stated = "document.identity_stated"
    document_source_recorded = "document.source_recorded"
    document_viewed = "document.viewed"
    document_downloaded = "document.downloaded"
    document_integrity_failed = "document.integrity_failed"
    document_restricted_use_acknowledged = "document.restricted_use_acknowledged"
    fact_corrected = "fact.corrected"
    storage_rewrapped = "storage.rewrapped"
    storage_swept = "storage.swept"
    storage_checked = "storage.checked"
    # scores and the review
    score_computed = "score.computed"
    scores_recomputed = "scores.recomputed"
    score_overridden = "score.overridden"
    score_override_lapsed = "score.override_lapsed"
    score_override_removed = "score.override_removed"
    decision_recorded = "decision.recorded"
    cuec_owners_assigned = "cuec.owners_assigned"
    cuec_linked = "cuec.linked"  # CUECs of a report mapped to our controls
    cuec_confirmed = "cuec.confirmed"  # a control's owner said whether it is in place
    # our control catalogue
    control_saved = "control.saved"
    controls_imported = "controls.imported"
    review_exported = "review.exported"
    review_digest_sent = "review.digest_sent"
    # remediation with the vendor
    remediation_created = "remediation.created"
    remediation_updated = "remediation.updated"
    remediation_sent_to_vendor = "remediation.sent_to_vendor"
    remediation_answered = "remediation.answered"
    remediation_sent_back = "remediation.sent_back"
    remediation_closed = "remediation.closed"
    remediation_risk_accepted = "remediation.risk_accepted"
    remediation_reopened = "remediation.reopened"
    remediation_note_added = "remediation.note_added"
    remediation_vendor_told = "remediation.vendor_told"
    # refusals (rate-limited in what is recorded, so a flood cannot bloat the log)
    security_csrf_refused = "security.csrf_refused"
    security_rate_limited = "security.rate_limited"
    security_access_denied = "security.access_denied"
    security_expired_link_used = "security.expired_link_used"
    # the audit log itself
    audit_verified = "audit.verified"
    audit_exported = "audit.exported"
