"""Application factory."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app.admin.account_routes import router as account_router
from app.admin.audit_routes import router as audit_router
from app.admin.routes import router as admin_router
from app.api.docs import router as api_docs_router
from app.api.middleware import ApiAuthenticationMiddleware
from app.api.router import api_routers
from app.audit.security import AuditedSecurityEvents
from app.auth.deps import enforce_route_access
from app.auth.gate import check_report_upload
from app.auth.mfa_routes import router as mfa_router
from app.auth.routes import router as auth_router
from app.auth.token_routes import router as api_tokens_router
from app.controls.routes import router as controls_router
from app.core.config import Environment, Settings, get_settings
from app.core.csrf import CsrfMiddleware, register_template_globals
from app.core.db import get_engine
from app.core.handlers import install_error_handlers
from app.core.health import router as health_router
from app.core.limits import FORM_BODY_LIMIT, UPLOAD_BODY_LIMIT
from app.core.logging import configure_logging
from app.core.ratelimit import RateLimiter, install_rate_limits, rate_limit
from app.core.security import install_security_headers
from app.core.serving import SlowBodyTimeout
from app.core.templating import templates
from app.core.upload_gate import GateRule, UploadGateMiddleware
from app.evidence.routes import router as documents_router
from app.fourth_parties.routes import router as fourth_parties_router
from app.jobs.mail import QueuedMailDispatcher
from app.jobs.queue import get_job_queue
from app.mail.service import MailDispatcher
from app.mail.transport import get_mailer
from app.organisation.deps import load_for_staff_pages
from app.organisation.routes import router as organisation_router
from app.portal.gate import check_portal_upload
from app.portal.remediation_routes import router as portal_remediation_router
from app.portal.routes import autosave_router
from app.portal.routes import router as portal_router
from app.questionnaires.authoring_routes import router as authoring_router
from app.questionnaires.library_routes import router as library_router
from app.remediation.routes import router as remediation_router
from app.reports.malware import MALWARE_SCANNING_OFF, scanner_from_settings
from app.reports.storage_backends import get_storage, storage_problem
from app.requests.routes import router as requests_router
from app.reviews.routes import router as reviews_router
from app.reviews.tier_set_routes import router as tier_set_router
from app.reviews.vendor_pages import router as vendor_pages_router
from app.vendors.routes import router as vendors_router
from app.wiring import install_session_hooks

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application: routers, static files and error handlers; no logic."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.env is not Environment.test:
            # What start-up built (modules, tables, templates) lives as long as the server:
            # kept out of the collector's full passes, which otherwise walk it again and again
            # under load and stall requests for tens of milliseconds (p99 of portal saves
            # 160 -> 60 ms). No collection first: it would add 0.1 s to every start.
            gc.freeze()
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Diligence API",
        version="1",
        description="Vendor security due diligence. Authenticate with an API token: "
        "`Authorization: Bearer dlg_t_…` (create one on the API tokens page).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # Served by app.api.docs, which decides who may read it.
        openapi_url=None,
        # Every route is checked against the one permission table (app/auth/permissions.py).
        # Staff pages then read the organisation settings (the "name your organisation" banner).
        dependencies=[Depends(enforce_route_access), Depends(load_for_staff_pages)],
        # Bytes read before routing (the CSRF check) count against this outer limit; each
        # router below sets the small form limit, and upload routes raise it for themselves.
        max_body_size=UPLOAD_BODY_LIMIT,
    )
    app.state.settings = settings
    app.state.security_events = AuditedSecurityEvents()
    app.state.readiness_checks = [partial(storage_problem, settings)]
    app.state.engine = get_engine(settings.database_url, pool_size=settings.db_pool_size)
    _wire_infrastructure(app, settings)
    install_session_hooks()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _include_routers(app)
    install_error_handlers(app)
    _install_upload_gate(app)
    _install_security(app, settings)
    return app


def _wire_infrastructure(app: FastAPI, settings: Settings) -> None:
    # Features reach these through their dependencies (reports.deps, evidence.deps, mail.deps).
    queue = get_job_queue(settings)
    app.state.reading_queue = queue
    app.state.open_storage = partial(get_storage, settings)
    scanner = scanner_from_settings(settings)
    app.state.malware_scanner = scanner
    if scanner is None:
        logger.warning(MALWARE_SCANNING_OFF)
        app.state.readiness_warnings = [MALWARE_SCANNING_OFF]
    else:
        app.state.readiness_checks.append(scanner.check)
    app.state.mail_dispatcher = (
        QueuedMailDispatcher(queue)
        if queue is not None
        else MailDispatcher(app.state.engine, get_mailer(settings))
    )


def _include_routers(app: FastAPI) -> None:
    # The OpenAPI document describes the JSON API only; pages stay out of it.
    # First: the portal's answer autosave is the busiest route; no other route matches its path.
    app.include_router(autosave_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(health_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(auth_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(reviews_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(vendors_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(
        fourth_parties_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False
    )
    app.include_router(remediation_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    # After the vendors router, so that /vendors/new is not read as a vendor id.
    app.include_router(vendor_pages_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(requests_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(tier_set_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(controls_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(authoring_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(library_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(documents_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    # Before the portal router, so that /portal/remediation is not read as a link's token.
    app.include_router(
        portal_remediation_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False
    )
    app.include_router(portal_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(audit_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(api_tokens_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(mfa_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(organisation_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(admin_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(account_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    app.include_router(api_docs_router, max_body_size=FORM_BODY_LIMIT, include_in_schema=False)
    api_limit = [Depends(rate_limit("api", per="user"))]
    for router in api_routers():
        app.include_router(router, max_body_size=FORM_BODY_LIMIT, dependencies=api_limit)


def _install_upload_gate(app: FastAPI) -> None:
    rules = [
        GateRule(re.compile(r"/portal/uploads/[^/]+"), check_portal_upload),
        GateRule(re.compile(r"/portal/remediation/[^/]+/answer"), check_portal_upload),
        GateRule(re.compile(r"(/api/v1)?/vendors/[^/]+/documents"), check_report_upload),
    ]
    app.add_middleware(UploadGateMiddleware, rules=rules)


def _install_security(app: FastAPI, settings: Settings) -> None:
    # The last middleware added runs first: portal rate limits, then CSRF, both before routing.
    app.add_middleware(
        CsrfMiddleware, signing_key=settings.signing_key(), secure=settings.uses_https
    )
    limiter = RateLimiter(settings.rate_limits, storage=settings.rate_limit_storage)
    install_rate_limits(app, limiter)
    register_template_globals(templates.env)
    # Templates change only with a release: production does not stat them on every render.
    templates.env.auto_reload = settings.env is not Environment.production
    # Added last so it runs first: anonymous API writes get 401 rather than the CSRF refusal.
    app.add_middleware(ApiAuthenticationMiddleware)
    # Outermost of all: no check above waits on a stalled request body for long.
    app.add_middleware(SlowBodyTimeout)
    install_security_headers(app, force_https=settings.uses_https)
