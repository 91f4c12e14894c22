"""Demo data so that a fresh installation has something to look at."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from app.auth import service as auth_service
from app.auth.models import Role
from app.auth.passwords import generate_password
from app.vendors import service as vendors_service
from app.vendors.models import InherentTier, Vendor, VendorStatus

DEMO_ADMIN_EMAIL = "admin@diligence.local"

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
