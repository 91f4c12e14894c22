"""How long a sign-in attempt waits once an account has drawn failures from anywhere."""

from __future__ import annotations

FREE_FAILURES = 5  # failures an account may draw before attempts on it slow down
_FIRST_DELAY = 0.25  # seconds
_MAX_DELAY = 3.0  # keeps a flood from holding server threads for long


def sign_in_delay(recent_failures: int) -> float:
    """Return the seconds an attempt waits: doubling every five failures, within a cap.

    The delay slows guessing at one account from many addresses without ever refusing the
    right password, so nobody can lock another person out.
    """
    if recent_failures < FREE_FAILURES:
        return 0.0
    doublings = (recent_failures - FREE_FAILURES) // FREE_FAILURES
    return float(min(_MAX_DELAY, _FIRST_DELAY * 2.0 ** min(doublings, 8)))
