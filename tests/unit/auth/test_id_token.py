"""ID token checks: every tampered or misdirected variant is refused."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from app.auth.errors import SsoFailed
from app.auth.oidc import read_flow, sign_flow, validate_id_token

ISSUER = "https://idp.example"
CLIENT = "diligence"
NONCE = "n-123"
NOW = 1_800_000_000
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
JWKS = KeySet([KEY]).as_dict(private=False)


def _claims(**changes):
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "u1", "exp": NOW + 300, "iat": NOW}
    claims["nonce"] = NONCE
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _token(claims, key=KEY, alg="RS256"):
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key, algorithms=[alg])


def _check(token):
    return validate_id_token(token, JWKS, issuer=ISSUER, client_id=CLIENT, nonce=NONCE, now=NOW)


def test_a_valid_token_gives_its_claims():
    assert _check(_token(_claims()))["sub"] == "u1"


@pytest.mark.parametrize(
    "claims",
    [
        _claims(iss="https://evil.example"),
        _claims(aud="another-app"),
        _claims(exp=NOW - 3600),
        _claims(nonce="replayed"),
        _claims(nonce=None),
        _claims(sub=None),
        _claims(aud=[CLIENT, "another-app"]),
    ],
    ids=["issuer", "audience", "expired", "nonce", "no-nonce", "no-subject", "azp-missing"],
)
def test_tampered_or_misdirected_claims_are_refused(claims):
    with pytest.raises(SsoFailed):
        _check(_token(claims))


def test_a_token_signed_by_another_key_is_refused():
    with pytest.raises(SsoFailed):
        _check(_token(_claims(), key=OTHER_KEY))


def test_an_unsigned_token_is_refused():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=")
    with pytest.raises(SsoFailed):
        _check(f"{header.decode()}.{body.decode()}.")


def test_a_token_signed_with_a_shared_secret_is_refused():
    secret = OctKey.import_key("the-client-secret-the-client-secret")
    with pytest.raises(SsoFailed):
        _check(_token(_claims(), key=secret, alg="HS256"))


def test_the_flow_cookie_cannot_be_forged_or_reused_late():
    cookie = sign_flow("key", {"state": "s", "expires_at": time.time() + 60})
    assert read_flow("key", cookie, now=time.time())["state"] == "s"
    with pytest.raises(SsoFailed):
        read_flow("other-key", cookie, now=time.time())
    with pytest.raises(SsoFailed):
        read_flow("key", cookie, now=time.time() + 120)
    _body, mac = cookie.rsplit(".", 1)
    forged = base64.urlsafe_b64encode(json.dumps({"state": "x"}).encode()).decode()
    with pytest.raises(SsoFailed):
        read_flow("key", f"{forged}.{mac}", now=time.time())
