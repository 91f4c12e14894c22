"""Every route of the application x every role, against the one permission table."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.auth.models import Role
from app.auth.permissions import ROLE_PERMISSIONS, ROUTE_ACCESS, Audience, Permission, access_for
from app.core.config import Environment, Settings
from app.main import create_app
from tests.factories import csrf_token, make_user, make_vendor, sign_in
from tests.routes import iter_routes

PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def _all_routes(app):
    return [r for r in iter_routes(list(app.routes)) if getattr(r, "name", None)]


def _concrete(path: str) -> str:
    # Ids that name no object: an allowed role gets past the permission check to a 404/422.
    return PATH_PARAM.sub(lambda m: "999999" if m.group(1).endswith("id") else "x", path)


def test_every_route_is_in_the_permission_table(tmp_path):
    app = create_app(Settings(env=Environment.test, database_url=f"sqlite:///{tmp_path}/r.db"))
    missing = sorted(
        f"{route.name} {getattr(route, 'path', '')}"
        for route in _all_routes(app)
        if access_for(route.name, getattr(route, "path", "")) is None
    )
    assert missing == [], f"add these routes to ROUTE_ACCESS in app/auth/permissions.py: {missing}"


def test_routes_the_guard_cannot_see_are_public(tmp_path):
    # Mounts and plain Starlette routes do not run FastAPI dependencies, so they must be public.
    app = create_app(Settings(env=Environment.test, database_url=f"sqlite:///{tmp_path}/r.db"))
    unguarded = [r.name for r in _all_routes(app) if not isinstance(r, APIRoute)]
    assert unguarded
    assert all(access_for(name, "") is Audience.public for name in unguarded)


def test_the_table_names_no_route_that_does_not_exist(tmp_path):
    app = create_app(Settings(env=Environment.test, database_url=f"sqlite:///{tmp_path}/r.db"))
    names = {route.name for route in _all_routes(app)}
    stale = sorted(set(ROUTE_ACCESS) - names - {"auth.sso_start", "auth.sso_callback"})
    assert stale == []


def _is_login_redirect(response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def _outcome_problem(role: Role | None, access, response) -> str | None:
    status = response.status_code
    if access is Audience.portal:
        # The portal answers with its own token check; a staff sign-in is never the way in.
        return "sent to staff sign-in" if _is_login_redirect(response) else None
    if isinstance(access, Audience):
        return None if status not in (401, 403) and not _is_login_redirect(response) else "refused"
    if role is None:
        return None if _is_login_redirect(response) or status == 401 else "not sent to sign in"
    if access in ROLE_PERMISSIONS[role]:
        return "refused" if status in (401, 403) or _is_login_redirect(response) else None
    return None if status == 403 else f"allowed ({status})"


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_every_route_answers_every_role_as_the_table_says(app, session, role):
    problems = []
    with TestClient(app, raise_server_exceptions=False) as client:
        if role is not None:
            sign_in(client, make_user(session, role=role))
        token = csrf_token(client)
        for route in _all_routes(app):
            # Signing out would end the walk early; test_login covers it.
            if not isinstance(route, APIRoute) or route.name == "auth.logout":
                continue
            access = access_for(route.name, route.path)
            for method in sorted(route.methods - {"HEAD"}):
                response = client.request(
                    method,
                    _concrete(route.path),
                    headers={"X-CSRF-Token": token},
                    follow_redirects=False,
                )
                problem = _outcome_problem(role, access, response)
                if problem:
                    problems.append(f"{method} {route.path} ({route.name}): {problem}")
    assert problems == []


def test_a_denied_role_gets_a_403_page_not_data(client, session):
    vendor = make_vendor(session, name="Acme Secret Hosting")
    sign_in(client, make_user(session, role=Role.procurement))
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "Not allowed" in response.text
    assert client.get(f"/vendors/{vendor.id}").status_code == 200


def test_a_role_change_applies_on_the_next_request(client, session):
    from app.auth import service as auth_service

    user = make_user(session, role=Role.auditor)
    sign_in(client, user)
    assert client.get("/admin/audit").status_code == 200
    auth_service.set_role(session, email=user.email, role=Role.procurement)
    assert client.get("/admin/audit").status_code == 403


def test_a_route_missing_from_the_table_is_refused(app, session, monkeypatch):
    @app.get("/unlisted", name="tests.unlisted")
    def unlisted() -> dict[str, str]:
        return {"secret": "data"}

    with TestClient(app) as client:
        sign_in(client, make_user(session, role=Role.admin))
        response = client.get("/unlisted")
    assert response.status_code == 403
    assert "secret" not in response.text


def test_admins_hold_every_permission_and_auditors_change_nothing():
    assert ROLE_PERMISSIONS[Role.admin] == frozenset(Permission)
    writes = {p for p in Permission if p.value.endswith((".write", ".manage", ".upload"))}
    assert not (ROLE_PERMISSIONS[Role.auditor] & writes)
    assert Permission.reports_download not in ROLE_PERMISSIONS[Role.procurement]
