"""Import every table so that ``SQLModel.metadata`` is complete (app, migrations, tests)."""

from app.audit.models import AuditEvent
from app.auth.models import StaffSession, User
from app.questionnaires.models import Answer, QuestionnaireRequest
from app.reports.models import Document, ReportFacts
from app.reviews.models import Decision
from app.scoring.models import Score
from app.vendors.models import Vendor, VendorContact

__all__ = [
    "Answer",
    "AuditEvent",
    "Decision",
    "Document",
    "QuestionnaireRequest",
    "ReportFacts",
    "Score",
    "StaffSession",
    "User",
    "Vendor",
    "VendorContact",
]
