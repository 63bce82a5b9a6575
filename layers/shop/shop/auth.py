"""The shop's own session tokens.

``v1.<payload>.<signature>``: the payload is base64url JSON ``{"sub": user_id, "iat": ..., "exp": ...}``
and the signature is HMAC-SHA256 over ``v1.<payload>`` with the ``session_signing_key`` credential.
Verifying one needs no database read. The token carries no WeChat identifiers; rotating the key logs
everyone out (the mini-program logs in again with wx.login() on a 401).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

from aws_lambda_powertools.event_handler.request import Request

from shop.clock import now_epoch
from shop.config import credential, setting_int
from shop.errors import Unauthorized

VERSION = "v1"
MAX_TOKEN_LENGTH = 1024
_CHALLENGE = 'Bearer realm="minishop"'


@dataclass(frozen=True)
class Session:
    user_id: str
    issued_at: int
    expires_at: int


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key() -> bytes:
    return credential("session_signing_key").encode("utf-8")


def _sign(signing_input: str) -> str:
    return _b64encode(hmac.new(signing_key(), signing_input.encode("ascii"), hashlib.sha256).digest())


def issue(user_id: str, *, now: int | None = None, ttl: int | None = None) -> tuple[str, int]:
    """A new token for ``user_id`` and its expiry (epoch seconds)."""
    issued = now if now is not None else now_epoch()
    expires = issued + (ttl if ttl is not None else setting_int("SESSION_TTL_SECONDS"))
    payload = json.dumps({"sub": user_id, "iat": issued, "exp": expires}, separators=(",", ":"))
    signing_input = f"{VERSION}.{_b64encode(payload.encode('utf-8'))}"
    return f"{signing_input}.{_sign(signing_input)}", expires


def _invalid(message: str = "The session token is not valid; log in again.") -> Unauthorized:
    return Unauthorized(message, code="invalid_token", headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'})


def verify(token: str, *, now: int | None = None) -> Session:
    if len(token) > MAX_TOKEN_LENGTH:
        raise _invalid()
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise _invalid()
    signing_input = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(signing_input), parts[2]):
        raise _invalid()
    try:
        claims = json.loads(_b64decode(parts[1]))
        session = Session(user_id=claims["sub"], issued_at=claims["iat"], expires_at=claims["exp"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise _invalid() from None
    if not isinstance(session.user_id, str) or not isinstance(session.expires_at, int):
        raise _invalid()
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
    """Route dependency: the caller's user id, from a valid bearer token, else 401."""
    return verify(bearer_token(request.headers.get("authorization"))).user_id


# OpenAPI security requirement for routes that depend on current_user.
BEARER = [{"bearerAuth": []}]
