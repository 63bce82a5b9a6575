"""消息推送 (the mini-program's message push): verifying and decrypting what WeChat sends to the
push URL configured in the MP admin (开发管理 > 消息推送, data format JSON).

- URL verification (GET) and plaintext pushes: ``signature`` = sha1 of the sorted concatenation of
  the push Token, ``timestamp`` and ``nonce``.
- Safe mode (安全模式, ``encrypt_type=aes``): the body is ``{"ToUserName", "Encrypt"}``;
  ``msg_signature`` = sha1(sort(Token, timestamp, nonce, Encrypt)). Encrypt is base64 of
  AES-256-CBC, key = base64decode(EncodingAESKey + "=") (32 bytes), IV = the key's first 16 bytes,
  PKCS#7 padding to 32-byte blocks; the plaintext is 16 random bytes, the message length (4 bytes,
  big-endian), the message, and the AppID it was meant for - checked against ours.
- Freshness: WeChat signs a timestamp but never expires it; a push older (or further in the future)
  than WECHAT_PUSH_MAX_AGE_SECONDS is refused here, and repeats are made harmless by the caller.

Comparisons are constant-time. ``cryptography`` is imported only when a safe-mode push is decrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time


class PushRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324 - WeChat's scheme


def check_fresh(timestamp: str, max_age: int, now: float | None = None) -> None:
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        raise PushRejected("bad_timestamp") from None
    if abs((time.time() if now is None else now) - moment) > max_age:
        raise PushRejected("stale")


def check_signature(expected_parts: tuple[str, ...], given: str | None) -> None:
    if not given or not hmac.compare_digest(signature(*expected_parts), given.lower()):
        raise PushRejected("bad_signature")


def decrypt(encoding_aes_key: str, encrypted: str, app_id: str) -> bytes:
    """The message inside a safe-mode push; PushRejected when it does not decrypt or is for another app."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
        data = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise PushRejected("bad_encoding") from None
    if len(key) != 32 or not data or len(data) % 16:
        raise PushRejected("bad_encoding")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad:
        raise PushRejected("bad_padding")
    plain = plain[:-pad]
    if len(plain) < 20:
        raise PushRejected("bad_length")
    length = int.from_bytes(plain[16:20], "big")
    message, appid = plain[20:20 + length], plain[20 + length:]
    if len(message) != length:
        raise PushRejected("bad_length")
    if not hmac.compare_digest(appid, app_id.encode("utf-8")):
        raise PushRejected("wrong_appid")
    return message
