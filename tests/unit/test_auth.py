from __future__ import annotations

import json

import pytest

from shop import auth, session_signer
from shop.errors import ConfigurationError, Unauthorized
from tests.conftest import SESSION_PRIVATE_KEY, SESSION_PUBLIC_KEY


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_PRIVATE_KEY", SESSION_PRIVATE_KEY)
    monkeypatch.setenv("SESSION_PUBLIC_KEY", SESSION_PUBLIC_KEY)
    monkeypatch.delenv("SHOP_SECRET_ID", raising=False)


def test_issue_then_verify() -> None:
    token, expires = session_signer.issue("u_abc", now=1_000, ttl=60)
    session = auth.verify(token, now=1_010)
    assert (session.user_id, session.issued_at, session.expires_at) == ("u_abc", 1_000, 1_060) and expires == 1_060


def test_tokens_are_standard_rs256_jwts() -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    token, _ = session_signer.issue("u_abc", now=1_000, ttl=60)
    head, claims, sig = token.split(".")
    assert json.loads(auth.b64decode(head)) == {"alg": "RS256", "typ": "JWT", "kid": auth.public_key().key_id}
    public = serialization.load_pem_public_key(SESSION_PUBLIC_KEY.encode())
    public.verify(auth.b64decode(sig), f"{head}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())


def test_public_key_may_be_configured_as_one_line_base64() -> None:
    one_line = "".join(l for l in SESSION_PUBLIC_KEY.splitlines() if not l.startswith("-----"))
    assert auth._load(one_line).der == auth._load(SESSION_PUBLIC_KEY).der


def test_expired_at_the_exact_second() -> None:
    token, _ = session_signer.issue("u_abc", now=1_000, ttl=60)
    with pytest.raises(Unauthorized) as err:
        auth.verify(token, now=1_060)
    assert err.value.code == "token_expired"


def test_default_ttl_comes_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_TTL_SECONDS", "300")
    _, expires = session_signer.issue("u_abc", now=0)
    assert expires == 300


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "x",
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),
        lambda t: ".".join(t.split(".")[:2]),
        lambda t: t.split(".")[0] + "." + auth.b64encode(b'{"sub":"u_other","iat":1,"exp":99999999999}') + "." + t.split(".")[2],
        lambda t: auth.b64encode(b"not json") + "." + t.split(".", 1)[1],
        lambda t: "x" * 3000,
        lambda t: "",
        lambda t: "a.b.c.d",
    ],
)
def test_tampered_tokens_are_invalid(mangle) -> None:
    token, _ = session_signer.issue("u_abc", now=1_000, ttl=60)
    with pytest.raises(Unauthorized) as err:
        auth.verify(mangle(token), now=1_001)
    assert err.value.code == "invalid_token"


def test_token_carries_no_wechat_identifiers() -> None:
    token, _ = session_signer.issue("u_abc", now=1_000, ttl=60)
    claims = json.loads(auth.b64decode(token.split(".")[1]))
    assert set(claims) == {"sub", "aud", "iat", "exp"} and claims["aud"] == "shopper"


def test_audiences_do_not_mix() -> None:
    shopper, _ = session_signer.issue("u_abc")
    merchant, _ = session_signer.issue("owner", audience=auth.MERCHANT)
    assert auth.verify(shopper).user_id == "u_abc"
    assert auth.verify(merchant, audience=auth.MERCHANT).user_id == "owner"
    for token, audience in ((shopper, auth.MERCHANT), (merchant, auth.SHOPPER)):
        with pytest.raises(Unauthorized) as err:
            auth.verify(token, audience=audience)
        assert err.value.code == "invalid_token"


def test_merchant_token_tool_mints_tokens_the_shop_accepts() -> None:
    from infra.tools.merchant_token import mint

    token = mint(SESSION_PRIVATE_KEY, name="owner", days=2)
    session = auth.verify(token, audience=auth.MERCHANT)
    assert session.user_id == "owner" and session.expires_at - session.issued_at == 2 * 86400


def test_unusable_public_key_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_PUBLIC_KEY", "not a key")
    with pytest.raises(ConfigurationError):
        auth.public_key()


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Token abc", "bearer"])
def test_bearer_header_parsing_refuses_junk(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        auth.bearer_token(header)


def test_bearer_scheme_is_case_insensitive() -> None:
    assert auth.bearer_token("bearer   abc.def ") == "abc.def"
