"""The OpenAPI document describes the API only, with schemas and errors; docs work offline."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Environment, Settings
from app.core.db import get_session
from app.main import create_app
from tests.api.helpers import caller
from tests.factories import make_user, sign_in

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_openapi_document_lists_only_api_routes(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["paths"]
    assert all(path.startswith("/api/v1/") for path in spec["paths"])
    assert "ApiToken" in spec["components"]["securitySchemes"]


def test_every_operation_documents_its_bodies_and_errors(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("401", "403", "422"):
                error = responses[status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorBody"}, (path, method)
            success = next(code for code in responses if code.startswith("2"))
            assert responses[success].get("content"), (path, method)
            if method in ("post", "patch") and "requestBody" in operation:
                content = operation["requestBody"]["content"]
                assert "application/json" in content or "multipart/form-data" in content


def test_updates_document_412_and_428(client):
    spec = client.get("/api/v1/openapi.json").json()
    patch = spec["paths"]["/api/v1/vendors/{vendor_id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])


def test_the_docs_page_loads_swagger_from_this_server_without_inline_script(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "/static/api/docs.js" in page.text
    assert "<script>" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "cdn" not in page.text.lower()
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert (STATIC / asset).is_file()
        assert client.get(f"/static/{asset}").status_code == 200


@pytest.fixture
def production_client(database_url, tmp_path, session):
    settings = Settings(
        env=Environment.production,
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        secret_key="s" * 40,
        storage_key="55" * 32,
    )
    app = create_app(settings)
    app.dependency_overrides[get_session] = lambda: session
    app.state.session_factory = lambda: nullcontext(session)
    with TestClient(app) as client:
        yield client


def test_in_production_the_docs_work_for_token_holders_and_signed_in_staff(
    production_client, session
):
    assert production_client.get("/api/v1/openapi.json").status_code == 401
    _user, headers = caller(session)
    spec = production_client.get("/api/v1/openapi.json", headers=headers)
    assert spec.status_code == 200
    assert "/api/v1/vendors" in spec.json()["paths"]
    anonymous_page = production_client.get("/api/v1/docs")
    assert 'data-spec-url=""' in anonymous_page.text
    sign_in(production_client, make_user(session))
    page = production_client.get("/api/v1/docs")
    assert 'data-spec-url="/api/v1/openapi.json"' in page.text
    assert production_client.get("/api/v1/openapi.json").status_code == 200
