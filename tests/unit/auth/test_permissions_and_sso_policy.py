from __future__ import annotations

from app.auth.models import Role
from app.auth.permissions import Audience, Permission, access_for, can
from app.auth.sso import SsoPolicy, role_from_claims


def test_portal_routes_are_recognised_only_under_portal_paths():
    assert access_for("portal.landing", "/portal/{token}") is Audience.portal
    assert access_for("portal.links_admin", "/requests/{request_id}/links") is None
    assert access_for(None, "/anything") is None


def test_unknown_routes_are_not_in_the_table():
    assert access_for("reports.secret_thing", "/reports/secret") is None


def test_roles_map_to_permissions():
    assert can(Role.auditor, Permission.audit_read)
    assert not can(Role.auditor, Permission.vendors_write)
    assert not can(Role.procurement, Permission.reports_read)
    assert can(Role.risk_officer, Permission.decisions_write)


def test_the_role_comes_from_the_first_known_value_of_the_claim():
    assert role_from_claims({"roles": ["reader", "auditor", "admin"]}, "roles") is Role.auditor
    assert role_from_claims({"roles": "risk_officer"}, "roles") is Role.risk_officer
    assert role_from_claims({"roles": "superuser"}, "roles") is None
    assert role_from_claims({"roles": "admin"}, "") is None


def test_the_domain_allow_list_is_exact_and_star_admits_any():
    policy = SsoPolicy(frozenset({"corp.example"}), "", None)
    assert policy.admits("a@corp.example") and policy.admits("A@CORP.EXAMPLE")
    assert not policy.admits("a@evilcorp.example") and not policy.admits("a@corp.example.evil")
    assert not policy.admits("no-at-sign")
    assert SsoPolicy(frozenset({"*"}), "", None).admits("x@anything.example")
    assert not SsoPolicy(frozenset(), "", None).admits("a@corp.example")
