"""Signing the shop's tokens (shop.adapters.tokens): the login function signs shoppers' sessions, the
IssueMerchantToken function merchants' tokens; no other function ships the ``cryptography``
package this needs (their requirements.txt), and each of the two can read only its own private key.

- shopper: ``session_private_key`` (the session-key secret), lifetime SESSION_TTL_SECONDS;
- merchant: ``merchant_token_private_key`` (the merchant-token secret), lifetime
  MERCHANT_TOKEN_TTL_SECONDS (hours).

The token's ``kid`` is the thumbprint of the private key's public half, which must be in the
audience's public key set: a signer whose key the verifiers do not know is a configuration error,
not a stream of tokens nobody accepts.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from shop.adapters import rsa, tokens
from shop.adapters.clock import now_epoch
from shop.adapters.config import credential, setting_int
from shop.core.errors import ConfigurationError

PRIVATE_KEYS = {tokens.SHOPPER: "session_private_key", tokens.MERCHANT: "merchant_token_private_key"}
TTL_SETTINGS = {tokens.SHOPPER: "SESSION_TTL_SECONDS", tokens.MERCHANT: "MERCHANT_TOKEN_TTL_SECONDS"}


@lru_cache(maxsize=4)
def _private_key(pem: str, name: str) -> tuple[Any, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa

    try:
        # The key comes from the shop's own secret, so OpenSSL's RSA consistency check (about 35 ms
        # of the login cold start) is skipped; its public half is matched against the key set instead.
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None, unsafe_skip_rsa_key_validation=True)
    except ValueError:
        raise ConfigurationError(f"{name} is not a PEM private key") from None
    if not isinstance(key, crypto_rsa.RSAPrivateKey):
        raise ConfigurationError(f"{name} must be an RSA key")
    public_der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, rsa.key_id(public_der)


def signing_key(audience: str = tokens.SHOPPER) -> tuple[Any, str]:
    """(private key, kid) for ``audience``; the kid must be one of the audience's public keys."""
    name = PRIVATE_KEYS[audience]
    key, kid = _private_key(credential(name), name)
    if kid not in tokens.key_set(audience):
        raise ConfigurationError(f"{name} does not match any key in {tokens.KEY_SETTINGS[audience]}")
    return key, kid


def issue(subject: str, *, audience: str = tokens.SHOPPER, now: int | None = None, ttl: int | None = None,
          session_id: str | None = None) -> tuple[str, int]:
    """A new token for ``subject`` (a user id, or a merchant's name) and its expiry (epoch seconds);
    ``session_id`` becomes the ``sid`` claim (a staff sign-in)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key, kid = signing_key(audience)
    issued = now if now is not None else now_epoch()
    expires = issued + (ttl if ttl is not None else setting_int(TTL_SETTINGS[audience]))
    compact = {"separators": (",", ":")}
    head = tokens.b64encode(json.dumps(tokens.header(kid), **compact).encode())
    body: dict[str, object] = {"sub": subject, "aud": audience, "iat": issued, "exp": expires}
    if session_id is not None:
        body["sid"] = session_id
    claims = tokens.b64encode(json.dumps(body, **compact).encode())
    signing_input = f"{head}.{claims}".encode("ascii")
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{claims}.{tokens.b64encode(signature)}", expires
