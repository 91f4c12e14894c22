"""A real OpenID Connect provider (the oidc-provider-mock package) run as a separate process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient

IDP_USERS = {
    "alice": {"email": "alice@corp.example", "diligence_role": "risk_officer"},
    "carol": {"email": "carol@corp.example"},
    "mallory": {"email": "mallory@elsewhere.example"},
    "bob": {"email": "bob@corp.example", "diligence_role": "admin"},
}
_STARTUP_SECONDS = 60  # a loaded CI machine can take long to start a Python process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the OIDC provider exited during start-up")
        try:
            if httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).is_success:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the OIDC provider did not start in time")


@contextmanager
def running_provider() -> Iterator[str]:
    """Start the provider on a free loopback port, register the users, yield its URL."""
    port = _free_port()
    command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--require-nonce"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        for sub, claims in IDP_USERS.items():
            httpx.put(f"{url}/users/{sub}", json=claims, timeout=5).raise_for_status()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_sso(client: TestClient, next_path: str = "/vendors") -> str:
    """Begin single sign-on in the app and return the provider URL it redirects to."""
    response = client.get(f"/auth/sso/start?next={next_path}", follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def approve_at_provider(authorization_url: str, sub: str) -> str:
    """Act as the person at the provider's consent page; return the app callback path."""
    answer = httpx.post(authorization_url, data={"sub": sub}, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["location"])
    return f"{callback.path}?{callback.query}"


def sso_sign_in(client: TestClient, sub: str, next_path: str = "/vendors") -> httpx.Response:
    """Run the whole sign-in: app -> provider consent -> app callback."""
    callback = approve_at_provider(start_sso(client, next_path), sub)
    return client.get(callback, follow_redirects=False)
