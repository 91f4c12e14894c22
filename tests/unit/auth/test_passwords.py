from __future__ import annotations

import pytest

from app.auth.errors import WeakPassword
from app.auth.passwords import check_password_policy, common_passwords, is_common_password


def test_the_shipped_list_holds_thousands_of_common_passwords():
    listed = common_passwords()
    assert len(listed) >= 5000
    assert {"123456", "password", "qwerty"} <= listed


@pytest.mark.parametrize(
    "password", ["password1234", "PASSWORD1234", "iloveyou2024!", "dragon_______", "qwertyuiop123"]
)
def test_common_passwords_and_their_predictable_variants_are_detected(password):
    assert is_common_password(password)


@pytest.mark.parametrize("password", ["correct horse battery staple", "Tr4vel-Pl4ns-Kyoto-19"])
def test_passphrases_are_not_common(password):
    assert not is_common_password(password)
    check_password_policy(password)


def test_there_are_no_composition_rules():
    check_password_policy("all lower case words only")


def test_the_e_mail_address_is_not_a_password():
    with pytest.raises(WeakPassword, match="e-mail"):
        check_password_policy("jane.doe-secret-phrase", email="jane.doe@example.com")


@pytest.mark.parametrize(("length", "ok"), [(11, False), (12, True), (256, True), (257, False)])
def test_length_bounds(length, ok):
    password = "k7" * 200
    if ok:
        check_password_policy(password[:length])
    else:
        with pytest.raises(WeakPassword):
            check_password_policy(password[:length])


def test_hashes_use_argon2id_with_the_owasp_parameters():
    from app.auth.passwords import hash_password, needs_rehash, verify_password

    stored = hash_password("a passphrase of some length")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, "a passphrase of some length")
    assert not needs_rehash(stored)
