"""Demo data so that a fresh installation has something to look at."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlmodel import Session, func, select

from app.audit import actors
from app.audit.actors import vendor_actor
from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.passwords import generate_password
from app.controls import service as controls_service
from app.core.config import Settings
from app.core.db import utcnow
from app.core.rows import id_of
from app.demo.sample_documents import render_pdf, sample_documents
from app.evidence.intake import EvidenceStore, Upload, receive_document
from app.organisation import service as organisation_service
from app.reports.malware import scanner_from_settings
from app.reports.models import UploadChannel
from app.reports.storage_backends import get_storage
from app.requests import answer_store as answering
from app.requests import service as requests_service
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier, Vendor, VendorStatus

DEMO_ADMIN_EMAIL = "admin@diligence.local"
DEMO_QUESTIONNAIRE_VENDOR = "Tessellate Support Ltd"
_DEMO_FIRST_ANSWERS = (("primary_soc_report", "soc2"), ("holds_soc2_type2", "yes"))

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
_DEMO_CONTROLS = (
    ("AC-01", "Quarterly review of who can reach vendor systems"),
    ("IAM-02", "Single sign-on with a second factor for every vendor account"),
    ("BC-03", "Our own backups of data exported from vendor services"),
)
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
    # A few of our own controls, so that the CUECs of the sample reports can be mapped at once.
    for ref, control_name in _DEMO_CONTROLS:
        if controls_service.get_control_by_ref(session, ref) is None:
            controls_service.save_control(
                session, ref=ref, name=control_name, owner_email=DEMO_ADMIN_EMAIL, actor=DEMO_ACTOR
            )
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


def _demo_samples(today: date) -> Mapping[str, Sequence[tuple[str, bytes]]]:
    samples: dict[str, list[tuple[str, bytes]]] = {}
    for document in sample_documents(today):
        data = render_pdf(document.pages, title=document.file_name, created=today)
        samples.setdefault(document.vendor, []).append((document.file_name, data))
    return samples


def load_sample_documents(
    session: Session, *, settings: Settings, samples: Mapping[str, Sequence[Path]] | None = None
) -> int:
    """Upload sample reports for their vendors (by vendor name): read, used and scored like any
    upload. Without ``samples``, the demo's own reports, written for today's date."""
    today = utcnow().date()
    files: Mapping[str, Sequence[tuple[str, bytes]]] = (
        {
            name: [(path.name, path.read_bytes()) for path in paths]
            for name, paths in samples.items()
        }
        if samples is not None
        else _demo_samples(today)
    )
    store = EvidenceStore(
        storage=get_storage(settings),
        reading_queue=None,
        max_upload_bytes=settings.max_upload_bytes,
        scanner=scanner_from_settings(settings),
    )
    read = 0
    for name, documents in files.items():
        vendor = session.exec(select(Vendor).where(Vendor.name == name)).first()
        if vendor is None:
            continue
        for file_name, data in documents:
            upload = Upload(io.BytesIO(data), file_name, UploadChannel.staff, actor=DEMO_ACTOR)
            outcome = receive_document(session, store, upload, vendor=vendor, today=today)
            read += int(not outcome.is_duplicate)
    return read


def send_sample_questionnaire(session: Session, *, settings: Settings) -> bool:
    """Send the SOC assurance questionnaire to one demo vendor so the portal can be tried."""
    vendor = session.exec(select(Vendor).where(Vendor.name == DEMO_QUESTIONNAIRE_VENDOR)).first()
    admin = auth_service.get_user_by_email(session, DEMO_ADMIN_EMAIL)
    if vendor is None or vendor.id is None or admin is None:
        return False
    contact = vendors_service.list_contacts(session, vendor_id=vendor.id)[0]
    request = requests_service.send_request(
        session,
        vendor_id=vendor.id,
        contact_id=contact.id,
        slug="soc-assurance",
        due_on=utcnow().date() + timedelta(days=14),
        message="Demo: open this link to try the vendor portal.",
        sent_by=admin,
        settings=settings,
    )
    # The vendor has started: the first screen shows a questionnaire in progress.
    for question_id, value in _DEMO_FIRST_ANSWERS:
        answering.save_answer(
            session,
            request=request,
            question_id=question_id,
            value=value,
            expected_version=None,
            actor=vendor_actor(id_of(request)),
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
