"""The routers of /api/v1, one per resource."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.v1 import (
    audit,
    controls,
    documents,
    fourth_parties,
    questionnaires,
    remediation,
    requests,
    scores,
    vendors,
)


def api_routers() -> list[APIRouter]:
    """Return the routers of API version 1 (each carries the /api/v1 prefix itself)."""
    modules = (
        vendors,
        requests,
        documents,
        scores,
        questionnaires,
        audit,
        fourth_parties,
        remediation,
        controls,
    )
    return [module.router for module in modules]
