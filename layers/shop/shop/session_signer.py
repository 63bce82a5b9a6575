"""Signing session tokens: login only. The private key is the ``session_private_key`` credential
(PKCS#8 PEM, from the shop secret); signing uses the ``cryptography`` package, which only the login
function ships (functions/login/requirements.txt), so no other function pays for loading it."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from shop import auth
from shop.clock import now_epoch
from shop.config import credential, setting_int
from shop.errors import ConfigurationError


@lru_cache(maxsize=2)
def _private_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        # The key comes from the shop's own secret, so OpenSSL's RSA consistency check (about 35 ms
        # of the login cold start) is skipped; it is verified against the public key below instead.
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None, unsafe_skip_rsa_key_validation=True)
    except ValueError:
        raise ConfigurationError("session_private_key is not a PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError("session_private_key must be an RSA key")
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public_der != auth.public_key().der:
        raise ConfigurationError("session_private_key does not match SESSION_PUBLIC_KEY")
    return key


def signing_key() -> Any:
    """The private key, checked against the public key the other functions verify with."""
    return _private_key(credential("session_private_key"))


def issue(subject: str, *, audience: str = auth.SHOPPER, now: int | None = None, ttl: int | None = None) -> tuple[str, int]:
    """A new token for ``subject`` (a user id, or a merchant's name) and its expiry (epoch seconds)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    issued = now if now is not None else now_epoch()
    expires = issued + (ttl if ttl is not None else setting_int("SESSION_TTL_SECONDS"))
    compact = {"separators": (",", ":")}
    head = auth.b64encode(json.dumps(auth.header(), **compact).encode())
    claims = auth.b64encode(
        json.dumps({"sub": subject, "aud": audience, "iat": issued, "exp": expires}, **compact).encode()
    )
    signing_input = f"{head}.{claims}".encode("ascii")
    signature = signing_key().sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{claims}.{auth.b64encode(signature)}", expires
