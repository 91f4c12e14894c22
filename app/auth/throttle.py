"""Sign-in throttling that cannot be turned against the account's owner.

Two counters, both keyed by the e-mail address typed (known or not, so the answers and their
timing never tell which addresses have accounts):

- failures from one client address on one e-mail address: after a few, that client waits
  (429 with Retry-After) while the owner signing in from elsewhere is not affected;
- failures on one e-mail address from anywhere: each new attempt is slowed by a delay that
  grows with them, but the right password is never refused.
"""

from __future__ import annotations

import time

from app.auth.domain.throttle import sign_in_delay
from app.core.ratelimit import RateLimited, RateLimiter

FAILURES_HERE = "login_failures_here"
FAILURES = "login_failures"
THROTTLED_MESSAGE = "Too many failed sign-ins from here. Please wait {seconds} seconds."


class SignInThrottle:
    """Decide, before a password is checked, whether and how long an attempt waits."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    def before_attempt(self, email: str, address: str) -> None:
        """Refuse a client that failed too often on this address; slow a targeted account."""
        retry_after = self.limiter.exhausted(FAILURES_HERE, _here(email, address))
        if retry_after is not None:
            raise RateLimited(
                THROTTLED_MESSAGE.format(seconds=retry_after),
                retry_after=retry_after,
                limit=FAILURES_HERE,
            )
        delay = sign_in_delay(self.limiter.count(FAILURES, email))
        if delay:
            time.sleep(delay)

    def failed(self, email: str, address: str) -> None:
        """Count a failed attempt on both counters."""
        self.limiter.hit(FAILURES_HERE, _here(email, address))
        self.limiter.hit(FAILURES, email)

    def succeeded(self, email: str, address: str) -> None:
        """Forget this client's failures on the account; the account's own count ages out."""
        self.limiter.clear(FAILURES_HERE, _here(email, address))


def _here(email: str, address: str) -> str:
    return f"{email}|{address}"
