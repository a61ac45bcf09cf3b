"""Password rules and hashing."""

import pytest

from forum.passwords import (
    TOO_COMMON,
    TOO_PERSONAL,
    hash_password,
    is_common,
    password_problem,
    verify_password,
)


@pytest.mark.parametrize("password", ["qwertyuiop", "password123", "Manchester", "1234567890",
                                      "PASSWORD1234", "!!sunshine!!"])
def test_common_passwords_are_refused(password):
    assert password_problem(password) == TOO_COMMON


def test_short_password_is_refused():
    assert password_problem("k3ttl3!9x") == "Your password must be at least 10 characters"


def test_password_containing_the_email_address_is_refused():
    assert password_problem("amara.okafor2026", email="Amara.Okafor@nhs.net") == TOO_PERSONAL


def test_password_containing_the_name_is_refused():
    assert password_problem("AmaraOkafor-rules", name="Amara Okafor") == TOO_PERSONAL


def test_random_words_are_accepted():
    assert password_problem("kettle sunflower ladder river", email="a.b@nhs.net",
                            name="Amara Okafor") is None
    assert not is_common("kettle sunflower ladder river")


def test_hash_is_scrypt_and_verifies():
    hashed = hash_password("kettle sunflower ladder river")
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "kettle sunflower ladder river")
    assert not verify_password(hashed, "kettle sunflower ladder rivers")


def test_verify_without_an_account_is_false():
    assert verify_password(None, "anything at all") is False
