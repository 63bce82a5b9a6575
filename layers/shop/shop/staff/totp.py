"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps): the second
factor staff add in an authenticator app (Google Authenticator, 微信/支付宝 小程序 authenticators,
1Password ...), from an ``otpauth://`` URI. A code is accepted for the current step and one step
either side (clock drift), and the sign-in records the step it used so a code is never accepted
twice (replay)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

DIGITS, STEP, WINDOW = 6, 30, 1


def new_secret() -> str:
    """A 160-bit secret, base32 without padding (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret_b32: str) -> bytes:
    return base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))


def code_at(secret_b32: str, step: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    mac = hmac.new(_key(secret_b32), struct.pack(">Q", step), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return str(value).zfill(digits)


def matching_step(secret_b32: str, code: str, *, now: float | None = None, after_step: int = -1) -> int | None:
    """The time step ``code`` belongs to (within WINDOW steps of now and later than ``after_step``,
    the last step already used), or None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = int((time.time() if now is None else now) // STEP)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if step > after_step and hmac.compare_digest(code_at(secret_b32, step), code):
            return step
    return None


def provisioning_uri(secret_b32: str, *, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    return f"otpauth://totp/{label}?secret={secret_b32}&issuer={quote(issuer)}&digits={DIGITS}&period={STEP}"
