"""The one permission table: who may reach every route, and what each role may do.

Two mappings, both checked on every request by ``deps.enforce_route_access``:

* ``ROLE_PERMISSIONS`` — role -> permissions (actions on kinds of objects).
* ``ROUTE_ACCESS`` — route name -> the permission it needs, or ``Audience.public`` /
  ``Audience.portal`` for routes that need no staff session. A route that is missing here is
  refused (fail closed) and makes ``tests/security/test_route_permissions.py`` fail.

To add a route: give it ``name="<feature>.<action>"`` and add one line to ``ROUTE_ACCESS``. Inside
a handler, ``deps.require(Permission.x)`` returns the user and re-checks the permission; services
that act on an object call ``deps.authorize(user, Permission.x)`` for object-level checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from app.auth.models import Role


class Permission(StrEnum):
    dashboard_view = "dashboard.view"
    vendors_read = "vendors.read"
    vendors_write = "vendors.write"
    questionnaires_read = "questionnaires.read"
    questionnaires_write = "questionnaires.write"  # send, remind, revoke or re-issue links
    questionnaires_author = "questionnaires.author"  # create and edit drafts, import
    questionnaires_release = "questionnaires.release"  # make a draft sendable (audited)
    reports_read = "reports.read"  # metadata and facts read from SOC reports
    reports_download = "reports.download"  # the NDA-restricted documents themselves
    reports_upload = "reports.upload"
    scores_read = "scores.read"
    scores_write = "scores.write"  # recompute, override
    decisions_read = "decisions.read"
    decisions_write = "decisions.write"  # approve / reject a vendor
    exports_create = "exports.create"
    audit_read = "audit.read"  # the whole log, security and administration included
    audit_review = "audit.review"  # the log of vendors, requests, documents and reviews
    users_manage = "users.manage"
    organisation_manage = "organisation.manage"  # name, mail sender, portal welcome text


PERMISSION_LABELS: Mapping[Permission, str] = {
    Permission.dashboard_view: "See the dashboard",
    Permission.vendors_read: "Read vendors",
    Permission.vendors_write: "Add and edit vendors",
    Permission.questionnaires_read: "Read questionnaires and requests",
    Permission.questionnaires_write: "Send questionnaires and manage their links",
    Permission.questionnaires_author: "Write and import questionnaires",
    Permission.questionnaires_release: "Release questionnaires",
    Permission.reports_read: "Read what was found in reports",
    Permission.reports_download: "Open the restricted reports themselves",
    Permission.reports_upload: "Upload reports",
    Permission.scores_read: "Read scores",
    Permission.scores_write: "Recompute and override scores",
    Permission.decisions_read: "Read decisions",
    Permission.decisions_write: "Decide about vendors",
    Permission.exports_create: "Export",
    Permission.audit_read: "Read the whole audit log",
    Permission.audit_review: "Read the audit log of vendors and reviews",
    Permission.users_manage: "Manage people",
    Permission.organisation_manage: "Change the organisation's settings",
}
"""Each permission in plain words, for pages (the API speaks the values)."""


class Audience(StrEnum):
    public = "public"  # anyone, signed in or not
    portal = "portal"  # vendors through a portal link; the portal checks its own token


RouteAccess = Permission | Audience

_READ = frozenset(
    {
        Permission.dashboard_view,
        Permission.vendors_read,
        Permission.questionnaires_read,
        Permission.scores_read,
        Permission.decisions_read,
    }
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    # Procurement runs the process but does not read the NDA-restricted SOC reports.
    Role.procurement: _READ
    | {
        Permission.vendors_write,
        Permission.questionnaires_write,
        Permission.questionnaires_author,
        Permission.questionnaires_release,
        Permission.reports_upload,
    },
    Role.risk_officer: _READ
    | {
        Permission.vendors_write,
        Permission.questionnaires_write,
        Permission.reports_read,
        Permission.reports_download,
        Permission.reports_upload,
        Permission.scores_write,
        Permission.decisions_write,
        Permission.exports_create,
        Permission.audit_review,
    },
    # Auditors read the records, including the audit log, and change nothing; the
    # NDA-restricted report files stay with risk officers (least privilege).
    Role.auditor: _READ
    | {
        Permission.reports_read,
        Permission.exports_create,
        Permission.audit_read,
        Permission.audit_review,
    },
}

ROUTE_ACCESS: dict[str, RouteAccess] = {
    # Infrastructure: static files, probes, the API schema (no data in any of them).
    "static": Audience.public,
    "health.live": Audience.public,
    "health.ready": Audience.public,
    # Sign-in and sign-out (CSRF-protected; OIDC uses state, nonce and PKCE).
    "auth.login_form": Audience.public,
    "auth.login": Audience.public,
    "auth.logout": Audience.public,
    "auth.sso_start": Audience.public,
    "auth.sso_callback": Audience.public,
    # The home page welcomes visitors and shows the dashboard to signed-in staff.
    "reviews.dashboard": Audience.public,
    "reviews.expiring": Permission.dashboard_view,
    "reviews.export_dashboard": Permission.exports_create,
    "reviews.vendor": Permission.scores_read,
    "reviews.export_vendor": Permission.exports_create,
    "fourth_parties.list": Permission.dashboard_view,
    "fourth_parties.export": Permission.exports_create,
    "controls.list": Permission.dashboard_view,
    "controls.save": Permission.scores_write,
    "controls.import_csv": Permission.scores_write,
    "controls.vendor_cuecs": Permission.reports_read,
    "controls.link": Permission.scores_write,
    # The control's owner confirms; the route checks the owner's e-mail address.
    "controls.confirm": Permission.reports_read,
    "controls.memo": Permission.exports_create,
    "reviews.decide": Permission.decisions_write,
    "remediation.list": Permission.decisions_read,
    "remediation.vendor": Permission.decisions_read,
    "remediation.detail": Permission.decisions_read,
    "remediation.new": Permission.decisions_write,
    "remediation.create": Permission.decisions_write,
    "remediation.update": Permission.decisions_write,
    "remediation.change": Permission.decisions_write,
    "remediation.accept": Permission.decisions_write,
    "remediation.note": Permission.decisions_write,
    "reviews.override": Permission.scores_write,
    "reviews.clear_override": Permission.scores_write,
    "reviews.correct_fact_form": Permission.scores_write,
    "reviews.correct_fact": Permission.scores_write,
    "reviews.confirm_alias": Permission.scores_write,
    "reviews.send_tier_set": Permission.questionnaires_write,
    # Opening a restricted-use report; DILIGENCE_REPORT_VIEWER_ROLES narrows it further.
    "reviews.document_download": Permission.reports_download,
    "reviews.evidence": Permission.reports_download,
    "reviews.acknowledge_form": Permission.reports_download,
    "reviews.acknowledge": Permission.reports_download,
    "vendors.list": Permission.vendors_read,
    "vendors.detail": Permission.vendors_read,
    "vendors.documents": Permission.vendors_read,
    "vendors.new": Permission.vendors_write,
    "vendors.create": Permission.vendors_write,
    "vendors.edit": Permission.vendors_write,
    "vendors.update": Permission.vendors_write,
    "vendors.add_contact": Permission.vendors_write,
    "vendors.profile_form": Permission.vendors_write,
    "vendors.profile_save": Permission.vendors_write,
    "questionnaires.library": Permission.questionnaires_read,
    "questionnaires.preview": Permission.questionnaires_read,
    "questionnaires.check_wording": Permission.questionnaires_read,
    "questionnaires.export": Permission.questionnaires_read,
    "questionnaires.import_form": Permission.questionnaires_write,
    "questionnaires.import_file": Permission.questionnaires_write,
    "questionnaires.new_form": Permission.questionnaires_author,
    "questionnaires.create": Permission.questionnaires_author,
    "questionnaires.edit": Permission.questionnaires_author,
    "questionnaires.save_draft": Permission.questionnaires_author,
    "questionnaires.start_draft": Permission.questionnaires_author,
    "questionnaires.check_inline": Permission.questionnaires_read,
    "questionnaires.release_form": Permission.questionnaires_release,
    "questionnaires.release": Permission.questionnaires_release,
    "requests.list": Permission.questionnaires_read,
    "requests.detail": Permission.questionnaires_read,
    "requests.send": Permission.questionnaires_write,
    "requests.bulk_form": Permission.questionnaires_write,
    "requests.bulk_send": Permission.questionnaires_write,
    "requests.resend": Permission.questionnaires_write,
    "requests.revoke": Permission.questionnaires_write,
    "requests.confirm_revoke": Permission.questionnaires_write,
    "requests.confirm_cancel": Permission.questionnaires_write,
    "requests.copy_link": Permission.questionnaires_write,
    "requests.extend": Permission.questionnaires_write,
    "requests.request_changes": Permission.questionnaires_write,
    "requests.cancel": Permission.questionnaires_write,
    "requests.accept": Permission.questionnaires_write,
    "documents.upload": Permission.reports_upload,
    "documents.upload_completed": Permission.reports_upload,
    "documents.completed_answers": Permission.reports_read,
    # Risk officers see the business events; audit.read adds security and administration.
    "audit.list": Permission.audit_review,
    # Each person manages the API tokens that act as them (user managers see everyone's).
    "auth.mfa_form": Audience.public,
    "auth.mfa": Audience.public,
    "auth.mfa_account": Permission.dashboard_view,
    "auth.mfa_confirm": Permission.dashboard_view,
    "api_tokens.list": Permission.dashboard_view,
    "api_tokens.create": Permission.dashboard_view,
    "api_tokens.revoke": Permission.dashboard_view,
    "admin.users": Permission.users_manage,
    "admin.invite": Permission.users_manage,
    "admin.reset": Permission.users_manage,
    "admin.change_role": Permission.users_manage,
    "admin.disable": Permission.users_manage,
    "admin.enable": Permission.users_manage,
    "admin.second_factor_form": Permission.users_manage,
    "admin.reset_second_factor": Permission.users_manage,
    # Each person changes their own password; the one-time link is the credential itself.
    "account.password_form": Permission.dashboard_view,
    "account.change_password": Permission.dashboard_view,
    "account.link_form": Audience.public,
    "account.link_set_password": Audience.public,
    "organisation.settings": Permission.organisation_manage,
    "organisation.save": Permission.organisation_manage,
    "organisation.logo_upload": Permission.organisation_manage,
    "organisation.logo_remove": Permission.organisation_manage,
    # Shown on the vendor portal and in invitation mail, which mail clients fetch without
    # cookies: the logo is the organisation's public face (see organisation/logo.py).
    "organisation.logo": Audience.public,
    # The JSON API (/api/v1): bearer tokens are further limited to their scopes.
    "api.docs": Audience.public,
    "api.openapi": Audience.public,  # in production the route itself asks for a user
    "api.vendors.list": Permission.vendors_read,
    "api.vendors.create": Permission.vendors_write,
    "api.vendors.get": Permission.vendors_read,
    "api.vendors.update": Permission.vendors_write,
    "api.contacts.list": Permission.vendors_read,
    "api.contacts.create": Permission.vendors_write,
    "api.requests.list": Permission.questionnaires_read,
    "api.requests.send": Permission.questionnaires_write,
    "api.requests.get": Permission.questionnaires_read,
    "api.requests.update": Permission.questionnaires_write,
    "api.requests.resend": Permission.questionnaires_write,
    "api.requests.revoke": Permission.questionnaires_write,
    "api.requests.request_changes": Permission.questionnaires_write,
    "api.answers.list": Permission.questionnaires_read,
    "api.documents.upload": Permission.reports_upload,
    "api.documents.list": Permission.reports_read,
    "api.documents.get": Permission.reports_read,
    "api.documents.facts": Permission.reports_read,
    "api.documents.correct": Permission.scores_write,
    "api.documents.acknowledge": Permission.reports_download,
    "api.documents.download": Permission.reports_download,
    "api.scores.current": Permission.scores_read,
    "api.scores.override": Permission.scores_write,
    "api.scores.clear_override": Permission.scores_write,
    "api.scores.explain": Permission.scores_read,
    "api.scores.history": Permission.scores_read,
    "api.decisions.list": Permission.decisions_read,
    "api.decisions.create": Permission.decisions_write,
    "api.questionnaires.list": Permission.questionnaires_read,
    "api.questionnaires.get_version": Permission.questionnaires_read,
    "api.questionnaires.lint": Permission.questionnaires_read,
    "api.audit.list": Permission.audit_read,
    "api.fourth_parties.list": Permission.vendors_read,
    "api.remediation.list": Permission.decisions_read,
    "api.remediation.create": Permission.decisions_write,
    "api.remediation.get": Permission.decisions_read,
    "api.remediation.update": Permission.decisions_write,
    "api.remediation.accept": Permission.decisions_write,
    "api.remediation.close": Permission.decisions_write,
    "api.remediation.change": Permission.decisions_write,
    "api.remediation.history": Permission.decisions_read,
    "api.controls.list": Permission.dashboard_view,
    "api.cuecs.list": Permission.reports_read,
}

# Every route named ``portal.*`` whose path is under one of these prefixes is the vendor portal.
PORTAL_ROUTE_PREFIX = "portal."
PORTAL_PATH_PREFIXES = ("/portal", "/p/")


def access_for(route_name: str | None, path: str) -> RouteAccess | None:
    """Return what a route requires, or None when it is not in the table (refuse it)."""
    if route_name is None:
        return None
    if route_name in ROUTE_ACCESS:
        return ROUTE_ACCESS[route_name]
    if route_name.startswith(PORTAL_ROUTE_PREFIX) and path.startswith(PORTAL_PATH_PREFIXES):
        return Audience.portal
    return None


def can(role: Role, permission: Permission) -> bool:
    """Tell whether a role holds a permission."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
