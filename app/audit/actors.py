"""Who did something, as the audit log writes it: one spelling for each kind of actor."""

from __future__ import annotations

CLI = "cli"
SYSTEM = "system"
WORKER = "system:worker"
DEMO = "system:demo"


def user_actor(user_id: int) -> str:
    """Return the actor of a signed-in staff user (in the browser or through an API token)."""
    return f"user:{user_id}"


def vendor_actor(request_id: int) -> str:
    """Return the actor of a vendor answering through the portal link of a request."""
    return f"vendor:request:{request_id}"


def sso_actor(issuer: str, subject: str) -> str:
    """Return the actor of a single sign-on identity not yet tied to a staff account."""
    return f"oidc:{issuer}#{subject}"[:200]


def visitor_actor(address: str) -> str:
    """Return the actor of a request nobody signed in for, named by its client address."""
    return f"visitor:{address}"[:200]
