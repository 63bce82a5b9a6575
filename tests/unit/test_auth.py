"""The shop's tokens (shop.adapters.tokens, shop.adapters.signer): standard RS256 JWTs, one key set
per audience, keys found by kid so they rotate without logging anyone out."""

from __future__ import annotations

import json

import pytest

from shop.adapters import signer, tokens
from shop.core.errors import ConfigurationError, Unauthorized
from shop.edge import auth
from tests.conftest import (
    MERCHANT_TOKEN_PRIVATE_KEY,
    MERCHANT_TOKEN_PUBLIC_KEY,
    SESSION_PRIVATE_KEY,
    SESSION_PUBLIC_KEY,
    rsa_pair,
)


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_PRIVATE_KEY", SESSION_PRIVATE_KEY)
    monkeypatch.setenv("SESSION_PUBLIC_KEYS", SESSION_PUBLIC_KEY)
    monkeypatch.setenv("MERCHANT_TOKEN_PRIVATE_KEY", MERCHANT_TOKEN_PRIVATE_KEY)
    monkeypatch.setenv("MERCHANT_TOKEN_PUBLIC_KEYS", MERCHANT_TOKEN_PUBLIC_KEY)
    for name in ("SESSION_KEY_SECRET_ID", "MERCHANT_TOKEN_SECRET_ID"):
        monkeypatch.delenv(name, raising=False)


