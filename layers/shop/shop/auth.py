"""The shop's own session tokens: JWTs signed with RS256.

Only the login function holds the private key (credential ``session_private_key``, in the shop
secret) and signs shoppers' tokens (shop.session_signer); merchants' tokens are minted by the
operator with the same key (``make merchant-token``). Every other function verifies them with the public
key from the ``SESSION_PUBLIC_KEY`` setting - not a secret, so verifying needs no Secrets Manager
call, no secret-reading permission and no database read, and a function that can read tokens
cannot mint them. Claims: ``sub`` (the shop's user id, or the merchant's name), ``aud`` (``shopper``
or ``merchant``: a shopper's token never opens /admin and a merchant's never acts as a shopper),
``iat``, ``exp``; no WeChat identifiers.
Rotating the key pair logs everyone out (the mini-program logs in again with wx.login() on a 401).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from functools import lru_cache

from aws_lambda_powertools.event_handler.request import Request

from shop import rsa
from shop.clock import now_epoch
from shop.config import setting
from shop.errors import ConfigurationError, Unauthorized

ALGORITHM = "RS256"
SHOPPER = "shopper"
MERCHANT = "merchant"
MAX_TOKEN_LENGTH = 2048
_CHALLENGE = 'Bearer realm="minishop"'


@dataclass(frozen=True)
class Session:
    user_id: str
    audience: str
    issued_at: int
    expires_at: int


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=2)
def _load(text: str) -> rsa.PublicKey:
    try:
        return rsa.load_public_key(text)
    except rsa.InvalidKey as exc:
        raise ConfigurationError(f"SESSION_PUBLIC_KEY is not a usable RSA public key: {exc}") from None


def public_key() -> rsa.PublicKey:
    return _load(setting("SESSION_PUBLIC_KEY"))


def header() -> dict[str, str]:
    return {"alg": ALGORITHM, "typ": "JWT", "kid": public_key().key_id}


def _invalid(message: str = "The session token is not valid; log in again.") -> Unauthorized:
    return Unauthorized(message, code="invalid_token", headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'})


def verify(token: str, *, audience: str = SHOPPER, now: int | None = None) -> Session:
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise _invalid()
    head_b64, claims_b64, sig_b64 = token.split(".")
    try:
        head = json.loads(b64decode(head_b64))
        signature = b64decode(sig_b64)
    except (binascii.Error, ValueError):
        raise _invalid() from None
    # The algorithm is fixed, never taken from the token ("alg": "none" / HS256 confusion).
    if not isinstance(head, dict) or head.get("alg") != ALGORITHM or head.get("kid") != public_key().key_id:
        raise _invalid()
    if not rsa.verify_sha256(public_key(), f"{head_b64}.{claims_b64}".encode("ascii"), signature):
        raise _invalid()
    try:
        claims = json.loads(b64decode(claims_b64))
        session = Session(user_id=claims["sub"], audience=claims["aud"], issued_at=claims["iat"],
                          expires_at=claims["exp"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise _invalid() from None
    if not isinstance(session.user_id, str) or not isinstance(session.expires_at, int):
        raise _invalid()
    if session.audience != audience:
        raise _invalid("This token is not valid here.")
    if session.expires_at <= (now if now is not None else now_epoch()):
        raise Unauthorized(
            "The session has expired; log in again.",
            code="token_expired",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
        )
    return session


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized(
            "Send 'Authorization: Bearer <token>' with the token from POST /auth/login.",
            headers={"WWW-Authenticate": _CHALLENGE},
        )
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _invalid("The Authorization header must be 'Bearer <token>'.")
    return token.strip()


def current_user(request: Request) -> str:
    """Route dependency: the caller's user id, from a valid shopper token, else 401."""
    return verify(bearer_token(request.headers.get("authorization")), audience=SHOPPER).user_id


def optional_user(request: Request) -> str | None:
    """Route dependency for pages that anyone may see and a logged-in caller sees more of: None
    without an Authorization header; a bad or expired token is still a 401 (log in again)."""
    header = request.headers.get("authorization")
    return verify(bearer_token(header), audience=SHOPPER).user_id if header else None


def current_merchant(request: Request) -> str:
    """Route dependency for /admin routes: the merchant's name, from a valid merchant token."""
    return verify(bearer_token(request.headers.get("authorization")), audience=MERCHANT).user_id


# OpenAPI security requirement for routes that depend on current_user.
BEARER = [{"bearerAuth": []}]
