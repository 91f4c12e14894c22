"""Import every table so that ``SQLModel.metadata`` is complete (app, migrations, tests)."""

from app.admin.models import PasswordLink
from app.api.models import IdempotencyRecord
from app.audit.models import AuditEvent
from app.auth.models import ApiToken, StaffSession, User
from app.controls.models import Control, CuecLink
from app.evidence.models import CompletedQuestionnaire
from app.mail.models import OutgoingMail
from app.organisation.models import OrganisationSettings
from app.portal.models import PortalSession
from app.remediation.models import RemediationEntry, RemediationItem
from app.reports.models import Document, ReportFacts
from app.requests.models import Answer, PortalLink, QuestionnaireRequest, ReminderLog
from app.reviews.models import (
    CuecOwner,
    Decision,
    Reassessment,
    ReportAcknowledgement,
    VendorReview,
)
from app.scoring.models import Score
from app.vendors.models import Vendor, VendorContact

__all__ = [
    "Answer",
    "ApiToken",
    "AuditEvent",
    "CompletedQuestionnaire",
    "Control",
    "CuecLink",
    "CuecOwner",
    "Decision",
    "Document",
    "IdempotencyRecord",
    "OrganisationSettings",
    "OutgoingMail",
    "PasswordLink",
    "PortalLink",
    "PortalSession",
    "QuestionnaireRequest",
    "Reassessment",
    "RemediationEntry",
    "RemediationItem",
    "ReminderLog",
    "ReportAcknowledgement",
    "ReportFacts",
    "Score",
    "StaffSession",
    "User",
    "Vendor",
    "VendorContact",
    "VendorReview",
]
