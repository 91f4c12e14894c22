"""Password hashing with argon2id, and the password policy (length and a common-password list).

No composition rules and no forced rotation (ASVS 2.1.9/2.1.10): length plus a breached-password
check is what stops guessing. The list ships with the code, so no password leaves the host.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.auth.errors import WeakPassword

# OWASP Password Storage Cheat Sheet minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_PASSWORD_LENGTH = 12
# Bounds the hashing cost of a single request; far above any passphrase people type.
MAX_PASSWORD_LENGTH = 256
PASSWORDS_DIFFER = "the two passwords are not the same"
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt"
# Verifying against this keeps sign-in time the same whether or not the account exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
_PREDICTABLE_SUFFIX = re.compile(r"[\d\W_]+$")


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether the password matches; constant work when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash uses weaker parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def generate_password() -> str:
    """Return a random password that is easy to copy (about 120 bits)."""
    return secrets.token_urlsafe(15)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """Tell whether a password is on the list, alone or with digits or symbols appended."""
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed:
        return True
    base = _PREDICTABLE_SUFFIX.sub("", lowered)
    return len(base) >= 4 and base in listed


def check_password_policy(password: str, *, email: str = "") -> None:
    """Raise WeakPassword when a new password is too short, too long or easy to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    if is_common_password(password):
        raise WeakPassword("this password is too common; choose a longer passphrase")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        raise WeakPassword("the password must not contain your e-mail address")
