"""The tier's set: the questionnaires and documents the policy requires of a vendor's tier.

Sending it is one action on the vendor page: the tier's questionnaires go to the primary
contact (as a reassessment sends them), skipping any the vendor has open already, and the
message lists the documents to upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.auth.models import User
from app.core.config import Settings
from app.core.errors import InvalidInput
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.library import get_definition
from app.requests.models import QuestionnaireRequest, RequestStatus
from app.reviews.cadence import policy_in_force
from app.reviews.reassessments import SendNote, primary_contact, send_questionnaires
from app.scoring.domain.requirement_policy import DocumentRequirement, UploadRequired
from app.vendors.models import Vendor

OPEN_STATUSES = (
    RequestStatus.sent,
    RequestStatus.opened,
    RequestStatus.in_progress,
    RequestStatus.changes_requested,
)


@dataclass(frozen=True)
class RequiredQuestionnaire:
    slug: str
    title: str


@dataclass(frozen=True)
class TierSet:
    """What a tier requires, in words for the vendor page and the message to the vendor."""

    tier: str
    questionnaires: tuple[RequiredQuestionnaire, ...]
    documents: tuple[str, ...]


@dataclass(frozen=True)
class TierSetSent:
    sent: int  # questionnaires sent
    already_open: tuple[str, ...]  # titles skipped: the vendor is answering them already


def _title(slug: str) -> str:
    try:
        return get_definition(slug).definition.title
    except DefinitionNotFound:
        return slug


def _describe(item: DocumentRequirement) -> str:
    """Say what a requirement asks for, naming questionnaires by their titles."""
    return item.describe(_title) if isinstance(item, UploadRequired) else item.describe()


def tier_set_for(vendor: Vendor) -> TierSet | None:
    """Return the set the vendor's tier requires, or None before its tier is assessed."""
    if vendor.inherent_tier is None:
        return None
    tier = vendor.inherent_tier
    policy = policy_in_force()
    slugs = policy.reassessment.for_tier(tier.value).questionnaires
    documents = policy.requirements.for_tier(tier.value).documents if policy.requirements else ()
    return TierSet(
        tier.value,
        tuple(RequiredQuestionnaire(slug, _title(slug)) for slug in slugs),
        tuple(_describe(item) for item in documents),
    )


def _open_slugs(session: Session, vendor_id: int) -> set[str]:
    rows = session.exec(
        select(QuestionnaireRequest.questionnaire_slug).where(
            QuestionnaireRequest.vendor_id == vendor_id,
            col(QuestionnaireRequest.status).in_([status.value for status in OPEN_STATUSES]),
        )
    ).all()
    return set(rows)


def _message(vendor: Vendor, wanted: TierSet) -> str:
    lines = [
        f"As a {wanted.tier}-tier supplier, {vendor.name} is asked for the questionnaires below."
    ]
    if wanted.documents:
        lines.append("Please also upload: " + "; ".join(wanted.documents) + ".")
    return "\n".join(lines)


def send_tier_set(
    session: Session, *, vendor: Vendor, user: User, settings: Settings, today: date
) -> TierSetSent:
    """Send the tier's questionnaires the vendor has not open to its primary contact."""
    assert vendor.id is not None
    wanted = tier_set_for(vendor)
    if wanted is None:
        raise InvalidInput("Assess the vendor's inherent tier first: the set depends on it.")
    contact = primary_contact(session, vendor.id)
    if contact is None:
        raise InvalidInput("Mark one of the vendor's contacts as primary first.")
    already = _open_slugs(session, vendor.id)
    slugs = tuple(item.slug for item in wanted.questionnaires if item.slug not in already)
    skipped = tuple(item.title for item in wanted.questionnaires if item.slug in already)
    if not slugs:
        raise InvalidInput("The vendor is already answering every questionnaire of its tier.")
    note = SendNote(message=_message(vendor, wanted), today=today, actor=user)
    sent = send_questionnaires(session, vendor, contact, slugs, note, settings=settings)
    return TierSetSent(len(sent), skipped)
