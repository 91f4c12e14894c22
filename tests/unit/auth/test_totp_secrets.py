"""A sealed second-factor secret opens only for its own account and under a configured key."""

from __future__ import annotations

import pytest

from app.auth.totp_secrets import SecretUnreadable, is_sealed, seal, unseal

OLD, NEW = bytes(range(32)), bytes(range(1, 33))
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_secret_does_not_show_the_secret_and_opens_again():
    sealed = seal([NEW], 7, SECRET)
    assert is_sealed(sealed) and SECRET not in sealed
    assert unseal([NEW], 7, sealed) == SECRET
    assert seal([NEW], 7, SECRET) != sealed  # a fresh nonce every time


def test_a_secret_copied_onto_another_account_does_not_open():
    with pytest.raises(SecretUnreadable):
        unseal([NEW], 8, seal([NEW], 7, SECRET))


def test_after_a_key_rotation_the_previous_key_still_opens_old_secrets():
    sealed = seal([OLD], 7, SECRET)
    assert unseal([NEW, OLD], 7, sealed) == SECRET
    with pytest.raises(SecretUnreadable):
        unseal([NEW], 7, sealed)


def test_a_plain_or_altered_value_is_refused():
    with pytest.raises(SecretUnreadable):
        unseal([NEW], 7, SECRET)
    sealed = seal([NEW], 7, SECRET)
    with pytest.raises(SecretUnreadable):
        unseal([NEW], 7, sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1])
