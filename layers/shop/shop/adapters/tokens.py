"""The shop's own tokens: JWTs signed with RS256, verified against a small set of public keys by `kid`.

Two audiences, two key pairs, so neither kind of token can stand in for the other:

- ``shopper``: session tokens from POST /auth/login. Signed with ``session_private_key`` (in the
  session-key secret, which only the login function can read); verified with the public keys in
  the ``SESSION_PUBLIC_KEYS`` setting.
- ``merchant``: tokens for /admin, issued by the IssueMerchantToken function, signed with
  ``merchant_token_private_key`` (in a secret only that function can read); verified with
  ``MERCHANT_TOKEN_PUBLIC_KEYS``.

A key set holds one to three public keys (PEM blocks, or one-line base64 DER separated by commas);
a token names its key by ``kid`` (a thumbprint of the public key, shop.adapters.rsa), and a kid
outside the audience's set is refused. Rotation is therefore: add the new public key to the set,
put the new private key in the secret (new tokens are signed with it), and drop the old public key
once the tokens it signed have expired - nobody is logged out. Public keys are not secrets:
verifying needs no Secrets Manager call and no compiled crypto library (pure-Python RSA
verification, shop.adapters.rsa), and a function that can verify cannot sign.

Claims: ``sub`` (the shop's user id, or the merchant's name), ``aud``, ``iat``, ``exp``, and for a
staff member's signed-in session ``sid`` (which sign-in, so one device can be signed out); no WeChat
identifiers. Whether a valid token may still act (a blocked shopper, a revoked merchant token) is
the contexts' business (shop.users, shop.staff), asked by the edge (shop.edge.auth).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from shop.adapters import rsa
from shop.adapters.clock import now_epoch
from shop.adapters.config import setting
from shop.core.errors import ConfigurationError, Unauthorized

ALGORITHM = "RS256"
SHOPPER = "shopper"
MERCHANT = "merchant"
KEY_SETTINGS = {SHOPPER: "SESSION_PUBLIC_KEYS", MERCHANT: "MERCHANT_TOKEN_PUBLIC_KEYS"}
MAX_KEYS = 3
MAX_TOKEN_LENGTH = 2048
CHALLENGE = 'Bearer realm="minishop"'
_PEM = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)


@dataclass(frozen=True)
class Session:
    user_id: str
    audience: str
    issued_at: int
    expires_at: int
    session_id: str | None = None  # ``sid``: the sign-in (device) a staff access token belongs to


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=4)
def parse_key_set(text: str, name: str = "the key set") -> dict[str, rsa.PublicKey]:
    """kid -> key for the public keys in ``text``: PEM blocks, or base64 DER separated by commas or
    white space. Empty, unreadable, duplicated or more than MAX_KEYS keys is a configuration error."""
    parts = _PEM.findall(text) if "-----BEGIN" in text else [p for p in re.split(r"[,\s]+", text) if p]
    if not parts:
        raise ConfigurationError(f"{name} holds no public key")
    if len(parts) > MAX_KEYS:
        raise ConfigurationError(f"{name} holds {len(parts)} keys; at most {MAX_KEYS} (rotate, then drop the old one)")
    keys: dict[str, rsa.PublicKey] = {}
    for part in parts:
        try:
            key = rsa.load_public_key(part)
        except rsa.InvalidKey as exc:
            raise ConfigurationError(f"{name} holds a key that is not a usable RSA public key: {exc}") from None
        if key.key_id in keys:
            raise ConfigurationError(f"{name} holds the same key twice")
        keys[key.key_id] = key
    return keys


def key_set(audience: str) -> dict[str, rsa.PublicKey]:
    name = KEY_SETTINGS[audience]
    return parse_key_set(setting(name), name)


def header(kid: str) -> dict[str, str]:
    return {"alg": ALGORITHM, "typ": "JWT", "kid": kid}


def invalid(message: str = "The session token is not valid; log in again.") -> Unauthorized:
    return Unauthorized(message, code="invalid_token", headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})


def verify(token: str, *, audience: str = SHOPPER, now: int | None = None) -> Session:
    """The session a token carries, if it is well formed, signed by a key of ``audience``'s set,
    meant for ``audience`` and not expired; else 401 (invalid_token or token_expired)."""
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise invalid()
    head_b64, claims_b64, sig_b64 = token.split(".")
    try:
        head = json.loads(b64decode(head_b64))
        signature = b64decode(sig_b64)
    except (binascii.Error, ValueError):
        raise invalid() from None
    # The algorithm is fixed, never taken from the token ("alg": "none" / HS256 confusion); the key
    # is one of this audience's, found by kid.
    if not isinstance(head, dict) or head.get("alg") != ALGORITHM or not isinstance(head.get("kid"), str):
        raise invalid()
    key = key_set(audience).get(head["kid"])
    if key is None:
        raise invalid("This token is not valid here." if head["kid"] in _other_kids(audience) else
                      "The session token is not valid; log in again.")
    if not rsa.verify_sha256(key, f"{head_b64}.{claims_b64}".encode("ascii"), signature):
        raise invalid()
    try:
        claims = json.loads(b64decode(claims_b64))
        session = Session(user_id=claims["sub"], audience=claims["aud"], issued_at=claims["iat"],
                          expires_at=claims["exp"], session_id=claims.get("sid"))
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise invalid() from None
    if not isinstance(session.user_id, str) or not session.user_id or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in (session.issued_at, session.expires_at)) or not (
            session.session_id is None or isinstance(session.session_id, str)):
        raise invalid()
    if session.audience != audience:
        raise invalid("This token is not valid here.")
    if session.expires_at <= (now if now is not None else now_epoch()):
        raise Unauthorized(
            "The session has expired; log in again.",
            code="token_expired",
            headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'},
        )
    return session


def _other_kids(audience: str) -> set[str]:
    """The kids of the other audiences' key sets that are configured here (for a clearer message)."""
    import os

    kids: set[str] = set()
    for other, name in KEY_SETTINGS.items():
        if other != audience and os.environ.get(name):
            try:
                kids |= parse_key_set(os.environ[name], name).keys()
            except ConfigurationError:
                pass
    return kids
