"""Every API endpoint x every role, with bearer tokens, against the one permission table."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from app.auth.models import Role
from app.auth.permissions import ROLE_PERMISSIONS, Permission, access_for
from tests.api.helpers import assert_error, caller
from tests.routes import iter_routes

PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def _api_routes(app) -> list[APIRoute]:
    routes = [
        route
        for route in iter_routes(list(app.routes))
        if isinstance(route, APIRoute)
        and route.path.startswith("/api/v1/")
        and route.name not in ("api.docs", "api.openapi")  # public outside production
    ]
    assert len(routes) >= 30
    return routes


def _concrete(path: str) -> str:
    return PATH_PARAM.sub(lambda m: "999999" if m.group(1) != "slug" else "soc-assurance", path)


def _calls(app):
    for route in _api_routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            yield route, method


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_endpoint_answers_each_role_as_the_table_says(app, client, session, role):
    _user, headers = caller(session, role)
    problems = []
    for route, method in _calls(app):
        access = access_for(route.name, route.path)
        assert isinstance(access, Permission), route.name
        response = client.request(method, _concrete(route.path), headers=headers, json={})
        allowed = access in ROLE_PERMISSIONS[role]
        if allowed and response.status_code in (401, 403):
            problems.append(f"{method} {route.path}: refused ({response.text[:80]})")
        if not allowed and response.status_code != 403:
            problems.append(f"{method} {route.path}: allowed ({response.status_code})")
        if response.status_code >= 500:
            problems.append(f"{method} {route.path}: server error")
    assert problems == []


def test_every_endpoint_refuses_anonymous_callers_with_json_401(app, client):
    for route, method in _calls(app):
        client.cookies.clear()  # a program without a cookie jar, as API clients are
        response = client.request(method, _concrete(route.path), json={})
        assert_error(response, 401, "not_authenticated")


SAMPLE_SCOPES = [
    Permission.vendors_read,
    Permission.questionnaires_write,
    Permission.reports_download,
    Permission.audit_read,
]


@pytest.mark.parametrize("permission", SAMPLE_SCOPES, ids=lambda p: p.value)
def test_a_token_scoped_to_one_permission_reaches_only_its_endpoints(
    app, client, session, permission
):
    from tests.api.helpers import bearer, token_for
    from tests.factories import make_user

    headers = bearer(token_for(session, make_user(session, role=Role.admin), scopes=[permission]))
    for route, method in _calls(app):
        response = client.request(method, _concrete(route.path), headers=headers, json={})
        expected_403 = access_for(route.name, route.path) is not permission
        assert (response.status_code == 403) is expected_403, (route.path, response.status_code)
