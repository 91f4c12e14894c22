"""Demo data so that a fresh installation has something to look at."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlmodel import Session, func, select

from app.audit import actors
from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.passwords import generate_password
from app.core.config import Settings
from app.core.db import utcnow
from app.evidence.intake import EvidenceStore, Upload, receive_document
from app.organisation import service as organisation_service
from app.reports.malware import scanner_from_settings
from app.reports.models import UploadChannel
from app.reports.storage_backends import get_storage
from app.requests import service as requests_service
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier, Vendor, VendorStatus

DEMO_ADMIN_EMAIL = "admin@diligence.local"
SAMPLES = Path(__file__).resolve().parent / "samples"
# Synthetic sample reports uploaded for the vendors they describe.
_DEMO_DOCUMENTS = {
    "Lumenary Cloud, Inc.": ("a01.pdf", "a11.pdf"),
    "Corvid Metrics, Inc.": ("a02.pdf", "a12.pdf"),
    "Pallas Ledger Corp.": ("a03.pdf",),
    "Skyquill Software, Inc.": ("a04.pdf",),
    "Amberleaf Health Technologies, LLC": ("a07.pdf",),
}
DEMO_QUESTIONNAIRE_VENDOR = "Tessellate Support Ltd"

_DEMO_VENDORS: list[tuple[str, str, str, list[str], InherentTier, VendorStatus]] = [
    (
        "Lumenary Cloud, Inc.",
        "lumenary.example",
        "Cloud hosting for the customer portal",
        ["customer_personal_data", "confidential_business"],
        InherentTier.critical,
        VendorStatus.active,
    ),
    (
        "Corvid Metrics, Inc.",
        "corvid.example",
        "Product analytics",
        ["usage_data", "customer_personal_data"],
        InherentTier.high,
        VendorStatus.active,
    ),
    (
        "Pallas Ledger Corp.",
        "pallas.example",
        "Accounts payable automation",
        ["financial_data"],
        InherentTier.high,
        VendorStatus.onboarding,
    ),
    (
        "Skyquill Software, Inc.",
        "skyquill.example",
        "Expense management",
        ["employee_personal_data", "financial_data"],
        InherentTier.moderate,
        VendorStatus.active,
    ),
    (
        "Amberleaf Health Technologies, LLC",
        "amberleaf.example",
        "Employee health benefits portal",
        ["special_category_data", "employee_personal_data"],
        InherentTier.critical,
        VendorStatus.onboarding,
    ),
    (
        "Quillfeather Learning",
        "quillfeather.example",
        "Staff security awareness training",
        ["employee_contact_data"],
        InherentTier.low,
        VendorStatus.active,
    ),
    (
        "Tessellate Support Ltd",
        "tessellate.example",
        "Customer support desk",
        ["customer_personal_data"],
        InherentTier.moderate,
        VendorStatus.onboarding,
    ),
]


@dataclass(frozen=True)
class DemoLoadResult:
    admin_email: str
    admin_password: str | None
    vendors_created: int
    documents_read: int = 0
    questionnaire_sent: bool = False


DEMO_ACTOR = actors.DEMO
DEMO_ORGANISATION_NAME = "Northwind Mutual (demo)"


def is_empty(session: Session) -> bool:
    """Tell whether the database holds no users and no vendors yet."""
    users = auth_service.count_users(session)
    vendors = session.exec(select(func.count()).select_from(Vendor)).one()
    return users == 0 and vendors == 0


def load_demo(session: Session) -> DemoLoadResult:
    """Create an admin with a generated password and a handful of vendors."""
    password: str | None = None
    if auth_service.get_user_by_email(session, DEMO_ADMIN_EMAIL) is None:
        password = generate_password()
        auth_service.create_user(
            session,
            email=DEMO_ADMIN_EMAIL,
            role=Role.admin,
            password=password,
            full_name="Demo administrator",
        )
    # Invitations need a sender's name; a real organisation renames itself on the Organisation page.
    organisation_service.name_if_unnamed(session, DEMO_ORGANISATION_NAME, actor=DEMO_ACTOR)
    created = 0
    for name, domain, services, data, tier, status in _DEMO_VENDORS:
        if session.exec(select(Vendor).where(Vendor.name == name)).first() is not None:
            continue
        vendor = vendors_service.create_vendor(
            session,
            name=name,
            domain=domain,
            services_used=services,
            data_categories=data,
            inherent_tier=tier,
        )
        vendor.status = status
        assert vendor.id is not None
        local = name.split()[0].lower().strip(",")
        vendors_service.add_contact(
            session,
            vendor_id=vendor.id,
            name=f"{local.title()} Security Team",
            email=f"security@{domain}",
            title="Security and compliance",
            is_primary=True,
        )
        created += 1
    session.flush()
    return DemoLoadResult(DEMO_ADMIN_EMAIL, password, created)


def load_sample_documents(
    session: Session, *, settings: Settings, samples: Mapping[str, Sequence[Path]] | None = None
) -> int:
    """Upload sample reports for their vendors (by vendor name): read, used and scored like any
    upload. Without ``samples``, the demo's own reports."""
    if samples is None:
        samples = {
            name: [SAMPLES / file_name for file_name in files]
            for name, files in _DEMO_DOCUMENTS.items()
        }
    store = EvidenceStore(
        storage=get_storage(settings),
        reading_queue=None,
        max_upload_bytes=settings.max_upload_bytes,
        scanner=scanner_from_settings(settings),
    )
    read = 0
    for name, paths in samples.items():
        vendor = session.exec(select(Vendor).where(Vendor.name == name)).first()
        if vendor is None:
            continue
        for path in paths:
            with path.open("rb") as source:
                upload = Upload(source, path.name, UploadChannel.staff, actor=DEMO_ACTOR)
                outcome = receive_document(
                    session, store, upload, vendor=vendor, today=utcnow().date()
                )
            read += int(not outcome.is_duplicate)
    return read


def send_sample_questionnaire(session: Session, *, settings: Settings) -> bool:
    """Send the SOC assurance questionnaire to one demo vendor so the portal can be tried."""
    vendor = session.exec(select(Vendor).where(Vendor.name == DEMO_QUESTIONNAIRE_VENDOR)).first()
    admin = auth_service.get_user_by_email(session, DEMO_ADMIN_EMAIL)
    if vendor is None or vendor.id is None or admin is None:
        return False
    contact = vendors_service.list_contacts(session, vendor_id=vendor.id)[0]
    requests_service.send_request(
        session,
        vendor_id=vendor.id,
        contact_id=contact.id,
        slug="soc-assurance",
        due_on=utcnow().date() + timedelta(days=14),
        message="Demo: open this link to try the vendor portal.",
        sent_by=admin,
        settings=settings,
    )
    return True


_PORTAL_LINK = re.compile(r"https?://\S+/portal/dlg_p_[A-Za-z0-9_-]+")


def latest_outbox_link(outbox_dir: Path) -> str | None:
    """Return the portal link in the newest development mail (demo only)."""
    mails = sorted(outbox_dir.glob("*.eml"))
    if not mails:
        return None
    # Parse the message: its body may be quoted-printable, which wraps long links.
    message = message_from_bytes(mails[-1].read_bytes(), policy=policy.default)
    body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
    match = _PORTAL_LINK.search(body.get_content() if body is not None else "")
    return match.group(0) if match else None