def _one_line(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def _kid(pem: str) -> str:
    return next(iter(tokens.parse_key_set(pem)))


def test_issue_then_verify() -> None:
    token, expires = signer.issue("u_abc", now=1_000, ttl=60)
    session = tokens.verify(token, now=1_010)
    assert (session.user_id, session.issued_at, session.expires_at) == ("u_abc", 1_000, 1_060) and expires == 1_060


def test_tokens_are_standard_rs256_jwts() -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    token, _ = signer.issue("u_abc", now=1_000, ttl=60)
    head, claims, sig = token.split(".")
    assert json.loads(tokens.b64decode(head)) == {"alg": "RS256", "typ": "JWT", "kid": _kid(SESSION_PUBLIC_KEY)}
    public = serialization.load_pem_public_key(SESSION_PUBLIC_KEY.encode())
    public.verify(tokens.b64decode(sig), f"{head}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())


def test_key_set_may_be_one_line_base64_separated_by_commas() -> None:
    _, other = rsa_pair()
    as_lines = tokens.parse_key_set(f"{_one_line(SESSION_PUBLIC_KEY)},{_one_line(other)}")
    as_pem = tokens.parse_key_set(SESSION_PUBLIC_KEY + "\n" + other)
    assert as_lines.keys() == as_pem.keys() and len(as_lines) == 2


def test_rotation_keeps_old_tokens_valid_until_the_old_key_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    old_token, _ = signer.issue("u_abc")
    new_private, new_public = rsa_pair()
    # 1. the new public key joins the set; the old key still signs: both verify
    monkeypatch.setenv("SESSION_PUBLIC_KEYS", f"{_one_line(SESSION_PUBLIC_KEY)},{_one_line(new_public)}")
    assert tokens.verify(old_token).user_id == "u_abc"
    # 2. the secret gets the new private key: new tokens name the new kid, old ones still verify
    monkeypatch.setenv("SESSION_PRIVATE_KEY", new_private)
    new_token, _ = signer.issue("u_abc")
    assert json.loads(tokens.b64decode(new_token.split(".")[0]))["kid"] == _kid(new_public)
    assert tokens.verify(new_token).user_id == tokens.verify(old_token).user_id == "u_abc"
    # 3. the old key is dropped: its tokens stop, the new ones go on
    monkeypatch.setenv("SESSION_PUBLIC_KEYS", new_public)
    assert tokens.verify(new_token).user_id == "u_abc"
    with pytest.raises(Unauthorized) as err:
        tokens.verify(old_token)
    assert err.value.code == "invalid_token"


def test_a_signer_whose_key_the_verifiers_do_not_know_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    stray, _ = rsa_pair()
    monkeypatch.setenv("SESSION_PRIVATE_KEY", stray)
    with pytest.raises(ConfigurationError):
        signer.issue("u_abc")


@pytest.mark.parametrize("value", ["not a key", "", ",", "A" * 400])
def test_unusable_key_sets_are_configuration_errors(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    if value:
        monkeypatch.setenv("SESSION_PUBLIC_KEYS", value)
    else:
        monkeypatch.delenv("SESSION_PUBLIC_KEYS")
    with pytest.raises(ConfigurationError):
        tokens.key_set(tokens.SHOPPER)


def test_at_most_three_keys_and_no_duplicates() -> None:
    pems = [rsa_pair()[1] for _ in range(4)]
    with pytest.raises(ConfigurationError):
        tokens.parse_key_set("\n".join(pems))
    with pytest.raises(ConfigurationError):
        tokens.parse_key_set(SESSION_PUBLIC_KEY + SESSION_PUBLIC_KEY)


def test_expired_at_the_exact_second() -> None:
    token, _ = signer.issue("u_abc", now=1_000, ttl=60)
    with pytest.raises(Unauthorized) as err:
        tokens.verify(token, now=1_060)
    assert err.value.code == "token_expired"


def test_default_ttls_come_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_TTL_SECONDS", "300")
    assert signer.issue("u_abc", now=0)[1] == 300
    assert signer.issue("owner", audience=tokens.MERCHANT, now=0)[1] == 8 * 3600  # merchant tokens: hours


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "x",
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
        lambda t: ".".join(t.split(".")[:2]),
        lambda t: t.split(".")[0] + "." + tokens.b64encode(b'{"sub":"u_other","iat":1,"exp":99999999999}') + "." + t.split(".")[2],
        lambda t: tokens.b64encode(b"not json") + "." + t.split(".", 1)[1],
        lambda t: tokens.b64encode(b'{"alg":"none","kid":"x"}') + "." + t.split(".", 1)[1],
        lambda t: "x" * 3000,
        lambda t: "",
        lambda t: "a.b.c.d",
    ],
)
def test_tampered_tokens_are_invalid(mangle) -> None:
    token, _ = signer.issue("u_abc", now=1_000, ttl=60)
    with pytest.raises(Unauthorized) as err:
        tokens.verify(mangle(token), now=1_001)
    assert err.value.code == "invalid_token"


def test_token_carries_no_wechat_identifiers() -> None:
    token, _ = signer.issue("u_abc", now=1_000, ttl=60)
    claims = json.loads(tokens.b64decode(token.split(".")[1]))
    assert set(claims) == {"sub", "aud", "iat", "exp"} and claims["aud"] == "shopper"


def test_audiences_do_not_mix() -> None:
    """Each audience has its own key pair: a shopper's token is not even signed by a key /admin knows."""
    shopper, _ = signer.issue("u_abc")
    merchant, _ = signer.issue("owner", audience=tokens.MERCHANT)
    assert tokens.verify(shopper).user_id == "u_abc"
    assert tokens.verify(merchant, audience=tokens.MERCHANT).user_id == "owner"
    for token, audience in ((shopper, tokens.MERCHANT), (merchant, tokens.SHOPPER)):
        with pytest.raises(Unauthorized) as err:
            tokens.verify(token, audience=audience)
        assert err.value.code == "invalid_token" and err.value.message == "This token is not valid here."


def test_the_session_key_cannot_sign_merchant_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator (or login) holding the session key cannot mint /admin tokens with it."""
    monkeypatch.setenv("MERCHANT_TOKEN_PRIVATE_KEY", SESSION_PRIVATE_KEY)
    with pytest.raises(ConfigurationError):
        signer.issue("owner", audience=tokens.MERCHANT)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Token abc", "bearer"])
def test_bearer_header_parsing_refuses_junk(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        auth.bearer_token(header)


def test_bearer_scheme_is_case_insensitive() -> None:
    assert auth.bearer_token("bearer   abc.def ") == "abc.def"
