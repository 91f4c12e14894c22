"""OpenID Connect sign-in: authorization code flow with PKCE, state and nonce (Authlib client).

The per-attempt secrets (state, nonce, PKCE verifier, where to go next) travel in a short-lived
HMAC-signed, HttpOnly cookie, so the callback only succeeds in the browser that started it.
ID tokens are checked here: signature against the provider's JWKS (asymmetric algorithms only),
exact issuer, audience = our client id, expiry and nonce.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.auth.errors import SsoFailed

FLOW_COOKIE = "dlg_sso_flow"
FLOW_LIFETIME_SECONDS = 600
SCOPES = "openid email profile"
# Asymmetric only: an HMAC-signed token could be forged with the (shared) client secret.
ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
_HTTP_TIMEOUT = 10.0
_METADATA_TTL_SECONDS = 3600
_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class OidcClientConfig:
    discovery_url: str
    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass(frozen=True)
class OidcIdentity:
    issuer: str
    subject: str
    email: str
    email_verified: bool | None
    name: str
    claims: Mapping[str, Any]


@dataclass(frozen=True)
class SignInStart:
    authorization_url: str
    flow_cookie: str


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=_HTTP_TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoFailed("The sign-in provider could not be reached.") from exc
    if not isinstance(body, dict):
        raise SsoFailed("The sign-in provider answered with something unexpected.")
    return body


def provider_metadata(discovery_url: str) -> dict[str, Any]:
    """Return the provider's discovery document, cached for an hour."""
    now = time.monotonic()
    with _cache_lock:
        cached = _metadata_cache.get(discovery_url)
        if cached is not None and now - cached[0] < _METADATA_TTL_SECONDS:
            return cached[1]
    metadata = _get_json(discovery_url)
    for field in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(field), str):
            raise SsoFailed(f"The sign-in provider's configuration lacks {field}.")
    with _cache_lock:
        _metadata_cache[discovery_url] = (now, metadata)
    return metadata


def sign_flow(signing_key: str, payload: Mapping[str, Any]) -> str:
    """Serialise and sign the flow secrets for the cookie."""
    body = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
    mac = hmac.new(signing_key.encode(), f"sso-flow\n{body}".encode(), hashlib.sha256)
    return f"{body}.{mac.hexdigest()}"


def read_flow(signing_key: str, cookie: str | None, *, now: float) -> dict[str, Any]:
    """Return the flow secrets from the cookie, refusing forged or stale ones."""
    if not cookie or "." not in cookie:
        raise SsoFailed("The sign-in attempt was not started in this browser. Please try again.")
    body, mac = cookie.rsplit(".", 1)
    expected = hmac.new(signing_key.encode(), f"sso-flow\n{body}".encode(), hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), mac):
        raise SsoFailed("The sign-in attempt was not started in this browser. Please try again.")
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body.encode()))
    if float(payload.get("expires_at", 0)) < now:
        raise SsoFailed("The sign-in attempt took too long. Please try again.")
    return payload


def _client(config: OidcClientConfig) -> OAuth2Client:
    return OAuth2Client(
        config.client_id,
        config.client_secret,
        scope=SCOPES,
        redirect_uri=config.redirect_uri,
        code_challenge_method="S256",
        timeout=_HTTP_TIMEOUT,
    )


def begin_sign_in(config: OidcClientConfig, *, signing_key: str, next_path: str) -> SignInStart:
    """Return the provider URL to redirect to and the signed cookie that binds the attempt."""
    metadata = provider_metadata(config.discovery_url)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    with _client(config) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    payload = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_path,
        "expires_at": time.time() + FLOW_LIFETIME_SECONDS,
    }
    return SignInStart(authorization_url=url, flow_cookie=sign_flow(signing_key, payload))


def validate_id_token(
    id_token: str, jwks: Mapping[str, Any], *, issuer: str, client_id: str, nonce: str, now: int
) -> dict[str, Any]:
    """Verify an ID token's signature and claims; return its claims."""
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=ALLOWED_ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            now=now,
            leeway=60,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise SsoFailed("The sign-in provider's answer could not be verified.") from exc
    claims = dict(token.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SsoFailed("The sign-in provider's answer was issued for another application.")
    return claims


def complete_sign_in(
    config: OidcClientConfig, *, flow: Mapping[str, Any], code: str, state: str
) -> OidcIdentity:
    """Exchange the code (with the PKCE verifier) and return the verified identity."""
    if not hmac.compare_digest(str(flow.get("state", "")), state):
        raise SsoFailed("The sign-in attempt does not match this browser. Please try again.")
    metadata = provider_metadata(config.discovery_url)
    try:
        with _client(config) as client:
            token = client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=flow["verifier"]
            )
    except Exception as exc:  # Authlib raises several unrelated types for a refused code
        raise SsoFailed("The sign-in provider refused the sign-in.") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoFailed("The sign-in provider did not return an identity.")
    claims = validate_id_token(
        id_token,
        _get_json(metadata["jwks_uri"]),
        issuer=metadata["issuer"],
        client_id=config.client_id,
        nonce=str(flow["nonce"]),
        now=int(time.time()),
    )
    verified = claims.get("email_verified")
    return OidcIdentity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=str(claims.get("email", "")),
        email_verified=verified if isinstance(verified, bool) else None,
        name=str(claims.get("name", "")),
        claims=claims,
    )
