from __future__ import annotations

import json

import pytest

from shop import auth
from shop.errors import Unauthorized


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_SIGNING_KEY", "unit-test-key")
    monkeypatch.delenv("SHOP_SECRET_ID", raising=False)


def test_issue_then_verify() -> None:
    token, expires = auth.issue("u_abc", now=1_000, ttl=60)
    session = auth.verify(token, now=1_010)
    assert (session.user_id, session.issued_at, session.expires_at) == ("u_abc", 1_000, 1_060) and expires == 1_060


def test_expired_at_the_exact_second() -> None:
    token, _ = auth.issue("u_abc", now=1_000, ttl=60)
    with pytest.raises(Unauthorized) as err:
        auth.verify(token, now=1_060)
    assert err.value.code == "token_expired"


def test_default_ttl_comes_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_TTL_SECONDS", "300")
    _, expires = auth.issue("u_abc", now=0)
    assert expires == 300


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "x",
        lambda t: t.replace("v1.", "v2.", 1),
        lambda t: ".".join(t.split(".")[:2]),
        lambda t: "v1." + auth._b64encode(b"not json") + "." + t.split(".")[2],
        lambda t: "x" * 2000,
        lambda t: "",
    ],
)
def test_tampered_tokens_are_invalid(mangle) -> None:
    token, _ = auth.issue("u_abc", now=1_000, ttl=60)
    with pytest.raises(Unauthorized) as err:
        auth.verify(mangle(token), now=1_001)
    assert err.value.code == "invalid_token"


def test_a_validly_signed_payload_with_wrong_types_is_invalid() -> None:
    payload = auth._b64encode(json.dumps({"sub": 5, "iat": 1, "exp": "never"}).encode())
    signing_input = f"v1.{payload}"
    with pytest.raises(Unauthorized):
        auth.verify(f"{signing_input}.{auth._sign(signing_input)}", now=2)


def test_token_carries_no_wechat_identifiers() -> None:
    token, _ = auth.issue("u_abc", now=1_000, ttl=60)
    claims = json.loads(auth._b64decode(token.split(".")[1]))
    assert set(claims) == {"sub", "iat", "exp"}


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Token abc", "bearer"])
def test_bearer_header_parsing_refuses_junk(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        auth.bearer_token(header)


def test_bearer_scheme_is_case_insensitive() -> None:
    assert auth.bearer_token("bearer   abc.def ") == "abc.def"
