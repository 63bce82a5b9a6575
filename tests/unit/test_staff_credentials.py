"""Staff sign-in building blocks: scrypt password hashes and RFC 6238 one-time codes."""

from __future__ import annotations

import base64

import pytest

from shop.staff import passwords, totp

FAST = {"log2_n": 10, "r": 8, "p": 1}  # the real parameters cost ~128 MiB per hash; the format is the same


def test_a_password_verifies_and_a_wrong_one_does_not() -> None:
    stored = passwords.hash_password("correct horse battery", **FAST)
    assert stored.startswith("scrypt$10$8$1$")
    assert passwords.verify_password("correct horse battery", stored)
    assert not passwords.verify_password("correct horse batterY", stored)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert passwords.hash_password("correct horse battery", **FAST) != passwords.hash_password("correct horse battery", **FAST)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$10$8$1$!!$!!", "md5$x", "scrypt$40$8$1$AAAA$" + "A" * 44,
                                    "scrypt$10$8$1$AAAA$QUJD"])
def test_malformed_stored_values_never_match(stored: str) -> None:
    assert not passwords.verify_password("correct horse battery", stored)
    assert passwords.needs_rehash(stored)


def test_weaker_parameters_ask_for_a_rehash() -> None:
    assert passwords.needs_rehash(passwords.hash_password("correct horse battery", **FAST))


def test_the_default_parameters_are_owasps_scrypt_minimum() -> None:
    assert (1 << passwords.LOG2_N, passwords.R, passwords.P) == (2**17, 8, 1)


@pytest.mark.parametrize(("password", "ok"), [("short", False), ("aaaaaaaaaaaa", False), ("x" * 129, False),
                                              ("小程序商城后台密码2026", True)])
def test_password_rules(password: str, ok: bool) -> None:
    assert (passwords.strength_problem(password) is None) == ok


# RFC 6238 appendix B (SHA-1, 8 digits, the ASCII secret "12345678901234567890")
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode().rstrip("=")


@pytest.mark.parametrize(("t", "code"), [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
                                         (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130")])
def test_rfc_6238_vectors(t: int, code: str) -> None:
    assert totp.code_at(RFC_SECRET, t // 30, digits=8) == code


def test_a_code_matches_its_step_and_one_either_side_and_never_twice() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    step = int(now // 30)
    assert totp.matching_step(secret, totp.code_at(secret, step), now=now) == step
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now=now) == step - 1
    assert totp.matching_step(secret, totp.code_at(secret, step + 2), now=now) is None
    assert totp.matching_step(secret, totp.code_at(secret, step), now=now, after_step=step) is None  # replay
    assert totp.matching_step(secret, "12345", now=now) is None and totp.matching_step(secret, "abcdef", now=now) is None


def test_provisioning_uri_for_authenticator_apps() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account="owner", issuer="minishop 小店")
    assert uri.startswith("otpauth://totp/minishop%20%E5%B0%8F%E5%BA%97%3Aowner?secret=JBSWY3DPEHPK3PXP&")
