"""The links that open a request in the vendor portal: issuing, replacing and finding them.

A request has one current link (``QuestionnaireRequest.token_hash``), sent with the invitation.
Each reminder carries a fresh link of its own, so the vendor never has to dig out the first
mail; those stay valid until the request's link expires. Issuing a new current link (resend,
copy-link, a request for changes) replaces every earlier one: using a replaced link says that a
newer one was sent, and when, instead of calling it unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.requests.links import new_portal_token, token_hash
from app.requests.models import PortalLink, QuestionnaireRequest


@dataclass(frozen=True)
class FoundLink:
    """The request a link opens; ``newer_link_sent_at`` is set when the link was replaced."""

    request: QuestionnaireRequest
    newer_link_sent_at: datetime | None = None


def issue_current_link(session: Session, request: QuestionnaireRequest, now: datetime) -> str:
    """Give the request a new current link; every earlier link becomes a replaced one."""
    if request.token_hash is not None:
        assert request.id is not None
        session.exec(
            update(PortalLink)
            .where(
                col(PortalLink.request_id) == request.id,
                col(PortalLink.replaced_at).is_(None),
            )
            .values(replaced_at=now)
        )
        session.add(
            PortalLink(
                request_id=request.id,
                token_hash=request.token_hash,
                purpose="current",
                created_at=now,
                replaced_at=now,
            )
        )
    token = new_portal_token()
    request.token_hash = token_hash(token)
    return token


def issue_reminder_link(session: Session, request: QuestionnaireRequest, now: datetime) -> str:
    """Return a fresh link for a reminder; it opens the portal until the request's link expires."""
    assert request.id is not None
    token = new_portal_token()
    session.add(
        PortalLink(
            request_id=request.id, token_hash=token_hash(token), purpose="reminder", created_at=now
        )
    )
    return token


def find_link(session: Session, token: str) -> FoundLink | None:
    """Return the request a token opens (current, reminder or replaced link), or None."""
    digest = token_hash(token)
    current = session.exec(
        select(QuestionnaireRequest).where(QuestionnaireRequest.token_hash == digest)
    ).first()
    if current is not None:
        return FoundLink(current)
    found = session.exec(
        select(PortalLink, QuestionnaireRequest)
        .join(QuestionnaireRequest, col(QuestionnaireRequest.id) == PortalLink.request_id)
        .where(PortalLink.token_hash == digest)
    ).first()
    if found is None:
        return None
    link, request = found
    if link.replaced_at is None:
        return FoundLink(request)
    return FoundLink(request, newer_link_sent_at=_newest_replacement(session, request))


def _newest_replacement(session: Session, request: QuestionnaireRequest) -> datetime | None:
    # The current link was issued when the last earlier link was replaced.
    return session.exec(
        select(func.max(PortalLink.replaced_at)).where(PortalLink.request_id == request.id)
    ).one()


def is_live(session: Session, request: QuestionnaireRequest, link_hash: str) -> bool:
    """Return whether a link (by hash) still opens the request: current, or a live reminder's."""
    if request.token_hash == link_hash:
        return True
    found = session.exec(
        select(PortalLink.id).where(
            PortalLink.request_id == request.id,
            PortalLink.token_hash == link_hash,
            col(PortalLink.replaced_at).is_(None),
        )
    ).first()
    return found is not None
